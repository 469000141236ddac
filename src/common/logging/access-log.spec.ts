import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fastify from 'fastify';
import pino from 'pino';
import { registerAccessLog } from './access-log';

describe(registerAccessLog.name, () => {
  it('writes one compact line per request — none for health and metrics — with route, status, ms, request id, tenant and user', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const app = fastify();
    registerAccessLog(app, pino({ level: 'info' }, sink));
    app.addHook('preHandler', (request, _reply, done) => {
      if (request.headers.authorization) (request as unknown as { user: object }).user = { userId: 'u1', tenantId: 't1' };
      done();
    });
    app.get('/health/live', async () => ({ status: 'ok' }));
    app.get('/metrics', async () => 'metrics');
    app.get('/api/v1/items/:id', async () => ({ id: 1 }));
    app.get('/api/v1/boom', async (_req, reply) => reply.code(503).send({}));
    await app.ready();
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/metrics' });
    await app.inject({ method: 'GET', url: '/api/v1/items/42?x=1', headers: { authorization: 'Bearer x', cookie: 'secret=1', 'x-request-id': 'r-1' } });
    await app.inject({ method: 'GET', url: '/api/v1/boom' });
    await app.close();

    const lines = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2, chunks.join(''));
    const [read, failed] = lines;
    assert.equal(read.msg, 'GET /api/v1/items/:id 200');
    assert.deepEqual(
      { method: read.method, route: read.route, status: read.status, tenant: read.tenant, user: read.user, level: read.level },
      { method: 'GET', route: '/api/v1/items/:id', status: 200, tenant: 't1', user: 'u1', level: 30 },
    );
    assert.equal(typeof read.ms, 'number');
    assert.equal(typeof read.reqId, 'string');
    // No headers: nothing to redact, and the line stays short.
    assert.doesNotMatch(JSON.stringify(read), /Bearer|secret|headers/);
    assert.ok(JSON.stringify(read).length < 300);
    assert.deepEqual([failed.status, failed.level], [503, 50]);
  });
});
