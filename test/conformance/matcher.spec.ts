// Self-tests for the runner's matching rules and helpers. Run with:
//   node --require @swc-node/register --test test/conformance/matcher.spec.ts
import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';

import { Binary, Double, EJSON, Int32, Long, ObjectId, Timestamp } from 'bson';

import { assertMatch, type EntityLookup, matches, MatchError } from './matcher';
import { compareVersions, requirementHolds, type ServerInfo } from './requirements';
import { findSkip } from './skips';
import { describeError, checkExpectedError } from './expect-error';

const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
const entities: EntityLookup = {
  sessionLsid: (id) => {
    if (id === 'session0') return lsid;
    throw new Error(`no session ${id}`);
  },
  entity: (id) => {
    if (id === 'oid0') return new ObjectId('0123456789abcdef01234567');
    throw new Error(`no entity ${id}`);
  },
};

describe('matcher', () => {
  it('allows extra fields only at the root', () => {
    assert.ok(matches({ x: 1 }, { x: 1, y: 2 }, { root: true }));
    assert.ok(!matches({ x: 1 }, { x: 1, y: 2 }, { root: false }));
    assert.ok(!matches({ a: { x: 1 } }, { a: { x: 1, y: 2 } }, { root: true }));
    assert.ok(!matches({ x: 1, y: 1 }, { x: 1 }, { root: true }));
  });

  it('treats elements of iterable results as root documents but not distinct values', () => {
    assert.ok(matches([{ x: 1 }], [{ x: 1, y: 1 }], { rootElements: true }));
    assert.ok(!matches([{ x: 1 }], [{ x: 1, y: 1 }], { root: true }));
  });

  it('requires arrays of equal length', () => {
    assert.ok(!matches([1, 2, 3], [1, 2, 3, 4]));
    assert.ok(matches([1, 2, 3], [1, 2, 3]));
  });

  it('compares numbers flexibly', () => {
    assert.ok(matches(1, new Double(1)));
    assert.ok(matches(new Int32(5), Long.fromNumber(5)));
    assert.ok(matches(Long.fromString('9007199254740993'), 9007199254740993n));
    assert.ok(!matches(1, 1.5));
    assert.ok(!matches(1, '1'));
  });

  it('implements $$exists and $$unsetOrMatches', () => {
    assert.ok(matches({ a: { $$exists: true } }, { a: null }, { root: true }));
    assert.ok(!matches({ a: { $$exists: true } }, {}, { root: true }));
    assert.ok(matches({ a: { $$exists: false } }, { b: 1 }, { root: true }));
    assert.ok(matches({ a: { $$exists: false } }, { a: undefined }, { root: true }));
    assert.ok(!matches({ a: { $$exists: false } }, { a: 1 }, { root: true }));
    assert.ok(matches({ insertedId: { $$unsetOrMatches: 2 } }, {}, { root: true }));
    assert.ok(matches({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 2 }, { root: true }));
    assert.ok(!matches({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 3 }, { root: true }));
    // at the root it keeps root-ness: extra fields allowed
    assert.ok(matches({ $$unsetOrMatches: { n: 1 } }, { n: 1, extra: 2 }, { root: true }));
    assert.ok(matches({ $$unsetOrMatches: { n: 1 } }, undefined, { root: true }));
  });

  it('implements $$type including integral numbers', () => {
    assert.ok(matches({ $$type: ['int', 'long'] }, 5));
    assert.ok(matches({ $$type: 'long' }, Long.fromNumber(5)));
    assert.ok(matches({ $$type: 'double' }, 5.5));
    assert.ok(!matches({ $$type: 'int' }, 5.5));
    assert.ok(matches({ $$type: 'object' }, { a: 1 }));
    assert.ok(matches({ $$type: 'objectId' }, new ObjectId()));
    assert.ok(matches({ $$type: 'timestamp' }, new Timestamp({ t: 1, i: 1 })));
    assert.ok(matches({ $$type: 'binData' }, new Binary(Buffer.from('ab'))));
    assert.ok(!matches({ x: { $$type: 'string' } }, {}, { root: true }));
  });

  it('resolves $$sessionLsid and $$matchesEntity', () => {
    const other = { id: new Binary(Buffer.alloc(16, 8), 4) };
    assert.ok(matches({ lsid: { $$sessionLsid: 'session0' } }, { lsid }, { root: true, entities }));
    assert.ok(!matches({ lsid: { $$sessionLsid: 'session0' } }, { lsid: other }, { root: true, entities }));
    assert.ok(matches({ _id: { $$matchesEntity: 'oid0' } }, { _id: new ObjectId('0123456789abcdef01234567') }, { root: true, entities }));
    assert.throws(() => matches({ $$sessionLsid: 'nope' }, lsid, { entities }));
  });

  it('implements $$lte, $$matchesHexBytes, $$matchAsDocument, $$matchAsRoot', () => {
    assert.ok(matches({ $$lte: 5 }, 5));
    assert.ok(matches({ $$lte: 5 }, 0.5));
    assert.ok(!matches({ $$lte: 5 }, 6));
    assert.ok(matches({ $$matchesHexBytes: '12ab' }, Buffer.from([0x12, 0xab])));
    assert.ok(matches({ $$matchAsDocument: { a: 1 } }, '{"a": 1}'));
    assert.ok(!matches({ $$matchAsDocument: { a: 1 } }, '{"a": 1, "b": 2}'));
    assert.ok(matches({ $$matchAsDocument: { $$matchAsRoot: { a: 1 } } }, '{"a": 1, "b": 2}'));
  });

  it('compares BSON values by type and value', () => {
    const oid = new ObjectId();
    assert.ok(matches(oid, new ObjectId(oid.toHexString())));
    assert.ok(!matches(oid, oid.toHexString()));
    assert.ok(matches(new Date(5), new Date(5)));
    assert.ok(matches(null, null));
    assert.ok(!matches(null, 0));
  });

  it('exact mode forbids extra fields everywhere and ignores operators', () => {
    assert.ok(!matches({ _id: 1 }, { _id: 1, x: 1 }, { exact: true }));
    assert.ok(matches({ x: 1, _id: 1 }, { _id: 1, x: 1.0 }, { exact: true }));
  });

  it('reports the path of the first mismatch', () => {
    try {
      assertMatch({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } }, { root: true });
      assert.fail('should not match');
    } catch (e) {
      assert.ok(e instanceof MatchError);
      assert.equal(e.path, 'a.b.1.c');
    }
  });

  it('parses spec-style extended JSON into comparable values', () => {
    const doc = EJSON.parse('{"n": {"$numberLong": "3"}, "d": {"$date": "2020-01-01T00:00:00Z"}}', { relaxed: true }) as Record<string, unknown>;
    assert.ok(matches({ n: 3, d: new Date('2020-01-01T00:00:00Z') }, doc, { exact: true }));
  });
});

