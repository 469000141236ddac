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

interface Entry {
  tenantId: string;
  kind: string;
  lines: Array<{ accountId: Types.ObjectId | string; debit: number }>;
  status?: string;
  createdAt?: Date;
}

class EntryRepository extends TenantScopedRepository<Entry> {
  constructor(override readonly model: Model<Entry>) {
    super(model);
  }

  insertMany(entries: Entry[]) {
    return this.insertAll(entries);
  }
}

/** The one paging path of every list: one $facet aggregate, filters cast, hidden fields hidden. */
describe(TenantScopedRepository.name, () => {
  let emulator: MongoEmulator;
  let connection: Connection;
  let repo: ThingRepository;
  let entries: EntryRepository;
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
    const line = new Schema({ accountId: { type: Schema.Types.ObjectId, required: true }, debit: { type: Number, min: 0, validate: Number.isSafeInteger } }, { _id: false });
    const entrySchema = new Schema<Entry>(
      { tenantId: { type: String, required: true }, kind: { type: String, enum: ['a', 'b'], required: true }, lines: [line], status: { type: String, default: 'open' } },
      { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
    );
    entries = new EntryRepository(connection.model<Entry>('Entry', entrySchema));
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

  it('inserts a batch cast, defaulted and timestamped by the schema, and returns what it stored', async () => {
    const account = new Types.ObjectId();
    const inserted = await entries.insertMany([
      { tenantId: 't1', kind: 'a', lines: [{ accountId: account.toHexString(), debit: 5 }] },
      { tenantId: 't1', kind: 'b', lines: [], status: 'closed' },
    ]);
    const stored = await entries.model.find({ tenantId: 't1' }).sort({ kind: 1 }).lean().exec();
    assert.deepEqual(inserted, stored, 'what the caller gets is what the database holds');
    assert.ok(stored[0].lines[0].accountId instanceof Types.ObjectId, 'a hex string is stored as the ObjectId the schema declares');
    assert.deepEqual([stored[0].status, stored[1].status], ['open', 'closed']);
    assert.ok(stored.every((e) => e.createdAt instanceof Date));
  });

  it('refuses a batch with any row the schema refuses, and writes none of it', async () => {
    const account = new Types.ObjectId();
    const good: Entry = { tenantId: 't2', kind: 'a', lines: [{ accountId: account, debit: 1 }] };
    const bad: Array<[string, Entry]> = [
      ['an unknown enum value', { ...good, kind: 'c' }],
      ['a negative amount', { ...good, lines: [{ accountId: account, debit: -1 }] }],
      ['a fraction', { ...good, lines: [{ accountId: account, debit: 1.5 }] }],
      ['a line without its account', { ...good, lines: [{ debit: 1 } as Entry['lines'][number]] }],
      ['a missing required field', { ...good, kind: undefined as unknown as string }],
    ];
    for (const [what, row] of bad) {
      await assert.rejects(entries.insertMany([good, row]), (e: unknown) => e instanceof mongoose.Error.ValidationError, what);
    }
    assert.equal(await entries.model.countDocuments({ tenantId: 't2' }), 0);
  });
});
