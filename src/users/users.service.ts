import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { Transactional } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Role } from '../auth/role';
import { SessionsService } from '../auth/sessions.service';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { TenantsService } from '../tenants/tenants.service';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserListResponseDto, UserResponseDto } from './dto/user-response.dto';
import { UserAccountsService } from './user-accounts.service';
import { LastAdminError } from './users.errors';
import { NewUser, UsersRepository } from './users.repository';

const isAdmin = (roles: readonly Role[]): boolean => roles.includes(Role.Admin);

/** Users of a tenant: creation, listing, partial versioned updates, the last-admin rule. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsService,
    private readonly accounts: UserAccountsService,
  ) {}

  async create(actor: AuthUser, dto: CreateUserDto): Promise<UserResponseDto> {
    return this.insert({ tenantId: actor.tenantId, ...(await this.accounts.newAccount(dto)) });
  }

  /** The user and the tenant's admin count move together. */
  @Transactional()
  private async insert(data: NewUser): Promise<UserResponseDto> {
    const user = await this.users.create(data);
    if (isAdmin(user.roles)) await this.tenants.addAdmin(data.tenantId);
    return UserResponseDto.from(user);
  }

  /** A page of the tenant's users, oldest first. */
  async list(actor: AuthUser, query: PageQueryDto): Promise<UserListResponseDto> {
    return mapPage(await this.users.page({ tenantId: actor.tenantId }, pageWindow(query), { createdAt: 1, _id: 1 }), (u) => UserResponseDto.from(u));
  }

  async get(actor: AuthUser, id: string): Promise<UserResponseDto> {
    const user = await this.users.findOne({ _id: id, tenantId: actor.tenantId });
    if (!user) throw new NotFoundError('User');
    return UserResponseDto.from(user);
  }

  /**
   * Partial update under If-Match. One transaction holds the versioned user update, the
   * tenant's admin counter (guarded: never below one) and the sessions' roles, so two admins
   * demoting each other at once collide on the tenant document and one of them gets 409.
   */
  @Transactional()
  async update(actor: AuthUser, id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserResponseDto> {
    const { tenantId } = actor;
    if (dto.displayName === undefined && dto.roles === undefined) {
      throw new ValidationFailedError([{ field: 'body', message: 'send at least one of displayName, roles' }]);
    }
    const key = { _id: id, tenantId };
    // Read in the transaction's snapshot: if updateVersioned below succeeds, this is exactly
    // the version it replaced (a newer commit would make it fail with a write conflict → retry).
    const before = await this.users.findOne(key);
    if (!before) throw new NotFoundError('User');
    const after = await this.users.update(key, expectedVersion, {
      ...(dto.displayName !== undefined && { displayName: dto.displayName }),
      ...(dto.roles !== undefined && { roles: dto.roles }),
    });
    if (isAdmin(before.roles) && !isAdmin(after.roles)) {
      if (!(await this.tenants.removeAdminUnlessLast(tenantId))) throw new LastAdminError();
    } else if (!isAdmin(before.roles) && isAdmin(after.roles)) {
      await this.tenants.addAdmin(tenantId);
    }
    // Access tokens authorise from the session, so a demotion takes effect on the next request.
    if (dto.roles !== undefined) await this.sessions.setRolesForUser({ tenantId, userId: id }, after.roles);
    return UserResponseDto.from(after);
  }
}
