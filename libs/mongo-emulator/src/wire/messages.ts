/**
 * MongoDB wire protocol framing: OP_MSG (kind-0 body, kind-1 document sequences, checksum),
 * legacy OP_QUERY (the driver's first `ismaster`) and OP_REPLY.
 */
import { BSON, type DBRef } from 'bson';
import { Doc, bsonTypeOf, isPlainObject, setField } from '../bson/values';
import { crc32c } from './crc32c';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const FLAG_CHECKSUM = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;
export const FLAG_EXHAUST_ALLOWED = 1 << 16;

/** Decoding keeps BSON types: Int32/Double/Long/Decimal128 wrappers, not JS numbers. */
export const DESERIALIZE_OPTIONS = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: false,
} as const;

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface IncomingCommand {
  kind: 'msg' | 'query';
  header: Header;
  flags: number;
  /** The command document, with kind-1 sequences merged in as arrays. */
  body: Doc;
  /** For OP_QUERY: the full collection name (`admin.$cmd`). */
  fullCollectionName?: string;
}

export class ProtocolError extends Error {}

export function readHeader(buf: Buffer, offset = 0): Header {
  return {
    length: buf.readInt32LE(offset),
    requestId: buf.readInt32LE(offset + 4),
    responseTo: buf.readInt32LE(offset + 8),
    opCode: buf.readInt32LE(offset + 12),
  };
}

function readCString(buf: Buffer, offset: number): { value: string; next: number } {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', offset, end), next: end + 1 };
}

function readDoc(buf: Buffer, offset: number): { doc: Doc; next: number } {
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > buf.length) throw new ProtocolError('invalid BSON document size');
  const raw = buf.subarray(offset, offset + size);
  const doc = BSON.deserialize(raw, DESERIALIZE_OPTIONS) as Doc;
  // bson turns every {$ref, $id[, $db]} subdocument into a DBRef instance; to the server it is
  // an ordinary document whose field names are data (`{'one.$id': x}`). The byte search keeps
  // the common case (no DBRef anywhere) free.
  if (raw.includes(DBREF_MARK)) return { doc: plainDbRefs(doc) as Doc, next: offset + size };
  return { doc, next: offset + size };
}

const DBREF_MARK = Buffer.from('$ref\0', 'latin1');

/** Replaces DBRef instances by the plain `{$ref, $id, $db?, ...}` documents they were sent as. */
function plainDbRefs(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = plainDbRefs(v[i]);
    return v;
  }
  if (v === null || typeof v !== 'object') return v;
  if (bsonTypeOf(v) === 'DBRef') {
    const r = v as DBRef;
    const out: Doc = { $ref: r.collection, $id: plainDbRefs(r.oid) };
    if (r.db) out.$db = r.db;
    for (const [k, x] of Object.entries(r.fields ?? {})) setField(out, k, plainDbRefs(x));
    return out;
  }
  if (!isPlainObject(v)) return v;
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x !== null && typeof x === 'object') setField(v, k, plainDbRefs(x));
  }
  return v;
}

/** Parses one complete message (header included). */
export function parseMessage(buf: Buffer): IncomingCommand {
  const header = readHeader(buf);
  if (header.opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    let end = buf.length;
    if (flags & FLAG_CHECKSUM) {
      end -= 4;
      const expected = buf.readUInt32LE(end);
      if (crc32c(buf, 0, end) !== expected) throw new ProtocolError('OP_MSG checksum mismatch');
    }
    let offset = 20;
    let body: Doc | undefined;
    const sequences: [string, Doc[]][] = [];
    while (offset < end) {
      const kind = buf[offset++];
      if (kind === 0) {
        const r = readDoc(buf, offset);
        if (body) throw new ProtocolError('OP_MSG with more than one kind-0 section');
        body = r.doc;
        offset = r.next;
      } else if (kind === 1) {
        const size = buf.readInt32LE(offset);
        const sectionEnd = offset + size;
        const id = readCString(buf, offset + 4);
        let p = id.next;
        const docs: Doc[] = [];
        while (p < sectionEnd) {
          const r = readDoc(buf, p);
          docs.push(r.doc);
          p = r.next;
        }
        sequences.push([id.value, docs]);
        offset = sectionEnd;
      } else {
        throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!body) throw new ProtocolError('OP_MSG without a body section');
    for (const [id, docs] of sequences) {
      if (id in body) throw new ProtocolError(`duplicate field ${id} in OP_MSG body and document sequence`);
      body[id] = docs;
    }
    return { kind: 'msg', header, flags, body };
  }
  if (header.opCode === OP_QUERY) {
    const flags = buf.readInt32LE(16);
    const name = readCString(buf, 20);
    const offset = name.next + 8; // numberToSkip, numberToReturn
    let { doc } = readDoc(buf, offset);
    // legacy wrapped form {$query: {...}, $readPreference: ...}
    if ('$query' in doc && typeof doc.$query === 'object') doc = doc.$query as Doc;
    return { kind: 'query', header, flags, body: doc, fullCollectionName: name.value };
  }
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

const SERIALIZE_OPTIONS = { ignoreUndefined: true } as const;

/** An OP_MSG reply with a single kind-0 section. */
export function encodeMsgReply(responseTo: number, doc: Doc, flags = 0): Buffer {
  const body = BSON.serialize(doc, SERIALIZE_OPTIONS);
  const out = Buffer.allocUnsafe(16 + 4 + 1 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(flags >>> 0, 16);
  out[20] = 0;
  out.set(body, 21);
  return out;
}

/** An OP_REPLY carrying one document (answer to a legacy OP_QUERY command). */
export function encodeOpReply(responseTo: number, doc: Doc): Buffer {
  const body = BSON.serialize(doc, SERIALIZE_OPTIONS);
  const out = Buffer.allocUnsafe(16 + 20 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_REPLY, 12);
  out.writeInt32LE(8, 16); // responseFlags: AwaitCapable
  out.writeBigInt64LE(0n, 20); // cursorID
  out.writeInt32LE(0, 28); // startingFrom
  out.writeInt32LE(1, 32); // numberReturned
  out.set(body, 36);
  return out;
}
