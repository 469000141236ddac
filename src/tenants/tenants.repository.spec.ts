import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { Tenant, TenantSchema } from './tenant.schema';
import { TenantsRepository } from './tenants.repository';

describe(TenantsRepository.name, () => {
  let emulator: MongoEmulator;
  let moduleRef: TestingModule;
  let repo: TenantsRepository;

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    moduleRef = await Test.createTestingModule({
      imports: [MongooseModule.forRoot(emulator.uri), MongooseModule.forFeature([{ name: Tenant.name, schema: TenantSchema }])],
      providers: [TenantsRepository],
    }).compile();
    repo = moduleRef.get(TenantsRepository);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await emulator?.stop();
  });

  it('removeAdminUnlessLast is a guarded decrement: never below one, even when raced', async () => {
    const tenantId = await repo.create({ name: 'Acme', adminCount: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, () => repo.removeAdminUnlessLast(tenantId)));
    assert.equal(results.filter(Boolean).length, 2);
    assert.equal((await repo.findById(tenantId))?.adminCount, 1);
    await repo.addAdmin(tenantId);
    assert.equal((await repo.findById(tenantId))?.adminCount, 2);
  });
});
