/**
 * Append-only record files for `--dbpath`: the journal of committed changes and the snapshot.
 *
 * A record is `[u32 length][u32 crc32c][BSON payload]`. Reading stops at the first record
 * that is incomplete or fails its checksum (a write torn by a crash): everything before it is
 * intact, and the caller truncates the file there.
 *
 * The writer does group commit: records are appended to memory synchronously, in commit
 * order, and written in batches; a caller that needs durability (`j: true`, `w: 'majority'`)
 * awaits {@link JournalWriter.durable}, which resolves once a write and fdatasync covering its
 * record have finished, so one fdatasync serves every write acknowledged in that batch.
 */
import { closeSync, fdatasync, fstatSync, ftruncateSync, openSync, readSync, write } from 'node:fs';
import { BSON } from 'bson';
import { Doc } from '../bson/values';
import { crc32c } from '../wire/crc32c';
import { DESERIALIZE_OPTIONS } from '../wire/messages';

const HEADER = 8;
/** A record larger than this is corruption, not data (documents are at most 16 MiB). */
const MAX_RECORD = 1024 * 1024 * 1024;

export function encodeRecord(payload: Doc): Buffer {
  const body = BSON.serialize(payload, { ignoreUndefined: true });
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32c(body), 4);
  out.set(body, HEADER);
  return out;
}

export interface ReadResult {
  records: Doc[];
  /** Offset just after the last whole record. */
  validBytes: number;
  /** File size: more than validBytes when the tail is torn or corrupt. */
  totalBytes: number;
}

/** Reads every whole, checksummed record of a file from the start. */
export function readRecords(path: string): ReadResult {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const records: Doc[] = [];
    let off = 0;
    while (off + HEADER <= read) {
      const len = buf.readUInt32LE(off);
      const crc = buf.readUInt32LE(off + 4);
      if (len < 5 || len > MAX_RECORD || off + HEADER + len > read) break;
      if (crc32c(buf, off + HEADER, off + HEADER + len) !== crc) break;
      let doc: Doc;
      try {
        doc = BSON.deserialize(buf.subarray(off + HEADER, off + HEADER + len), DESERIALIZE_OPTIONS) as Doc;
      } catch {
        break;
      }
      records.push(doc);
      off += HEADER + len;
    }
    return { records, validBytes: off, totalBytes: size };
  } finally {
    closeSync(fd);
  }
}

interface Waiter {
  seq: number;
  resolve: () => void;
}

/** Appends records to one file with group commit. */
export class JournalWriter {
  private pending: Buffer[] = [];
  private appended = 0;
  private synced = 0;
  private waiters: Waiter[] = [];
  private running = false;
  private size: number;
  private closed = false;

  constructor(
    private fd: number,
    /** Called when a write or fsync fails: the in-memory state is ahead of the file, so the server must stop (as mongod does). */
    private readonly onFatal: (e: Error) => void,
    /** Called between batches when nothing is in flight; may replace the file contents (compaction). */
    private readonly onIdle?: (size: number) => void,
  ) {
    this.size = fstatSync(fd).size;
  }

  get bytes(): number {
    return this.size;
  }

  /** Queues a record (synchronously, so records keep commit order) and returns its sequence number. */
  append(record: Buffer): number {
    if (this.closed) return this.appended;
    this.pending.push(record);
    this.appended++;
    this.kick();
    return this.appended;
  }

  /** Resolves once every record appended so far is written and fdatasync'ed. */
  durable(): Promise<void> {
    const seq = this.appended;
    if (this.synced >= seq || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      this.kick();
    });
  }

  /**
   * Replaces the file's contents with nothing: the caller has just made everything appended so
   * far durable elsewhere (a snapshot). Only call from onIdle or before any append.
   */
  truncateAll(): void {
    this.pending = [];
    ftruncateSync(this.fd, 0);
    this.size = 0;
    this.synced = this.appended;
    this.release();
  }

  /** Writes and syncs what is queued, then closes the file. */
  async close(): Promise<void> {
    await this.durable();
    while (this.running) await new Promise((r) => setImmediate(r));
    this.closed = true;
    closeSync(this.fd);
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    try {
      while (this.pending.length > 0 || this.waiters.length > 0) {
        const batch = this.pending;
        const upTo = this.appended;
        this.pending = [];
        if (batch.length > 0) {
          const buf = batch.length === 1 ? batch[0] : Buffer.concat(batch);
          await writeAll(this.fd, buf, this.size);
          this.size += buf.length;
        }
        if (this.waiters.length > 0) {
          await new Promise<void>((resolve, reject) => fdatasync(this.fd, (e) => (e ? reject(e) : resolve())));
          this.synced = Math.max(this.synced, upTo);
          this.release();
        }
      }
      this.running = false;
      this.onIdle?.(this.size);
    } catch (e) {
      this.running = false;
      this.onFatal(e as Error);
    }
  }

  private release(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= this.synced) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}

function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number) => {
      write(fd, buf, off, buf.length - off, position + off, (e, n) => {
        if (e) return reject(e);
        if (off + n < buf.length) step(off + n);
        else resolve();
      });
    };
    step(0);
  });
}
