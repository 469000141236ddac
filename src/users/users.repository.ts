import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DuplicateError, isDuplicateKeyError, updateVersioned } from '@app/concurrency';
import type { Model, Types } from 'mongoose';
import type { Role } from '../auth/role';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { crossTenant } from '../common/tenancy/tenant-scope.plugin';
import { User } from './user.schema';

/** A stored user as read (lean), without the password hash. */
export type UserRecord = Omit<User, 'passwordHash'> & { _id: Types.ObjectId };
/** What login needs: who, where, and the hash to verify. */
export type UserCredentials = Pick<User, 'tenantId' | 'passwordHash' | 'roles'> & { _id: Types.ObjectId };
/** Identifies one user of one tenant. */
export type UserKey = TenantFilter<User> & { _id: string };

export type NewUser = Pick<User, 'tenantId' | 'email' | 'passwordHash' | 'displayName' | 'roles'>;

/** Every mongoose call on users. Filters name the tenant (TenantFilter) except the two explicit cross-tenant lookups. */
@Injectable()
export class UsersRepository extends TenantScopedRepository<User, UserRecord> {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {
    super(users);
  }

  /** Inserts a user; the unique email index (not a prior lookup) refuses duplicates → 409 `duplicate`. */
  async create(data: NewUser): Promise<UserRecord> {
    try {
      const [created] = await this.users.create([data]);
      const { passwordHash: _hash, ...user } = created.toObject();
      return user as UserRecord;
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateError({ fields: ['email'], detail: 'A user with this email already exists.' });
      throw error;
    }
  }

  /** Ids of the users matching `filter`, at most `limit`, oldest first. */
  async ids(filter: TenantFilter<User>, limit: number): Promise<Types.ObjectId[]> {
    const rows = await this.users.find(filter).select({ _id: 1 }).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<Array<{ _id: Types.ObjectId }>>().exec();
    return rows.map((r) => r._id);
  }

  /**
   * THE login lookup: the one legitimate cross-tenant user query. An email names one user
   * in the whole system (unique index), and the caller has no tenant yet.
   */
  findCredentialsByEmailAcrossTenants(email: string): Promise<UserCredentials | null> {
    return this.users
      .findOne({ email })
      .select({ tenantId: 1, roles: 1, passwordHash: 1 })
      .setOptions(crossTenant('login: an email identifies one user across all tenants'))
      .lean<UserCredentials>()
      .exec();
  }

  /** Password-reset requests arrive with an email and no tenant, like login. */
  findByEmailAcrossTenants(email: string): Promise<Pick<UserRecord, '_id' | 'tenantId' | 'email'> | null> {
    return this.users
      .findOne({ email })
      .select({ tenantId: 1, email: 1 })
      .setOptions(crossTenant('password reset: an email identifies one user across all tenants'))
      .lean<Pick<UserRecord, '_id' | 'tenantId' | 'email'>>()
      .exec();
  }

  /** Optimistic update: 412 when `expectedVersion` is stale, 404 when absent (or another tenant's). */
  async update(key: UserKey, expectedVersion: number, set: Partial<Pick<User, 'displayName' | 'roles'>>): Promise<UserRecord> {
    const updated = await updateVersioned(this.users, { filter: key, expectedVersion, update: { $set: set }, resource: 'User' });
    const { passwordHash: _hash, ...user } = updated as typeof updated & { passwordHash?: string };
    return user as unknown as UserRecord;
  }

  /**
   * Records a login and returns the roles as of now. Writing the user document is the point:
   * it makes a login conflict with a concurrent role change (both write this document), so a
   * new session can never be created with roles that were just taken away.
   */
  touchLogin(key: UserKey, at: Date): Promise<Pick<UserRecord, '_id' | 'roles'> | null> {
    return this.users
      .findOneAndUpdate(key, { $set: { lastLoginAt: at } }, { returnDocument: 'after', projection: { roles: 1 }, timestamps: false })
      .lean<{ _id: Types.ObjectId; roles: Role[] }>()
      .exec();
  }

  /** Replaces the password hash (password reset). Not a versioned change: the hash is not part of the resource. */
  async setPasswordHash(key: UserKey, passwordHash: string): Promise<boolean> {
    const result = await this.users.updateOne(key, { $set: { passwordHash } }, { timestamps: false }).exec();
    return result.matchedCount === 1;
  }
}
