import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { Page } from '../common/http/page.dto';
import type { PageWindow } from '../common/http/page-query.dto';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { FILE_VERSION_MODEL, FileVersion } from './file-version.schema';
import type { OwnerRef } from './owner-type';

export type FileVersionRecord = FileVersion;

/** The filter selecting every version of one owner. */
export function ownerFilter(owner: OwnerRef): TenantFilter<FileVersion> {
  return { tenantId: owner.tenantId, ownerType: owner.ownerType, ownerId: new Types.ObjectId(owner.ownerId) };
}

/** File versions. Inside a transaction every call here joins it (mongoose's AsyncLocalStorage). */
@Injectable()
export class FileVersionRepository extends TenantScopedRepository<FileVersion, FileVersionRecord> {
  constructor(@InjectModel(FILE_VERSION_MODEL) private readonly versions: Model<FileVersion>) {
    super(versions);
  }

  async insert(doc: Omit<FileVersion, '_id' | 'createdAt'>): Promise<FileVersionRecord> {
    return this.insertOne(doc);
  }

  /**
   * Marks the owner's current version as no longer current (a no-op for the first version).
   * Must run before the insert of the new current one in the same transaction: the partial
   * unique index allows one current version per owner at every moment, also inside it.
   */
  async retireCurrent(owner: OwnerRef): Promise<void> {
    await this.versions.updateOne({ ...ownerFilter(owner), isCurrent: true }, { $set: { isCurrent: false } }).exec();
  }

  async exists(filter: TenantFilter<FileVersion>): Promise<boolean> {
    return (await this.versions.exists(filter).exec()) !== null;
  }

  /** One page of the owner's versions by ascending number. */
  list(owner: OwnerRef, window: PageWindow): Promise<Page<FileVersionRecord>> {
    return this.page(ownerFilter(owner), window, { version: 1 });
  }
}
