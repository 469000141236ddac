// The filter of @app/problem-details as the toolkit wires it: with the MongoDB translator that
// ConcurrencyModule provides (E11000, write conflicts, an unreachable database).
import { Body, Controller, Get, HttpCode, Post, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsInt, Min } from 'class-validator';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { NotFoundError, PROBLEM_TRANSLATORS, ProblemDetailsFilter } from '@app/problem-details';
import { ContentionError, databaseProblem, VersionMismatchError } from './errors';
import { ETagInterceptor } from './etag.interceptor';

class CreateDto {
  @IsInt()
  @Min(1)
  quantity!: number;
}

@Controller('t')
class ProblemsController {
  @Get('not-found') notFound() {
    throw new NotFoundError('Item');
  }
  @Get('stale') stale() {
    throw new VersionMismatchError({ currentVersion: 4, expectedVersion: 3 });
  }
  @Get('dup') dup() {
    throw new MongoServerError({ message: 'E11000 duplicate key error collection: app.items index: tenantId_1_sku_1 dup key: { tenantId: "t1", sku: "A" }', code: 11000, keyPattern: { tenantId: 1, sku: 1 }, keyValue: { tenantId: 't1', sku: 'A' } });
  }
  @Get('conflict') conflict() {
    const e = new MongoServerError({ message: 'WriteConflict error: this operation conflicted with another operation.', code: 112, codeName: 'WriteConflict' });
    e.addErrorLabel('TransientTransactionError');
    throw e;
  }
  @Get('network') network() {
    const e = new MongoNetworkError('connection 7 to 10.0.0.7:27017 closed');
    e.addErrorLabel('TransientTransactionError');
    throw e;
  }
  @Get('no-primary') noPrimary() {
    throw new MongoServerSelectionError('Server selection timed out after 2000 ms', { type: 'Unknown', servers: new Map(), stale: false, compatible: true, heartbeatFrequencyMS: 10_000, localThresholdMS: 15, setName: 'rs0', maxElectionId: null, maxSetVersion: null, commonWireVersion: 0, logicalSessionTimeoutMinutes: null } as never);
  }
  @Get('shutting-down') shuttingDown() {
    throw new MongoServerError({ message: 'interrupted at shutdown', code: 11600, codeName: 'InterruptedAtShutdown' });
  }
  @Get('lock-timeout') lockTimeout() {
    throw new MongoServerError({ message: 'operation exceeded time limit', code: 50, codeName: 'MaxTimeMSExpired' });
  }
  @Get('contention') contention() {
    throw new ContentionError({ retryAfterSeconds: 2 });
  }
  @Get('boom') boom() {
    throw new Error('connection to 10.0.0.7:27017 lost; secret internals');
  }
  @Post('validate') @HttpCode(200) validate(@Body() dto: CreateDto) {
    return dto;
  }
  @Get('versioned') versioned() {
    return { id: 'a', version: 7 };
  }
}

