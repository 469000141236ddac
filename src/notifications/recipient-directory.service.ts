import { Injectable } from '@nestjs/common';
import { MANAGER_AND_UP, Role } from '../auth/role';
import { UsersRepository } from '../users/users.repository';

/** Upper bound on approvers notified per request (a tenant with more needs a group inbox). */
const MAX_APPROVERS = 1000;

/**
 * Who receives which notification, as user ids.
 *
 * INTERIM (see docs/blockers-documents.md): the users module exports no lookup service yet,
 * so this reads through its exported UsersRepository. Replace with a
 * `UsersLookupService.idsWithRoles(tenantId, roles)` once it exists.
 */
@Injectable()
export class RecipientDirectoryService {
  constructor(private readonly users: UsersRepository) {}

  /** User ids of every manager and admin of the tenant (the approvers). */
  async approverIds(tenantId: string): Promise<string[]> {
    const roles: Role[] = [...MANAGER_AND_UP];
    const users = await this.users.list({ tenantId, roles: { $in: roles } }, { limit: MAX_APPROVERS, offset: 0 });
    return users.map((u) => String(u._id));
  }
}
