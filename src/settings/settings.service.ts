import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import type { AuthUser } from '../auth/auth-user';
import { SettingDto } from './dto/setting.dto';
import { SettingRepository } from './setting.repository';

/** Tenant settings: whole-value replacement under If-Match, and mergeable list options. */
@Injectable()
export class SettingsService {
  constructor(private readonly settings: SettingRepository) {}

  /** One setting of the caller's tenant; absent (or another tenant's) → 404. */
  async get(actor: AuthUser, key: string): Promise<SettingDto> {
    const setting = await this.settings.findOne({ tenantId: actor.tenantId, key });
    if (!setting) throw new NotFoundError('Setting');
    return SettingDto.from(setting);
  }

  /**
   * Replaces the value under If-Match. A missing setting is version 0, so `If-Match: "0"`
   * creates it (once: a concurrent creator gets 412). Arrays make list settings.
   */
  async put(actor: AuthUser, key: string, expectedVersion: number, value: unknown): Promise<SettingDto> {
    const kind = Array.isArray(value) ? 'list' : 'value';
    const setting =
      expectedVersion === 0
        ? await this.settings.create(actor.tenantId, key, kind, value)
        : await this.settings.replace({ tenantId: actor.tenantId, key }, expectedVersion, kind, value);
    return SettingDto.from(setting);
  }

  /** Adds an option to a list setting (created if absent); concurrent adds all land. */
  async addItem(actor: AuthUser, key: string, item: string): Promise<SettingDto> {
    return SettingDto.from(await this.settings.addItem(actor.tenantId, key, item));
  }

  /** Removes an option from a list setting; removing an absent option is a no-op. */
  async removeItem(actor: AuthUser, key: string, item: string): Promise<SettingDto> {
    return SettingDto.from(await this.settings.removeItem(actor.tenantId, key, item));
  }
}
