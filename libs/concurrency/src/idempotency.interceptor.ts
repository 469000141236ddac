import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { getHeader, HttpRequestLike, ReplayedProblemError, requestPath, resolveProblem, setResponseHeader, tenantScope, ValidationFailedError } from '@app/problem-details';
import { databaseProblem } from './errors';
import { IdempotencyStore } from './idempotency.store';
import { concurrencyMetrics } from './metrics';
import { TransactionRunner } from './transaction-runner';

/** Response header marking a replayed response. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** Canonical JSON (sorted keys) so that `{a,b}` and `{b,a}` fingerprint alike. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Buffer.isBuffer(value)) return `buffer:${value.toString('base64')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
}

/** Fingerprint of a request: method, URL (path and query) and canonical body. */
export function requestFingerprint(request: HttpRequestLike): string {
  return createHash('sha256').update(`${request.method.toUpperCase()}\n${request.url}\n${canonical(request.body)}`).digest('base64url');
}

/** Outcomes that must not be remembered: the client is expected to retry them with the same key. */
function isRetryableOutcome(status: number, code: string): boolean {
  return status >= 500 || status === 408 || status === 429 || code === 'contention' || code === 'idempotency-in-progress';
}

/**
 * Idempotency-Key (IETF httpapi draft, Stripe semantics) for POST handlers. The key is
 * claimed first and committed (a concurrent duplicate gets 409 `idempotency-in-progress`);
 * the handler then runs inside ONE transaction together with the write of its response, so
 * the effect and the record commit or roll back together (the service's REQUIRED
 * transactional methods join it). A 4xx is stored too (outside the rolled-back transaction)
 * and replayed; a 5xx releases the key. Replays carry `Idempotent-Replayed: true`.
 * Same key with another method, path or body → 422 `idempotency-key-reused`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly transactions: TransactionRunner,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const key = getHeader(request, 'idempotency-key');
    if (key === undefined) return next.handle();
    return defer(() => this.execute(context, next, request, key));
  }

  private async execute(context: ExecutionContext, next: CallHandler, request: HttpRequestLike, key: string): Promise<unknown> {
    if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters (a UUID is ideal)' }]);
    }
    const response = context.switchToHttp().getResponse<unknown>();
    const method = request.method.toUpperCase();
    const path = requestPath(request);
    const claim = await this.store.claim({ scope: tenantScope(request), key, method, path, fingerprint: requestFingerprint(request) }).catch((error: unknown) => {
      concurrencyMetrics.idempotencyOutcomes.inc({ outcome: error instanceof ValidationFailedError ? 'invalid' : (error as { code?: string }).code ?? 'error' });
      throw error;
    });

    if (claim.kind === 'replay') {
      concurrencyMetrics.idempotencyOutcomes.inc({ outcome: 'replayed' });
      setResponseHeader(response, IDEMPOTENT_REPLAYED_HEADER, 'true');
      if (claim.problem) {
        const { type: _type, title, status, detail, instance: _instance, code, ...extensions } = claim.body as Record<string, unknown>;
        throw new ReplayedProblemError({ status: Number(status), code: String(code), title: String(title), detail: detail as string | undefined, extensions, headers: { [IDEMPOTENT_REPLAYED_HEADER]: 'true' } });
      }
      return claim.body;
    }

    const handler = context.getHandler();
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'POST' ? 201 : 200);
    const stopKeepAlive = this.store.keepAlive(claim);
    try {
      const body = await this.transactions.run(
        async () => {
          // next.handle() is called inside the transaction's async context, so the handler
          // (and any re-run after a write conflict) sees the session.
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          const json = result === undefined ? undefined : (JSON.parse(JSON.stringify(result)) as unknown);
          await this.store.complete({ id: claim.id, lockToken: claim.lockToken, status, body: json, problem: false });
          return result;
        },
        { name: `idempotent:${context.getClass().name}.${handler.name}` },
      );
      concurrencyMetrics.idempotencyOutcomes.inc({ outcome: 'executed' });
      return body;
    } catch (error) {
      stopKeepAlive();
      const problem = resolveProblem(error, path, [databaseProblem]);
      if (isRetryableOutcome(problem.body.status, problem.body.code)) {
        concurrencyMetrics.idempotencyOutcomes.inc({ outcome: 'released' });
        await this.store.release({ id: claim.id, lockToken: claim.lockToken });
      } else {
        concurrencyMetrics.idempotencyOutcomes.inc({ outcome: 'stored-error' });
        await this.transactions.suspend(() => this.store.complete({ id: claim.id, lockToken: claim.lockToken, status: problem.body.status, body: problem.body, problem: true })).catch(() => undefined);
      }
      throw error;
    } finally {
      stopKeepAlive();
    }
  }
}
