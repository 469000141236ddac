import { Injectable } from '@nestjs/common';
import { MANAGER_AND_UP } from '../auth/role';
import { UsersLookupService } from '../users/users-lookup.service';

/** Who receives which notification, as user ids. */
@Injectable()
export class RecipientDirectoryService {
  constructor(private readonly users: UsersLookupService) {}

  /** User ids of every manager and admin of the tenant (the approvers). */
  approverIds(tenantId: string): Promise<string[]> {
    return this.users.idsWithRoles({ tenantId, roles: MANAGER_AND_UP });
  }
}