describe('requirements', () => {
  const server: ServerInfo = { version: '7.0.0', topology: 'replicaset', serverless: false, auth: false, parameters: {} };

  it('compares dotted versions with missing parts as zero', () => {
    assert.equal(compareVersions('4.2', '4.2.0'), 0);
    assert.ok(compareVersions('4.2.99', '7.0') < 0);
    assert.ok(compareVersions('8.0', '7.0.12') > 0);
  });

  it('evaluates versions, topologies, serverless and auth', () => {
    assert.equal(requirementHolds({ minServerVersion: '4.0', topologies: ['replicaset'] }, server), true);
    assert.equal(requirementHolds({ maxServerVersion: '4.2.99' }, server), false);
    assert.equal(requirementHolds({ topologies: ['sharded', 'load-balanced'] }, server), false);
    assert.equal(requirementHolds({ topologies: ['single'] }, server), false);
    assert.equal(requirementHolds({ serverless: 'forbid' }, server), true);
    assert.equal(requirementHolds({ serverless: 'require' }, server), false);
    assert.equal(requirementHolds({ auth: true }, server), false);
    assert.equal(requirementHolds({ csfle: true }, server), false);
  });

  it('checks serverParameters against getParameter results', () => {
    const s = { ...server, parameters: { enableTestCommands: true, x: 2 } };
    assert.equal(requirementHolds({ serverParameters: { enableTestCommands: true } }, s), true);
    assert.equal(requirementHolds({ serverParameters: { x: 3 } }, s), false);
    assert.equal(requirementHolds({ serverParameters: { missing: 1 } }, s), false);
  });
});

describe('skips', () => {
  it('every skip entry carries a one-line reason', async () => {
    const { skips } = await import('./skips');
    for (const s of skips) {
      assert.ok(s.reason.length > 0 && !s.reason.includes('\n'), `bad reason for ${String(s.file ?? s.description)}`);
    }
  });

  it('matches nothing unrelated', () => {
    assert.equal(findSkip('crud/tests/unified/find.json', 'Find with filter'), undefined);
  });
});

