/**
 * The e2e stand-in for a mail transport: subscribes to the outbox like a real mailer would
 * and keeps the password-reset tokens it receives, by email. Tokens travel sealed in the
 * event; the app's own TokenService opens them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';

export class Mailbox {
  private readonly resetTokens = new Map<string, string[]>();

  private constructor() {}

  static async attach(app: INestApplication): Promise<Mailbox> {
    const { OutboxService } = await import('@app/concurrency');
    const { TokenService } = await import('../../src/auth/token.service');
    const { PASSWORD_RESET_REQUESTED } = await import('../../src/auth/password-reset.service');
    const outbox = app.get(OutboxService);
    const tokens = app.get(TokenService);
    const mailbox = new Mailbox();
    outbox.subscribe({
      name: 'test.mailbox',
      types: [PASSWORD_RESET_REQUESTED],
      handler: async (event) => {
        const payload = event.payload as { email: string; sealedToken: string };
        const list = mailbox.resetTokens.get(payload.email) ?? [];
        const token = tokens.open(payload.sealedToken);
        // At-least-once delivery: the same event may arrive twice.
        if (!list.includes(token)) list.push(token);
        mailbox.resetTokens.set(payload.email, list);
      },
    });
    return mailbox;
  }

  /** Every reset token delivered to `email` so far, oldest first. */
  resetTokensFor(email: string): string[] {
    return [...(this.resetTokens.get(email.toLowerCase()) ?? [])];
  }

  /** Waits for the `count`-th reset token of `email` (1 = the first) and returns it. */
  async waitForResetToken(email: string, count = 1, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = this.resetTokensFor(email);
      if (list.length >= count) return list[count - 1];
      if (Date.now() > deadline) throw new Error(`no password-reset token #${count} for ${email} within ${timeoutMs} ms`);
      await sleep(20);
    }
  }
}
