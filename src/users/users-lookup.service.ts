import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/role';
import { UsersRepository } from './users.repository';

/** Upper bound on users returned by one role lookup (a tenant with more needs a group inbox). */
const MAX_USERS_PER_LOOKUP = 1000;

/** What other modules may ask about users: ids, never documents or hashes. */
@Injectable()
export class UsersLookupService {
  constructor(private readonly users: UsersRepository) {}

  /** Ids of the tenant's users holding any of `roles` (e.g. the approvers to notify). */
  async idsWithRoles(options: { tenantId: string; roles: readonly Role[] }): Promise<string[]> {
    const ids = await this.users.ids({ tenantId: options.tenantId, roles: { $in: [...options.roles] } }, MAX_USERS_PER_LOOKUP);
    return ids.map(String);
  }
}
