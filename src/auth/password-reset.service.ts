import { Injectable } from '@nestjs/common';
import { OutboxService, Transactional } from '@app/concurrency';
import { PasswordHasher } from '../users/password-hasher';
import { UserAccountsService } from '../users/user-accounts.service';
import { InvalidResetTokenError } from './auth.errors';
import { PasswordResetConfirmDto } from './dto/password-reset-confirm.dto';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { SessionEndReason } from './session.schema';
import { SessionsRepository } from './sessions.repository';
import { TokenService } from './token.service';

/** Outbox event carrying a reset token to its user (sealed: see PasswordResetRequestedPayload). */
export const PASSWORD_RESET_REQUESTED = 'password-reset-requested';
export const RESET_TOKEN_TTL_MS = 30 * 60 * 1000;

/**
 * Payload of {@link PASSWORD_RESET_REQUESTED}. The token is sealed (TokenService.seal): the
 * outbox is readable by more than the mailer (tenant event streams, backups), and a readable
 * token there would let a colleague take the account over.
 */
export interface PasswordResetRequestedPayload {
  userId: string;
  email: string;
  sealedToken: string;
  expiresAt: string;
}

@Injectable()
export class PasswordResetService {
  constructor(
    private readonly users: UserAccountsService,
    private readonly sessions: SessionsRepository,
    private readonly resetTokens: PasswordResetTokensRepository,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly outbox: OutboxService,
  ) {}

  /** Always ends in 202 for the caller: whether the email exists is not revealed. */
  async request(email: string): Promise<void> {
    const user = await this.users.findByEmailAcrossTenants(email);
    if (user) await this.issue(user.tenantId, user._id.toHexString(), user.email);
  }

  /** The token row and the event that delivers it commit together (no emit inside: the outbox relays it after commit). */
  @Transactional()
  private async issue(tenantId: string, userId: string, email: string): Promise<void> {
    const now = new Date();
    const reset = this.tokens.newOpaqueToken();
    const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_MS);
    await this.resetTokens.create({ tenantId, userId, tokenHash: reset.hash, expiresAt }, now);
    const payload: PasswordResetRequestedPayload = { userId, email, sealedToken: this.tokens.seal(reset.token), expiresAt: expiresAt.toISOString() };
    // internal: a reset concerns one user, not every member watching the tenant's event stream.
    await this.outbox.add({ type: PASSWORD_RESET_REQUESTED, tenantId, aggregateId: userId, payload, internal: true });
  }

  async confirm(dto: PasswordResetConfirmDto): Promise<void> {
    const passwordHash = await this.hasher.hash(dto.newPassword);
    await this.consumeAndReset(this.tokens.hashOpaqueToken(dto.token), passwordHash);
  }

  /**
   * One atomic consume decides the winner among concurrent confirms; the new password, the
   * revocation of every session of the user and the spending of the user's other reset tokens
   * commit with it or not at all.
   */
  @Transactional()
  private async consumeAndReset(tokenHash: string, passwordHash: string): Promise<void> {
    const now = new Date();
    const token = await this.resetTokens.consume(tokenHash, now);
    if (!token) throw new InvalidResetTokenError();
    const { tenantId, userId } = token;
    if (!(await this.users.setPasswordHash({ _id: userId, tenantId }, passwordHash))) throw new InvalidResetTokenError();
    await this.sessions.revokeAllForUser({ tenantId, userId }, SessionEndReason.PasswordReset, now);
    await this.resetTokens.consumeAllForUser({ tenantId, userId }, now);
  }
}
