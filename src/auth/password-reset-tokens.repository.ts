import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { crossTenant } from '../common/tenancy/tenant-scope.plugin';
import { PasswordResetToken } from './password-reset-token.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** Every mongoose call on password-reset tokens. */
@Injectable()
export class PasswordResetTokensRepository extends TenantScopedRepository<PasswordResetToken> {
  constructor(@InjectModel(PasswordResetToken.name) private readonly tokens: Model<PasswordResetToken>) {
    super(tokens);
  }

  async create(data: Pick<PasswordResetToken, 'tenantId' | 'userId' | 'tokenHash' | 'expiresAt'>, now: Date): Promise<void> {
    await this.tokens.create([{ ...data, createdAt: now, usedAt: null }]);
  }

  /**
   * Spends a token in ONE atomic update whose filter says "unused and unexpired": of any
   * number of concurrent confirms exactly one gets the token back. Cross-tenant: the caller
   * holds a secret, not a tenant; the secret names the user.
   */
  consume(tokenHash: string, now: Date): Promise<Pick<PasswordResetToken, 'tenantId' | 'userId'> | null> {
    return this.tokens
      .findOneAndUpdate(
        { tokenHash, usedAt: null, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
        { returnDocument: 'after', projection: { tenantId: 1, userId: 1 }, ...crossTenant('password reset: the token hash identifies its user') },
      )
      .lean<Pick<PasswordResetToken, 'tenantId' | 'userId'>>()
      .exec();
  }

  /** Spends every other outstanding token of the user (a reset makes older links useless). */
  async consumeAllForUser(filter: TenantFilter<PasswordResetToken> & { userId: string }, now: Date): Promise<void> {
    await this.tokens.updateMany({ ...filter, usedAt: null }, { $set: { usedAt: now } }).exec();
  }
}
