/**
 * Wire framing: OP_MSG kind-0/kind-1 sections, the crc32c checksum flag, OP_QUERY parsing
 * and OP_REPLY encoding.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { BSON } from 'bson';
import { crc32c } from './crc32c';
import { FLAG_CHECKSUM, OP_MSG, encodeMsgReply, encodeOpReply, parseMessage } from './messages';

function opMsg(body: object, sequences: [string, object[]][] = [], checksum = false): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [id, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(id + '\0'), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const sections = Buffer.concat(parts);
  const header = Buffer.alloc(20);
  const total = 20 + sections.length + (checksum ? 4 : 0);
  header.writeInt32LE(total, 0);
  header.writeInt32LE(42, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(checksum ? FLAG_CHECKSUM : 0, 16);
  const msg = Buffer.concat([header, sections, Buffer.alloc(checksum ? 4 : 0)]);
  if (checksum) msg.writeUInt32LE(crc32c(msg, 0, msg.length - 4), msg.length - 4);
  return msg;
}

describe('wire messages', () => {
  it('crc32c matches the Castagnoli check value', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });

  it('parses OP_MSG with kind-1 document sequences merged into the body, keeping BSON types', () => {
    const m = parseMessage(opMsg({ insert: 'c', $db: 'd', n: 1 }, [['documents', [{ _id: 1 }, { _id: 2.5 }]]]));
    assert.equal(m.kind, 'msg');
    assert.equal(m.header.requestId, 42);
    const docs = m.body.documents as { _id: { _bsontype: string } }[];
    assert.equal(docs.length, 2);
    assert.equal(docs[0]._id._bsontype, 'Int32');
    assert.equal(docs[1]._id._bsontype, 'Double');
  });

  it('verifies the checksum when flagBits bit 0 is set', () => {
    const ok = opMsg({ ping: 1, $db: 'admin' }, [], true);
    assert.equal(parseMessage(ok).body.ping !== undefined, true);
    ok[25] ^= 0xff;
    assert.throws(() => parseMessage(ok), /checksum/);
  });

  it('encodes replies as OP_MSG and OP_REPLY', () => {
    const r = encodeMsgReply(42, { ok: 1 });
    assert.equal(r.readInt32LE(0), r.length);
    assert.equal(r.readInt32LE(8), 42);
    assert.equal(r.readInt32LE(12), OP_MSG);
    assert.deepEqual(BSON.deserialize(r.subarray(21)), { ok: 1 });
    const q = encodeOpReply(7, { ismaster: true });
    assert.equal(q.readInt32LE(12), 1);
    assert.equal(q.readInt32LE(32), 1, 'numberReturned');
    assert.deepEqual(BSON.deserialize(q.subarray(36)), { ismaster: true });
  });
});