describe('expected errors', () => {
  it('checks codes, names, labels and messages of server errors', async () => {
    const { MongoServerError } = await import('mongodb');
    const err = new MongoServerError({ ok: 0, code: 112, codeName: 'WriteConflict', errmsg: 'Write conflict here', errorLabels: ['TransientTransactionError'] });
    assert.doesNotThrow(() =>
      checkExpectedError(
        { errorCode: 112, errorCodeName: 'writeconflict', errorContains: 'write CONFLICT', errorLabelsContain: ['TransientTransactionError'], errorLabelsOmit: ['UnknownTransactionCommitResult'], isClientError: false },
        err,
        {},
      ),
    );
    assert.throws(() => checkExpectedError({ isClientError: true }, err, {}));
    assert.throws(() => checkExpectedError({ errorLabelsOmit: ['TransientTransactionError'] }, err, {}));
    assert.throws(() => checkExpectedError({ errorResponse: { code: 113 } }, err, {}));
    assert.doesNotThrow(() => checkExpectedError({ errorResponse: { code: 112 } }, err, {}));
    assert.match(describeError(err), /WriteConflict/);
  });

  it('treats driver-side validation errors as client errors', async () => {
    const { MongoInvalidArgumentError } = await import('mongodb');
    assert.doesNotThrow(() => checkExpectedError({ isClientError: true }, new MongoInvalidArgumentError('bad'), {}));
    assert.doesNotThrow(() => checkExpectedError({ isClientError: true }, new TypeError('bad'), {}));
  });
});

describe('events', () => {
  it('matches command events loosely and counts them strictly unless ignoreExtraEvents', async () => {
    const { assertEventsForClient } = await import('./events');
    const observed = [
      { kind: 'commandStartedEvent', commandName: 'insert', databaseName: 'db', command: { insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(1) } },
      { kind: 'commandSucceededEvent', commandName: 'insert', reply: { ok: 1, n: 1 } },
      { kind: 'connectionCheckedOutEvent' },
      { kind: 'commandStartedEvent', commandName: 'commitTransaction', databaseName: 'admin', command: { commitTransaction: 1, lsid } },
    ];
    const started = {
      client: 'client0',
      events: [
        { commandStartedEvent: { commandName: 'insert', databaseName: 'db', command: { insert: 'c', documents: [{ _id: 1 }], lsid: { $$sessionLsid: 'session0' }, txnNumber: 1, writeConcern: { $$exists: false } } } },
        { commandSucceededEvent: { reply: { ok: 1 } } },
        { commandStartedEvent: { commandName: 'commitTransaction', command: { commitTransaction: 1 } } },
      ],
    };
    assert.doesNotThrow(() => assertEventsForClient(started, observed, entities));
    assert.throws(() => assertEventsForClient({ client: 'client0', events: started.events.slice(0, 2) }, observed, entities), MatchError);
    assert.doesNotThrow(() => assertEventsForClient({ client: 'client0', events: started.events.slice(0, 2), ignoreExtraEvents: true }, observed, entities));
    assert.doesNotThrow(() => assertEventsForClient({ client: 'client0', eventType: 'cmap', events: [{ connectionCheckedOutEvent: {} }] }, observed, entities));
    assert.throws(() => assertEventsForClient({ client: 'client0', events: [] }, observed, entities), MatchError);
  });
});

describe('results', () => {
  it('normalises update and bulk results to spec shape', async () => {
    const { updateResultToDoc, clientBulkWriteResultToDoc } = await import('./results');
    assert.deepEqual(updateResultToDoc({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null }), { matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const doc = clientBulkWriteResultToDoc({
      insertedCount: 1, upsertedCount: 0, matchedCount: 1, modifiedCount: 1, deletedCount: 0,
      insertResults: new Map([[0, { insertedId: 5 }]]),
      updateResults: new Map([[1, { matchedCount: 1, modifiedCount: 1, upsertedId: null }]]),
    });
    assert.deepEqual(doc.insertResults, { 0: { insertedId: 5 } });
    assert.deepEqual(doc.updateResults, { 1: { matchedCount: 1, modifiedCount: 1 } });
    assert.equal(doc.deleteResults, undefined);
  });
});
