import { Injectable } from '@nestjs/common';
import { TenantsRepository } from './tenants.repository';

/** What other modules may do with tenants (the repository stays inside this module). */
@Injectable()
export class TenantsService {
  constructor(private readonly tenants: TenantsRepository) {}

  /** Creates a tenant; returns its id (the `tenantId` of everything it will own). */
  create(data: { name: string; adminCount: number }): Promise<string> {
    return this.tenants.create(data);
  }

  /** One more admin. Call in the same transaction as the role change. */
  addAdmin(tenantId: string): Promise<void> {
    return this.tenants.addAdmin(tenantId);
  }

  /** One admin fewer, unless it is the last (guarded decrement); false when it was the last. */
  removeAdminUnlessLast(tenantId: string): Promise<boolean> {
    return this.tenants.removeAdminUnlessLast(tenantId);
  }
}
