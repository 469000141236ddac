import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import mongoose, { Connection, Model, Schema, Types } from 'mongoose';
import { NOT_TENANT_OWNED, TENANT_ID_PATH, tenantOwnedPlugin, withTenancy } from './tenant-owned.plugin';
import { MissingTenantScopeError, TenantMismatchError } from './tenant-scope.plugin';

describe(`${tenantOwnedPlugin.name} on one schema`, () => {
  // Models are compiled, never used: the plugin works on schemas before any command is sent.
  const connection = withTenancy(mongoose.createConnection());
  const options = { autoCreate: false, autoIndex: false };

  it('declares tenantId on the model, not on its subdocuments, and indexes it only when no index starts with it', () => {
    const line = new Schema({ sku: String }, { _id: false });
    const order = new Schema({ lines: [line], head: new Schema({ note: String }) }, { collection: 'orders_a', ...options });
    const keyed = new Schema({ key: String }, { collection: 'keyed_a', ...options });
    keyed.index({ tenantId: 1, key: 1 }, { unique: true });
    connection.model('OrderA', order);
    connection.model('KeyedA', keyed);
    assert.deepEqual({ ...order.path('tenantId').options }, TENANT_ID_PATH);
    assert.equal(line.path('tenantId'), undefined);
    assert.equal((order.path('head') as unknown as { schema: Schema }).schema.path('tenantId'), undefined);
    assert.deepEqual(order.indexes().map(([keys]) => keys), [{ tenantId: 1 }]);
    assert.deepEqual(keyed.indexes().map(([keys]) => keys), [{ tenantId: 1, key: 1 }]);
  });

  it('leaves an opted-out collection alone and refuses a schema that declares tenantId itself', () => {
    const tenants = new Schema({ name: String }, { collection: 'tenants', ...options });
    connection.model('TenantA', tenants);
    assert.equal(tenants.path('tenantId'), undefined);
    const own = new Schema({ tenantId: String }, { collection: 'own_a', ...options });
    assert.throws(() => connection.model('OwnA', own), /declares tenantId itself/);
  });
});

/**
 * Boots the real AppModule (every module, the toolkit, the app's connection factory) and
 * walks every model registered on its connection: tenancy is a property of the connection,
 * so no module can add a collection that escapes it without naming it in NOT_TENANT_OWNED.
 */
describe(tenantOwnedPlugin.name, () => {
  let emulator: MongoEmulator;
  let moduleRef: TestingModule;
  let connection: Connection;
  let owned: Model<any>[];

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    Object.assign(process.env, { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'test-secret-test-secret-test-secret', MONGODB_URI: emulator.uri });
    // Imported after the environment is set: the config module reads it when it is loaded.
    const { AppModule } = await import('../../app.module');
    moduleRef = await Test.createTestingModule({ imports: [AppModule.register()] }).compile();
    connection = moduleRef.get<Connection>(getConnectionToken());
    owned = Object.values(connection.models).filter((model) => !(model.collection.collectionName in NOT_TENANT_OWNED));
  });
  afterAll(async () => {
    await moduleRef?.close();
    await emulator?.stop();
  });

  it('every model is named in the opt-out list or carries a required, immutable, indexed tenantId and the tenant scope', async () => {
    // The app's 21 tenant-owned collections (today), so the walk cannot pass by finding none.
    assert.ok(owned.length >= 21, owned.map((m) => m.modelName).join());
    const problems: string[] = [];
    for (const model of owned) {
      const path = model.schema.path('tenantId');
      if (path?.instance !== 'String' || !path.isRequired || path.options.immutable !== true) problems.push(`${model.modelName}: tenantId is not ${JSON.stringify(TENANT_ID_PATH)}`);
      if (!model.schema.indexes().some(([keys]) => Object.keys(keys)[0] === 'tenantId')) problems.push(`${model.modelName}: no index starts with tenantId`);
      // Outside a request, a query that names no tenant is refused before it reaches the server.
      const scoped = await model.find({}).exec().then(() => false, (error) => error instanceof MissingTenantScopeError);
      if (!scoped) problems.push(`${model.modelName}: queries are not tenant-scoped`);
    }
    assert.deepEqual(problems, []);
  });

  it('no update moves a document of any tenant-owned model into another tenant', async () => {
    const moved: string[] = [];
    for (const model of owned) {
      const _id = new Types.ObjectId();
      await model.collection.insertOne({ _id, tenantId: 'tenant-a' });
      const filter = { _id, tenantId: 'tenant-a' };
      const attempts: Record<string, () => Promise<unknown>> = {
        updateOne: () => model.updateOne(filter, { $set: { tenantId: 'tenant-b' } }).exec(),
        updateMany: () => model.updateMany(filter, { tenantId: 'tenant-b' }).exec(),
        findOneAndUpdate: () => model.findOneAndUpdate(filter, { $set: { tenantId: 'tenant-b' } }).exec(),
        bulkWrite: () => model.bulkWrite([{ updateOne: { filter, update: { $set: { tenantId: 'tenant-b' } } } }]),
        replaceOne: () => model.replaceOne(filter, { tenantId: 'tenant-b' }).exec(),
        findOneAndReplace: () => model.findOneAndReplace(filter, { tenantId: 'tenant-b' }).exec(),
      };
      for (const [op, attempt] of Object.entries(attempts)) {
        // Mongoose drops the path from an update (a bulkWrite left with nothing to do is then
        // refused by the driver); the scope refuses a replacement into another tenant, and
        // journal entries refuse every change. Nothing else may fail.
        await attempt().catch((error: Error) => {
          const expected = error instanceof TenantMismatchError || /^Journal entries are immutable|^Update document requires atomic operators/.test(error.message);
          if (!expected) moved.push(`${model.modelName}.${op} failed: ${error.message}`);
        });
        const stored = await model.collection.findOne({ _id });
        if (stored?.tenantId !== 'tenant-a') moved.push(`${model.modelName}.${op}`);
        await model.collection.updateOne({ _id }, { $set: { tenantId: 'tenant-a' } });
      }
    }
    assert.deepEqual(moved, []);
  });
});
