import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mongoose, { Connection, Model } from 'mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Tenant, TenantSchema } from './tenant.schema';
import { TenantsRepository } from './tenants.repository';

describe(TenantsRepository.name, () => {
  let emulator: MongoEmulator;
  let connection: Connection;
  let repo: TenantsRepository;

  before(async () => {
    emulator = await MongoEmulator.start();
    connection = await mongoose.createConnection(emulator.uri).asPromise();
    repo = new TenantsRepository(connection.model(Tenant.name, TenantSchema) as unknown as Model<Tenant>);
  });
  after(async () => {
    await connection?.close();
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
