import { Injectable } from '@nestjs/common';
import { NewUser, UserCredentials, UserKey, UserRecord, UsersRepository } from './users.repository';

/**
 * What the auth module may do with user accounts: sign-up's first user, the login and
 * password-reset lookups (the only cross-tenant user queries) and the password hash. The
 * repository stays inside the users module.
 */
@Injectable()
export class UserAccountsService {
  constructor(private readonly users: UsersRepository) {}

  create(data: NewUser): Promise<UserRecord> {
    return this.users.create(data);
  }

  findCredentialsByEmailAcrossTenants(email: string): Promise<UserCredentials | null> {
    return this.users.findCredentialsByEmailAcrossTenants(email);
  }

  findByEmailAcrossTenants(email: string): Promise<Pick<UserRecord, '_id' | 'tenantId' | 'email'> | null> {
    return this.users.findByEmailAcrossTenants(email);
  }

  touchLogin(key: UserKey, at: Date): Promise<Pick<UserRecord, '_id' | 'roles'> | null> {
    return this.users.touchLogin(key, at);
  }

  setPasswordHash(key: UserKey, passwordHash: string): Promise<boolean> {
    return this.users.setPasswordHash(key, passwordHash);
  }
}
