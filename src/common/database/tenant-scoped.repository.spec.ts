import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongoEmulator } from '@app/mongo-emulator';
import mongoose, { Connection, Model, Schema, Types } from 'mongoose';
import { pageWindow } from '../http/page-query.dto';
import { TenantScopedRepository } from './tenant-scoped.repository';

interface Thing {
  tenantId: string;
  n: number;
  ownerId: Types.ObjectId;
  secret: string;
  readAt: Date | null;
}

class ThingRepository extends TenantScopedRepository<Thing> {
  constructor(model: Model<Thing>) {
    super(model);
  }
}

/** The one paging path of every list: one $facet aggregate, filters cast, hidden fields hidden. */
describe(TenantScopedRepository.name, () => {
  let emulator: MongoEmulator;
  let connection: Connection;
  let repo: ThingRepository;
  const owner = new Types.ObjectId();

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    connection = await mongoose.createConnection(emulator.uri).asPromise();
    const schema = new Schema<Thing>({
      tenantId: { type: String, required: true },
      n: Number,
      ownerId: Schema.Types.ObjectId,
      secret: { type: String, select: false },
      readAt: { type: Date, default: null },
    });
    const model = connection.model<Thing>('Thing', schema);
    repo = new ThingRepository(model);
    await model.insertMany([
      ...Array.from({ length: 25 }, (_, i) => ({ tenantId: 't1', n: i, ownerId: owner, secret: 'hash', readAt: i % 5 === 0 ? null : new Date() })),
      { tenantId: 't2', n: 99, ownerId: owner, secret: 'hash' },
    ]);
  });
  afterAll(async () => {
    await connection?.close();
    await emulator?.stop();
  });

  it('pages in sort order with the total of all pages, counts from the same read, and the schema-hidden fields left out', async () => {
    // ownerId as a string: cast to an ObjectId as find() would, or nothing would match.
    const page = await repo.page({ tenantId: 't1', ownerId: owner.toHexString() }, pageWindow({ page: 2, pageSize: 10 }), { n: -1, _id: 1 }, { counts: { unread: { readAt: null } } });
    assert.deepEqual(
      page.items.map((t) => t.n),
      [14, 13, 12, 11, 10, 9, 8, 7, 6, 5],
    );
    assert.deepEqual([page.total, page.page, page.pageSize, page.counts.unread], [25, 2, 10, 5]);
    assert.ok(page.items.every((t) => !('secret' in t)), 'select:false fields never leave the repository in a page');
  });

  it('an empty page still answers the total and zero counts', async () => {
    const page = await repo.page({ tenantId: 't3' }, pageWindow({}), { _id: 1 }, { counts: { unread: { readAt: null } } });
    assert.deepEqual([page.items, page.total, page.counts.unread], [[], 0, 0]);
  });
});
