import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import type { Model } from 'mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { withTenancy } from '../common/tenancy/tenant-owned.plugin';
import { Role } from './role';
import { Session, SessionEndReason, SessionSchema } from './session.schema';
import { SessionsRepository } from './sessions.repository';

const TENANT = '665f1c2e8b3e4a0012345670';
const USER = '665f1c2e8b3e4a0012345678';
const DAY = 24 * 60 * 60 * 1000;

describe(SessionsRepository.name, () => {
  let emulator: MongoEmulator;
  let moduleRef: TestingModule;
  let repo: SessionsRepository;

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    moduleRef = await Test.createTestingModule({
      imports: [MongooseModule.forRoot(emulator.uri, { connectionFactory: withTenancy }), MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }])],
      providers: [SessionsRepository],
    }).compile();
    await moduleRef.get<Model<Session>>(getModelToken(Session.name)).init();
    repo = moduleRef.get(SessionsRepository);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await emulator?.stop();
  });

  const newSession = (hash: string) =>
    repo.create({ tenantId: TENANT, userId: USER, roles: [Role.Admin], refreshTokenHash: hash, expiresAt: new Date(Date.now() + DAY), userAgent: null, ip: null }, new Date());

  it('of 20 concurrent rotations of one token exactly one succeeds, and the used hash is remembered', async () => {
    const session = await newSession('h0');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.rotateRefreshToken('h0', `h1-${i}`, new Date(), new Date(Date.now() + DAY))));
    const winners = results.filter((r) => r !== null);
    assert.equal(winners.length, 1);
    assert.match(winners[0]!.refreshTokenHash, /^h1-\d+$/);
    const reused = await repo.findByRotatedTokenAcrossTenants('h0');
    assert.equal(reused?._id.toHexString(), session._id.toHexString());
  });

  it('a revoked or expired session cannot rotate', async () => {
    const revoked = await newSession('r0');
    assert.equal(await repo.revoke({ _id: revoked._id.toHexString(), tenantId: TENANT }, SessionEndReason.Logout, new Date()), true);
    assert.equal(await repo.rotateRefreshToken('r0', 'r1', new Date(), new Date(Date.now() + DAY)), null);
    await newSession('e0');
    assert.equal(await repo.rotateRefreshToken('e0', 'e1', new Date(Date.now() + 2 * DAY), new Date(Date.now() + 3 * DAY)), null);
  });
});
