import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError, UnauthenticatedError } from '@app/problem-details';
import { Transactional } from '@app/concurrency';
import { AppConfigService } from '../common/config/app-config.service';
import { TenantsService } from '../tenants/tenants.service';
import { PasswordHasher } from '../users/password-hasher';
import { NewAccount, UserAccountsService } from '../users/user-accounts.service';
import type { AuthUser } from './auth-user';
import type { ClientInfo } from './client-info.decorator';
import { LoginDto } from './dto/login.dto';
import { SessionListResponseDto } from './dto/session-response.dto';
import { SignupDto } from './dto/signup.dto';
import { SignupResponseDto, TokenPairDto } from './dto/token-pair.dto';
import { Role } from './role';
import { SessionEndReason } from './session.schema';
import { SessionRecord, SessionsRepository } from './sessions.repository';
import { REFRESH_TOKEN_TTL_MS, TokenService } from './token.service';

/** The one answer to every failed login: unknown email and wrong password are indistinguishable. */
export const INVALID_CREDENTIALS = 'Invalid email or password.';
/** The one answer to every failed refresh (unknown, expired, already used, revoked). */
export const INVALID_REFRESH_TOKEN = 'The refresh token is invalid, expired or already used; sign in again.';

/** Signup, login, refresh-token rotation with reuse detection, logout, sessions. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UserAccountsService,
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfigService,
  ) {}

  async signup(dto: SignupDto, client: ClientInfo): Promise<SignupResponseDto> {
    const account = await this.users.newAccount({ ...dto, roles: [Role.Admin] });
    return this.createTenantWithAdmin(dto.tenantName, account, client);
  }

  /** Tenant, first admin and first session: all or nothing. A taken email → 409 from the unique index. */
  @Transactional()
  private async createTenantWithAdmin(tenantName: string, account: NewAccount, client: ClientInfo): Promise<SignupResponseDto> {
    const tenantId = await this.tenants.create({ name: tenantName, adminCount: 1 });
    const user = await this.users.create({ tenantId, ...account });
    const userId = user._id.toHexString();
    const pair = await this.openSession(tenantId, userId, client);
    return { tenantId, userId, ...pair };
  }

  async login(dto: LoginDto, client: ClientInfo): Promise<TokenPairDto> {
    const user = await this.users.findCredentialsByEmailAcrossTenants(dto.email);
    // Exactly one argon2 verification either way, so timing does not tell whether the email exists.
    const valid = user ? await this.hasher.verify(user.passwordHash, dto.password) : await this.hasher.verifyNothing(dto.password);
    if (!user || !valid) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    return this.openSession(user.tenantId, user._id.toHexString(), client);
  }

  /**
   * Starts a session with the user's roles as of now. Touching the user document in the same
   * transaction makes a concurrent role change conflict with this login, so a session is
   * never created with roles that were just taken away (the change also rewrites the roles
   * of existing sessions, in its own transaction).
   */
  @Transactional()
  private async openSession(tenantId: string, userId: string, client: ClientInfo): Promise<TokenPairDto> {
    const now = new Date();
    const user = await this.users.touchLogin({ _id: userId, tenantId }, now);
    if (!user) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const refresh = this.tokens.newOpaqueToken();
    const session = await this.sessions.create(
      { tenantId, userId, roles: user.roles, refreshTokenHash: refresh.hash, expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS), ...client },
      now,
    );
    return this.tokenPair(session, refresh.token);
  }

  /**
   * Rotation: one atomic findOneAndUpdate consumes the presented token and installs its
   * successor, so of concurrent refreshes with one token exactly one wins. The successor is
   * derived from the presented token, so a loser arriving within the grace window (tabs that
   * refreshed at once) gets the very pair the winner got, as long as that successor is still
   * current. Any other presentation of a rotated token is reuse (a copy is in someone else's
   * hands): the whole session is revoked, including the successor and its access tokens.
   */
  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const presented = this.tokens.hashOpaqueToken(refreshToken);
    const next = this.tokens.successorOf(refreshToken);
    const now = new Date();
    const session = await this.sessions.rotateRefreshToken(presented, next.hash, now, new Date(now.getTime() + REFRESH_TOKEN_TTL_MS));
    if (session) return this.tokenPair(session, next.token);

    const graceMs = this.config.get('AUTH_REFRESH_REUSE_GRACE_SECONDS') * 1000;
    if (graceMs > 0) {
      const raced = await this.sessions.findRecentlyRotatedTo(next.hash, new Date(now.getTime() - graceMs), now);
      if (raced) return this.tokenPair(raced, next.token);
    }

    const reused = await this.sessions.findByRotatedTokenAcrossTenants(presented);
    if (reused) {
      const revoked = await this.sessions.revoke({ _id: reused._id.toHexString(), tenantId: reused.tenantId }, SessionEndReason.RefreshTokenReuse, now);
      if (revoked) this.logger.warn(`Refresh-token reuse: revoked session ${reused._id.toHexString()} of user ${reused.userId} (tenant ${reused.tenantId})`);
    }
    throw new UnauthenticatedError(INVALID_REFRESH_TOKEN);
  }

  /** Ends the caller's session: its refresh token and every access token of it stop working at once. */
  async logout(actor: AuthUser): Promise<void> {
    await this.sessions.revoke({ _id: actor.sessionId, tenantId: actor.tenantId, userId: actor.userId }, SessionEndReason.Logout, new Date());
  }

  async listSessions(actor: AuthUser): Promise<SessionListResponseDto> {
    const sessions = await this.sessions.listLive({ tenantId: actor.tenantId, userId: actor.userId }, new Date());
    return {
      items: sessions.map((s) => ({
        id: s._id.toHexString(),
        current: s._id.toHexString() === actor.sessionId,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
      })),
    };
  }

  /** Revokes one of the caller's own live sessions; anything else (another user's, ended, unknown) is 404. */
  async revokeSession(actor: AuthUser, sessionId: string): Promise<void> {
    const revoked = await this.sessions.revoke({ _id: sessionId, tenantId: actor.tenantId, userId: actor.userId }, SessionEndReason.Revoked, new Date());
    if (!revoked) throw new NotFoundError('Session');
  }

  private async tokenPair(session: SessionRecord, refreshToken: string): Promise<TokenPairDto> {
    const accessToken = await this.tokens.signAccessToken({
      sub: session.userId,
      tid: session.tenantId,
      roles: session.roles,
      sid: session._id.toHexString(),
    });
    return { accessToken, refreshToken, expiresIn: this.tokens.accessTtlSeconds };
  }
}
