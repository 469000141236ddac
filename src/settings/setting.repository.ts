import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { NotFoundError } from '@app/problem-details';
import { InvalidStateError, isDuplicateKeyError, updateVersioned, VersionedDoc, VersionMismatchError, withVersionBump } from '@app/concurrency';
import { Model, UpdateQuery } from 'mongoose';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { Setting, SettingKind } from './setting.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** A lean setting as the repository returns it. */
export type StoredSetting = VersionedDoc<Setting>;

const notAList = (kind: unknown) =>
  new InvalidStateError({ currentState: kind, detail: 'This setting holds a single value, not a list; replace it with PUT instead.' });

/** Every mongoose call on the `settings` collection. */
@Injectable()
export class SettingRepository extends TenantScopedRepository<Setting, StoredSetting> {
  constructor(@InjectModel(Setting.name) private readonly settings: Model<Setting>) {
    super(settings);
  }


  /** Replaces the value under If-Match (one atomic update; stale → 412, absent → 404). */
  replace(filter: TenantFilter<Setting>, expectedVersion: number, kind: SettingKind, value: unknown): Promise<StoredSetting> {
    return updateVersioned(this.settings, { filter, expectedVersion, update: { $set: { kind, value } }, resource: 'Setting' });
  }

  /**
   * Creates the setting at version 1 (a PUT with `If-Match: "0"`): the unique (tenant, key)
   * index decides, so of concurrent creators one wins and the others get 412 with the
   * version that now exists.
   */
  async create(tenantId: string, key: string, kind: SettingKind, value: unknown): Promise<StoredSetting> {
    try {
      const [created] = await this.settings.create([{ tenantId, key, kind, value }]);
      return created.toObject() as StoredSetting;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const current = await this.findOne({ tenantId, key });
      throw new VersionMismatchError({ currentVersion: current?.version ?? 1, expectedVersion: 0 });
    }
  }

  /**
   * Adds one option with `$addToSet` (creating the list setting if absent): the server merges
   * it into the current array, so concurrent admins adding different options all keep theirs
   * (a read-modify-write of the whole array would drop all but the last).
   */
  async addItem(tenantId: string, key: string, item: string): Promise<StoredSetting> {
    const filter: TenantFilter<Setting> = { tenantId, key, kind: 'list' };
    const update = withVersionBump<Setting>({ $addToSet: { value: item } } as UpdateQuery<Setting>);
    try {
      return await this.settings.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' }).lean<StoredSetting>().orFail().exec();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Two first-ever adds raced to insert the setting (or it exists but is not a list): it
    // exists now, so the same atomic update without upsert either lands or proves the kind.
    const updated = await this.settings.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean<StoredSetting>().exec();
    if (updated) return updated;
    const current = await this.findOne({ tenantId, key });
    throw current ? notAList(current.kind) : new NotFoundError('Setting');
  }

  /**
   * Removes one option with `$pull`. The filter requires the option to be present, so removing
   * an absent option changes nothing (idempotent, no version bump) and returns the setting.
   */
  async removeItem(tenantId: string, key: string, item: string): Promise<StoredSetting> {
    const update = withVersionBump<Setting>({ $pull: { value: item } } as UpdateQuery<Setting>);
    const updated = await this.settings
      .findOneAndUpdate({ tenantId, key, kind: 'list', value: item }, update, { returnDocument: 'after' })
      .lean<StoredSetting>()
      .exec();
    if (updated) return updated;
    const current = await this.findOne({ tenantId, key });
    if (!current) throw new NotFoundError('Setting');
    if (current.kind !== 'list') throw notAList(current.kind);
    return current;
  }
}
