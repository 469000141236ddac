import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongoBulkWriteError, MongoNetworkError, MongoServerError } from 'mongodb';
import { isDatabaseUnavailable, isTransientTransactionError } from './mongo-errors';

describe('mongo-errors', () => {
  it('sees a closed connection or a cleared pool through the MongoBulkWriteError that insertMany and bulkWrite wrap it in', () => {
    const network = new MongoNetworkError('connection 68 to 127.0.0.1:27017 closed');
    const bulk = new MongoBulkWriteError(network, {} as never);
    assert.equal(bulk.name, 'MongoBulkWriteError');
    assert.equal(isDatabaseUnavailable(bulk), true);
    assert.equal(isDatabaseUnavailable(new Error('wrapped', { cause: network })), true);
  });

  it('does not take a write error or a plain server error for an unavailable database', () => {
    assert.equal(isDatabaseUnavailable(new MongoBulkWriteError({ message: 'E11000 duplicate key', code: 11000, writeErrors: [] }, {} as never)), false);
    assert.equal(isDatabaseUnavailable(new MongoServerError({ message: 'bad', code: 2 })), false);
    assert.equal(isDatabaseUnavailable(new Error('plain')), false);
  });

  it('reads a TransientTransactionError label copied onto a bulk write error', () => {
    const conflict = new MongoServerError({ message: 'WriteConflict', code: 112, errorLabels: ['TransientTransactionError'] });
    assert.equal(isTransientTransactionError(new MongoBulkWriteError(conflict, {} as never)), true);
  });
});
