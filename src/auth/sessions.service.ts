import { Injectable } from '@nestjs/common';
import type { Role } from './role';
import { SessionsRepository, UserSessionsFilter } from './sessions.repository';

/** What the users module may do with login sessions (the repository stays with auth). */
@Injectable()
export class SessionsService {
  constructor(private readonly sessions: SessionsRepository) {}

  /** Keeps a user's sessions' roles current; call in the transaction that changes the roles. */
  setRolesForUser(filter: UserSessionsFilter, roles: Role[]): Promise<void> {
    return this.sessions.setRolesForUser(filter, roles);
  }
}
