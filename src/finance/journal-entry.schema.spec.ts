import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import mongoose, { Types } from 'mongoose';
import { withTenancy } from '../common/tenancy/tenant-owned.plugin';
import { ImmutableEntryError, JournalEntry, JournalEntrySchema } from './journal-entry.schema';

/**
 * The refusals run in mongoose middleware, before any command is sent: on a connection that
 * never connects (bufferCommands off), "before initial connection" means "let through".
 */
const connection = withTenancy(mongoose.createConnection());
JournalEntrySchema.set('bufferCommands', false);
const Entries = connection.model<JournalEntry>('JournalEntry', JournalEntrySchema);
const filter = { tenantId: 't1', _id: new Types.ObjectId() };
const entry = {
  tenantId: 't1',
  kind: 'transfer',
  currency: 'EUR',
  description: 'x',
  lines: [{ accountId: new Types.ObjectId(), debit: 1, credit: 0 }, { accountId: new Types.ObjectId(), debit: 0, credit: 1 }],
  reference: { type: 'transfer', id: new Types.ObjectId() },
  createdBy: 'u1',
};

async function failure(run: () => Promise<unknown>): Promise<Error> {
  return run().then(
    () => assert.fail('expected a failure'),
    (error: Error) => error,
  );
}

describe(ImmutableEntryError.name, () => {
  it('refuses every update and delete of an entry, through queries and through bulkWrite', async () => {
    const attempts = [
      () => Entries.updateOne(filter, { $set: { description: 'x' } }).exec(),
      () => Entries.deleteMany(filter).exec(),
      () => Entries.bulkWrite([{ updateOne: { filter, update: { $set: { description: 'x' } } } }]),
      () => Entries.bulkWrite([{ insertOne: { document: entry } }, { deleteOne: { filter } }]),
    ];
    for (const attempt of attempts) assert.ok((await failure(attempt)) instanceof ImmutableEntryError, attempt.toString());
  });

  it('lets inserts through bulkWrite', async () => {
    const error = await failure(() => Entries.bulkWrite([{ insertOne: { document: entry } }]));
    assert.match(error.message, /before initial connection/);
  });
});