describe(ProblemDetailsFilter.name, () => {
  let app: NestFastifyApplication;
  let url: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProblemsController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: PROBLEM_TRANSLATORS, useValue: [databaseProblem] },
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 1024 }), {
      logger: { log() {}, warn() {}, debug() {}, verbose() {}, fatal() {}, error: (m: unknown) => void logged.push(String(m)) },
    });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app.close());

  async function get(path: string, init?: RequestInit) {
    const res = await fetch(url + path, init);
    const text = await res.text();
    return { res, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  it('renders an AppError as application/problem+json with type, title, status, detail, instance, code', async () => {
    const { res, body } = await get('/t/not-found');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.deepEqual(body, { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'Item not found.', instance: '/t/not-found', code: 'not-found' });
  });

  it('carries extensions and headers of the error (412 currentVersion + ETag)', async () => {
    const { res, body } = await get('/t/stale?x=1');
    assert.equal(res.status, 412);
    assert.equal(res.headers.get('etag'), '"4"');
    assert.equal(body?.currentVersion, 4);
    assert.equal(body?.code, 'version-mismatch');
    assert.equal(body?.instance, '/t/stale');
  });

  it('maps E11000 to 409 duplicate naming the fields from keyPattern, leaking neither index name nor values', async () => {
    const { res, body, text } = await get('/t/dup');
    assert.equal(res.status, 409);
    assert.equal(body?.code, 'duplicate');
    assert.deepEqual(body?.fields, ['sku']);
    assert.doesNotMatch(text, /E11000|tenantId_1|dup key|"A"/);
  });

  it('maps an escaped WriteConflict / TransientTransactionError to 409 contention with Retry-After', async () => {
    const { res, body, text } = await get('/t/conflict');
    assert.equal(res.status, 409);
    assert.equal(body?.code, 'contention');
    assert.equal(res.headers.get('retry-after'), '1');
    assert.doesNotMatch(text, /WriteConflict error/);
    const c = await get('/t/contention');
    assert.equal(c.res.headers.get('retry-after'), '2');
  });

  it('maps an unreachable or unserving database (network error, no primary, shutdown, a lock wait past maxTimeMS) to 503 database-unavailable with Retry-After, not 409 or 500', async () => {
    for (const path of ['/t/network', '/t/no-primary', '/t/shutting-down', '/t/lock-timeout']) {
      const { res, body, text } = await get(path);
      assert.equal(res.status, 503, path);
      assert.equal(body?.code, 'database-unavailable', path);
      assert.match(res.headers.get('retry-after') ?? '', /^\d+$/, path);
      assert.doesNotMatch(text, /10\.0\.0\.7|Server selection|shutdown|time limit/, path);
    }
  });

  it('answers anything else with 500 internal and a generic detail, logging the stack with the request id', async () => {
    const { res, body, text } = await get('/t/boom', { headers: { 'x-request-id': 'req-42' } });
    assert.equal(res.status, 500);
    assert.equal(body?.code, 'internal');
    assert.doesNotMatch(text, /10\.0\.0\.7|secret|at \w+ \(/);
    assert.ok(logged.some((l) => l.includes('req-42') && l.includes('secret internals') && l.includes('problem-details.filter.spec')), logged.join('\n'));
  });

  it('maps Nest and Fastify HTTP errors: unknown route 404, malformed JSON 400, body too large 413, unsupported media type 415', async () => {
    const unknown = await get('/nope');
    assert.equal(unknown.res.status, 404);
    assert.equal(unknown.body?.code, 'not-found');
    assert.match(unknown.res.headers.get('content-type') ?? '', /^application\/problem\+json/);

    const malformed = await get('/t/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity": ' });
    assert.equal(malformed.res.status, 400);
    assert.equal(malformed.body?.code, 'malformed-body');

    const big = await get('/t/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1, pad: 'x'.repeat(4000) }) });
    assert.equal(big.res.status, 413);
    assert.equal(big.body?.code, 'payload-too-large');

    const media = await get('/t/validate', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    assert.equal(media.res.status, 415);
    assert.equal(media.body?.code, 'unsupported-media-type');
  });

  it('turns ValidationPipe errors into 400 validation-failed with errors[]', async () => {
    const { res, body } = await get('/t/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity": 0}' });
    assert.equal(res.status, 400);
    assert.equal(body?.code, 'validation-failed');
    assert.ok(Array.isArray(body?.errors) && (body.errors as Array<{ field: string }>)[0].field === 'quantity');
  });

  it('ETagInterceptor: sets ETag "<version>" and answers a matching If-None-Match with 304', async () => {
    const first = await get('/t/versioned');
    assert.equal(first.res.headers.get('etag'), '"7"');
    const again = await get('/t/versioned', { headers: { 'if-none-match': '"7"' } });
    assert.equal(again.res.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.res.headers.get('etag'), '"7"');
    const weak = await get('/t/versioned', { headers: { 'if-none-match': 'W/"6", W/"7"' } });
    assert.equal(weak.res.status, 304);
    const stale = await get('/t/versioned', { headers: { 'if-none-match': '"6"' } });
    assert.equal(stale.res.status, 200);
  });
});
