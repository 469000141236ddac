import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { OutboxEvent, OutboxService } from '@app/concurrency';
import { AppConfigService } from '../common/config/app-config.service';
import { PASSWORD_RESET_REQUESTED, PasswordResetRequestedPayload } from './password-reset.service';
import { TokenService } from './token.service';

/**
 * Delivers password-reset tokens. There is no mail transport yet: outside production the
 * token is logged at info level, so a developer can finish the flow in Swagger; in production
 * it is never logged (only that a request could not be delivered). Delivery is at least once,
 * and logging twice is harmless; a real mailer would wrap its send in `outbox.processOnce`.
 */
@Injectable()
export class PasswordResetSubscriber implements OnModuleInit {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    private readonly outbox: OutboxService,
    private readonly tokens: TokenService,
    private readonly config: AppConfigService,
  ) {}

  onModuleInit(): void {
    this.outbox.subscribe({ name: 'auth.password-reset-delivery', types: [PASSWORD_RESET_REQUESTED], handler: (event) => this.deliver(event) });
  }

  async deliver(event: OutboxEvent): Promise<void> {
    const payload = event.payload as PasswordResetRequestedPayload;
    if (this.config.get('NODE_ENV') === 'production') {
      this.logger.warn(`Password reset requested for user ${payload.userId} (tenant ${event.tenantId}); no mail transport is configured, so it was not delivered.`);
      return;
    }
    const token = this.tokens.open(payload.sealedToken);
    this.logger.log(
      `Password reset for ${payload.email} (development only; expires ${payload.expiresAt}): ` +
        `POST /api/v1/auth/password-reset/confirm {"token":"${token}","newPassword":"<at least 10 characters>"}`,
    );
  }
}
