import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Tenant } from './tenant.schema';

/** Every mongoose call on tenants. */
@Injectable()
export class TenantsRepository {
  constructor(@InjectModel(Tenant.name) private readonly tenants: Model<Tenant>) {}

  /** Creates a tenant; returns its id (the `tenantId` of everything it will own). */
  async create(data: { name: string; adminCount: number }): Promise<string> {
    const [tenant] = await this.tenants.create([data]);
    return tenant._id.toHexString();
  }

  async findById(tenantId: string): Promise<Pick<Tenant, 'name' | 'adminCount'> | null> {
    return this.tenants.findById(tenantId).select({ name: 1, adminCount: 1 }).lean<Pick<Tenant, 'name' | 'adminCount'>>().exec();
  }

  /** One more admin. Call in the same transaction as the role change. */
  async addAdmin(tenantId: string): Promise<void> {
    await this.tenants.updateOne({ _id: tenantId }, { $inc: { adminCount: 1 } }).exec();
  }

  /**
   * One admin fewer, unless that would leave none: a guarded `$inc` whose filter says "more
   * than one admin remains". Returns false (nothing changed) when this would remove the last.
   * Call in the same transaction as the role change.
   */
  async removeAdminUnlessLast(tenantId: string): Promise<boolean> {
    const result = await this.tenants.updateOne({ _id: tenantId, adminCount: { $gt: 1 } }, { $inc: { adminCount: -1 } }).exec();
    return result.matchedCount === 1;
  }
}
