import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import mongoose, { Schema } from 'mongoose';
import { ClsServiceManager } from 'nestjs-cls';
import { TenantContext } from './tenant-context';
import { crossTenant, MissingTenantScopeError, TenantMismatchError, tenantScopePlugin } from './tenant-scope.plugin';

/**
 * The plugin runs in mongoose middleware, before any command reaches a server. A connection
 * that never connects (bufferCommands off) lets each operation run its middleware and then
 * fail with "before initial connection": that error means "the plugin let it through", and
 * the query object shows the filter the server would have received.
 */
const connection = mongoose.createConnection();
const schema = new Schema(
  { tenantId: { type: String, required: true, immutable: true }, name: String },
  { bufferCommands: false, autoCreate: false, autoIndex: false },
);
schema.plugin(tenantScopePlugin);
const Thing = connection.model('Thing', schema);

const NOT_CONNECTED = /before initial connection/;
const opOf = (query: object): string => (query as { op?: string }).op ?? '?';

async function outcome(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the operation to fail (no connection)');
}

function inTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  const cls = ClsServiceManager.getClsService();
  return cls.run(() => {
    TenantContext.set(tenantId);
    return fn();
  });
}

describe(tenantScopePlugin.name, () => {
  describe('inside a request', () => {
    it('ANDs the tenant into find, count and every update/delete', async () => {
      await inTenant('t1', async () => {
        const queries = [
          Thing.find({ name: 'x' }),
          Thing.findOne({ name: 'x' }),
          Thing.countDocuments({ name: 'x' }),
          Thing.updateOne({ name: 'x' }, { $set: { name: 'y' } }),
          Thing.updateMany({}, { $set: { name: 'y' } }),
          Thing.findOneAndUpdate({ name: 'x' }, { $set: { name: 'y' } }),
          Thing.deleteOne({ name: 'x' }),
          Thing.deleteMany({ name: 'x' }),
          Thing.findOneAndDelete({ name: 'x' }),
          Thing.replaceOne({ name: 'x' }, { tenantId: 't1', name: 'z' }),
        ];
        for (const query of queries) {
          const error = await outcome(() => query.exec());
          assert.match(error.message, NOT_CONNECTED, `${opOf(query)}: ${error.message}`);
          const filter = query.getFilter();
          const ands = (filter.$and ?? []) as unknown[];
          assert.ok(filter.tenantId === 't1' || ands.some((c) => JSON.stringify(c) === '{"tenantId":"t1"}'), `${opOf(query)} not scoped`);
        }
      });
    });

    it('ANDs rather than overwrites: a filter naming another tenant matches nothing', async () => {
      await inTenant('t1', async () => {
        const query = Thing.findOne({ tenantId: 't2', name: 'x' });
        await outcome(() => query.exec());
        assert.deepEqual(query.getFilter(), { tenantId: 't2', name: 'x', $and: [{ tenantId: 't1' }] });
      });
    });

    it('leaves a filter that already names the request tenant alone', async () => {
      await inTenant('t1', async () => {
        const query = Thing.find({ tenantId: 't1' });
        await outcome(() => query.exec());
        assert.deepEqual(query.getFilter(), { tenantId: 't1' });
      });
    });

    it('puts a tenant $match first in every aggregate', async () => {
      await inTenant('t1', async () => {
        const aggregate = Thing.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }]);
        await outcome(() => aggregate.exec());
        assert.deepEqual(aggregate.pipeline()[0], { $match: { tenantId: 't1' } });
      });
    });

    it('refuses to save a document of another tenant', async () => {
      await inTenant('t1', async () => {
        const error = await outcome(() => new Thing({ tenantId: 't2', name: 'x' }).save());
        assert.ok(error instanceof TenantMismatchError, error.message);
        const ok = await outcome(() => new Thing({ tenantId: 't1', name: 'x' }).save());
        assert.match(ok.message, NOT_CONNECTED);
      });
    });

    it('refuses a replacement that would move the document into another tenant', async () => {
      await inTenant('t1', async () => {
        const error = await outcome(() => Thing.replaceOne({ name: 'x' }, { tenantId: 't2', name: 'y' }).exec());
        assert.ok(error instanceof TenantMismatchError, error.message);
        assert.ok((await outcome(() => Thing.findOneAndReplace({ name: 'x' }, { name: 'y' }).exec())) instanceof TenantMismatchError);
        assert.match((await outcome(() => Thing.replaceOne({ name: 'x' }, { tenantId: 't1', name: 'y' }).exec())).message, NOT_CONNECTED);
      });
      const outside = await outcome(() => Thing.replaceOne({ tenantId: 't1' }, { tenantId: 't2', name: 'y' }).exec());
      assert.ok(outside instanceof TenantMismatchError, outside.message);
    });

    it('scopes bulkWrite filters and checks inserted tenants', async () => {
      await inTenant('t1', async () => {
        const ops = [{ updateOne: { filter: { name: 'x' }, update: { $set: { name: 'y' } } } }];
        await outcome(() => Thing.bulkWrite(ops));
        const error = await outcome(() => Thing.bulkWrite([{ insertOne: { document: { tenantId: 't2', name: 'x' } } }]));
        assert.ok(error instanceof TenantMismatchError, error.message);
      });
    });
  });

  describe('outside a request', () => {
    it('refuses find, update, delete, count and aggregate without a tenant in the filter', async () => {
      const runs: Array<() => Promise<unknown>> = [
        () => Thing.find({ name: 'x' }).exec(),
        () => Thing.updateOne({ name: 'x' }, { $set: { name: 'y' } }).exec(),
        () => Thing.deleteMany({}).exec(),
        () => Thing.countDocuments().exec(),
        () => Thing.estimatedDocumentCount().exec(),
        () => Thing.aggregate([{ $match: { name: 'x' } }]).exec(),
        () => Thing.bulkWrite([{ deleteMany: { filter: {} } }]),
      ];
      for (const run of runs) {
        const error = await outcome(run);
        assert.ok(error instanceof MissingTenantScopeError, error.message);
      }
    });

    it('lets through a filter or a first $match that names the tenant', async () => {
      for (const run of [
        () => Thing.find({ tenantId: 't1' }).exec(),
        () => Thing.aggregate([{ $match: { tenantId: 't1' } }]).exec(),
      ]) {
        assert.match((await outcome(run)).message, NOT_CONNECTED);
      }
    });

    it('refuses an insert without a tenant', async () => {
      const error = await outcome(() => new Thing({ name: 'x' }).save());
      // mongoose validation (required) or the plugin: either way nothing is written.
      assert.doesNotMatch(error.message, NOT_CONNECTED);
    });

    it('crossTenant(reason) lifts the scope for one operation and is not sent to the server', async () => {
      const query = Thing.findOne({ name: 'x' }).setOptions(crossTenant('login looks users up by email'));
      assert.match((await outcome(() => query.exec())).message, NOT_CONNECTED);
      assert.deepEqual(query.getFilter(), { name: 'x' });
      assert.equal('crossTenant' in query.getOptions(), false);
      const next = Thing.findOne({ name: 'x' });
      assert.ok((await outcome(() => next.exec())) instanceof MissingTenantScopeError, 'the bypass must not stick');
    });

    it('crossTenant() needs a reason', () => {
      assert.throws(() => crossTenant('  '));
    });
  });
});
