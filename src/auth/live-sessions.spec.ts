import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import type { Model, Types } from 'mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { DatabaseUnavailableError } from '@app/concurrency';
import { AppConfigService } from '../common/config/app-config.service';
import { withTenancy } from '../common/tenancy/tenant-owned.plugin';
import { LiveSessions } from './live-sessions';
import { Role } from './role';
import { Session, SessionEndReason, SessionSchema } from './session.schema';
import { SessionsRepository } from './sessions.repository';

const TENANT = '665f1c2e8b3e4a0012345670';
const OTHER = '665f1c2e8b3e4a0099999999';
const USER = '665f1c2e8b3e4a0012345678';
const DAY = 24 * 60 * 60 * 1000;

const config = (serverSelectionMs: number, operationMs: number) =>
  ({ get: (key: string) => (key === 'MONGODB_SERVER_SELECTION_TIMEOUT_MS' ? serverSelectionMs : operationMs) }) as unknown as AppConfigService;

describe(LiveSessions.name, () => {
  let emulator: MongoEmulator;
  let moduleRef: TestingModule;
  let repo: SessionsRepository;
  let live: LiveSessions;
  /** The id lists of the reads LiveSessions sent. */
  const reads: string[][] = [];

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    moduleRef = await Test.createTestingModule({
      imports: [MongooseModule.forRoot(emulator.uri, { connectionFactory: withTenancy }), MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }])],
      providers: [SessionsRepository, LiveSessions, { provide: AppConfigService, useValue: config(2_000, 10_000) }],
    }).compile();
    await moduleRef.get<Model<Session>>(getModelToken(Session.name)).init();
    repo = moduleRef.get(SessionsRepository);
    const findUnrevoked = repo.findUnrevoked.bind(repo);
    repo.findUnrevoked = (ids: readonly Types.ObjectId[]) => {
      reads.push(ids.map((id) => id.toHexString()));
      return findUnrevoked(ids);
    };
    live = moduleRef.get(LiveSessions);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await emulator?.stop();
  });

  let seq = 0;
  const newSession = async (expiresInMs = DAY) =>
    (
      await repo.create(
        { tenantId: TENANT, userId: USER, roles: [Role.Admin], refreshTokenHash: `h${++seq}`, expiresAt: new Date(Date.now() + expiresInMs), userAgent: null, ip: null },
        new Date(),
      )
    )._id.toHexString();
  const claim = (sessionId: string, over: Partial<{ tenantId: string; userId: string }> = {}) => ({ sessionId, tenantId: TENANT, userId: USER, ...over });

  it('the session checks of concurrent requests go to the database as one read, each answered for its own session', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => newSession()));
    await repo.revoke({ _id: ids[1], tenantId: TENANT }, SessionEndReason.Logout, new Date());
    reads.length = 0;
    // Each session asked three times, as three requests of one client would.
    const asked = [...ids, ...ids, ...ids];
    const answers = await Promise.all(asked.map((id) => live.find(claim(id), new Date())));
    assert.equal(reads.length, 1, 'one read for the whole batch');
    assert.deepEqual(new Set(reads[0]), new Set(ids), 'each session read once');
    assert.deepEqual(
      answers.map((a) => a !== null),
      asked.map((id) => id !== ids[1]),
      'only the revoked session is refused',
    );
    assert.deepEqual(answers[0]?.roles, [Role.Admin]);
  });

  it('a revocation that ended before the check is seen: nothing is remembered between batches', async () => {
    const id = await newSession();
    assert.ok(await live.find(claim(id), new Date()));
    await repo.revoke({ _id: id, tenantId: TENANT }, SessionEndReason.Logout, new Date());
    assert.equal(await live.find(claim(id), new Date()), null);
  });

  it('names the tenant and the user: another tenant or user finds nothing, in the same batch as the rightful one', async () => {
    const id = await newSession();
    const [right, otherTenant, otherUser] = await Promise.all([
      live.find(claim(id), new Date()),
      live.find(claim(id, { tenantId: OTHER }), new Date()),
      live.find(claim(id, { userId: OTHER }), new Date()),
    ]);
    assert.ok(right);
    assert.equal(otherTenant, null);
    assert.equal(otherUser, null);
  });

  it('an expired session is refused; a malformed id is refused without failing the batch it would share', async () => {
    const expired = await newSession(1_000);
    const fine = await newSession();
    const [late, malformed, ok] = await Promise.all([
      live.find(claim(expired), new Date(Date.now() + 2_000)),
      live.find(claim('not-an-object-id'), new Date()),
      live.find(claim(fine), new Date()),
    ]);
    assert.equal(late, null);
    assert.equal(malformed, null);
    assert.ok(ok);
  });

  it('a read that never answers fails its whole batch with 503 after server selection + maxTimeMS, instead of holding it', async () => {
    const silent = { findUnrevoked: () => new Promise(() => undefined) } as unknown as SessionsRepository;
    const stuck = new LiveSessions(silent, config(50, 100));
    const started = performance.now();
    const answers = await Promise.allSettled([stuck.find(claim('665f1c2e8b3e4a00123456aa'), new Date()), stuck.find(claim('665f1c2e8b3e4a00123456bb'), new Date())]);
    for (const a of answers) assert.ok(a.status === 'rejected' && a.reason instanceof DatabaseUnavailableError, String(a.status));
    assert.ok(performance.now() - started >= 140, 'not before the deadline');
  });
});
