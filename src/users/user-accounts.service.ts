import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/role';
import { PasswordHasher } from './password-hasher';
import { NewUser, UserCredentials, UserKey, UserRecord, UsersRepository } from './users.repository';

/** A new account's stored fields, before it has a tenant. */
export type NewAccount = Omit<NewUser, 'tenantId'>;

/**
 * What the auth module may do with user accounts: sign-up's first user, the login and
 * password-reset lookups (the only cross-tenant user queries) and the password hash. The
 * repository stays inside the users module.
 */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * A new account's stored fields from the fields it is created with (sign-up, an admin
   * adding a user). argon2 is slow and pure: call this before the transaction that inserts the
   * account (whose body may run again), so the hash is computed once. The plain password never
   * reaches the document.
   */
  async newAccount(fields: { email: string; password: string; displayName: string; roles: Role[] }): Promise<NewAccount> {
    return { email: fields.email, passwordHash: await this.hasher.hash(fields.password), displayName: fields.displayName, roles: fields.roles };
  }

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
