/**
 * `--dbpath`: data that survives restarts and `kill -9`.
 *
 * Files in the directory: `snapshot.bson` (the committed state at one commit time: catalog,
 * index specs, documents), `journal.bin` (every commit after it, one checksummed record per
 * commit-log entry, so a transaction is one record: all of it or none of it) and `mongod.lock`
 * (the owning process id). Start-up loads the snapshot, replays the journal, truncates a torn
 * or corrupt tail (reported in one log line), then writes a fresh snapshot. The journal is
 * compacted into a new snapshot when it passes `compactBytes`.
 *
 * Durability follows the write concern, like mongod: a write acknowledged with `j: true` or
 * `w: 'majority'` (the default write concern) is written and fdatasync'ed before the reply;
 * `w: 1` without `j` is written soon after (it survives `kill -9` of a healthy process once
 * written, but not a power cut).
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Socket } from 'node:net';
import { Doc, isNumeric, isPlainObject, toNumber } from './bson/values';
import { CommandError } from './errors';
import type { EmulatorServer } from './server';
import { COMMANDS } from './commands/dispatcher';
import type { CommandContext } from './commands/context';
import { CommitEntry } from './storage/commit-log';
import { encodeRecord, JournalWriter, readRecords } from './storage/journal';

const FORMAT = 1;
/** Directories open in this process: the pid lock cannot tell two emulators of one process apart. */
const openHere = new Set<string>();
const DOCS_PER_RECORD = 1000;

export interface DurabilityOptions {
  dir: string;
  /** Compact the journal into a new snapshot once it is larger than this (default 64 MiB). */
  compactBytes?: number;
  /** Where recovery and fatal errors are reported (default: stderr). */
  log?: (line: string) => void;
}

export interface RecoveryReport {
  snapshotDocs: number;
  journalRecords: number;
  /** Bytes cut from the end of the journal (a torn or corrupt tail). */
  truncatedBytes: number;
}

export class Durability {
  private constructor(
    private readonly server: EmulatorServer,
    private readonly dir: string,
    private readonly writer: JournalWriter,
    private readonly unsubscribe: () => void,
    readonly recovery: RecoveryReport,
  ) {}

  /** Locks the directory, recovers its data into `server`'s engine and starts journaling. */
  static async open(server: EmulatorServer, options: DurabilityOptions): Promise<Durability> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const dir = resolve(options.dir);
    if (openHere.has(dir)) throw new CommandError(98, `Unable to lock ${dir}: another emulator in this process uses it.`);
    mkdirSync(dir, { recursive: true });
    await lock(dir);
    openHere.add(dir);
    try {
      return await Durability.recover(server, dir, options, log);
    } catch (e) {
      openHere.delete(dir);
      throw e;
    }
  }

  private static async recover(server: EmulatorServer, dir: string, options: DurabilityOptions, log: (line: string) => void): Promise<Durability> {
    const report: RecoveryReport = { snapshotDocs: 0, journalRecords: 0, truncatedBytes: 0 };
    const snapPath = join(dir, 'snapshot.bson');
    const journalPath = join(dir, 'journal.bin');
    let snapTs = 0;
    if (existsSync(snapPath)) {
      const r = await loadSnapshot(server, snapPath);
      snapTs = r.ts;
      report.snapshotDocs = r.docs;
    }
    let maxTs = snapTs;
    if (existsSync(journalPath)) {
      const { records, validBytes, totalBytes } = readRecords(journalPath);
      for (const rec of records) {
        const ts = num(rec.ts);
        if (ts <= snapTs) continue;
        await replayEntry(server, rec, log);
        maxTs = Math.max(maxTs, ts);
        report.journalRecords++;
      }
      if (validBytes < totalBytes) {
        report.truncatedBytes = totalBytes - validBytes;
        const fd = openSync(journalPath, 'r+');
        try {
          ftruncateSync(fd, validBytes);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        log(
          `[mongo-emulator] ${journalPath}: torn or corrupt journal tail: ${report.truncatedBytes} bytes after the last whole record (offset ${validBytes}) ` +
            `were discarded; recovered ${records.length} records. Writes in the discarded part were never acknowledged as durable.`,
        );
      }
    }
    server.engine.clock.advanceTo(maxTs);
    // change streams cannot resume across a restart: the events before it are not kept
    server.engine.log.reset(server.engine.clock.now());
    const fd = openSync(journalPath, 'a+');
    const ref: { self?: Durability } = {};
    const compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
    const writer = new JournalWriter(
      fd,
      (e) => {
        // mongod fasserts when its journal cannot be written: the memory state is ahead of disk.
        log(`[mongo-emulator] FATAL: cannot write the journal in ${dir}: ${e.message}`);
        process.exit(14);
      },
      (size) => {
        if (ref.self && size > compactBytes) ref.self.compact();
      },
    );
    const unsubscribe = server.engine.log.subscribe((entry) => writer.append(encodeRecord(toRecord(entry))));
    const self = new Durability(server, dir, writer, unsubscribe, report);
    ref.self = self;
    // Start from a snapshot of what was recovered, so the next start does not replay it again.
    if (report.journalRecords > 0 || report.truncatedBytes > 0) self.compact();
    return self;
  }

  /** Resolves when every commit so far is on disk (fdatasync'ed). */
  durable(): Promise<void> {
    return this.writer.durable();
  }

  /**
   * Writes the current committed state as the snapshot and empties the journal. Runs
   * synchronously, so no commit can fall between the snapshot and the truncation.
   */
  compact(): void {
    const tmp = join(this.dir, 'snapshot.bson.tmp');
    const fd = openSync(tmp, 'w');
    try {
      for (const rec of snapshotRecords(this.server)) writeSync(fd, rec);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, 'snapshot.bson'));
    syncDir(this.dir);
    this.writer.truncateAll();
  }

  /** Flushes the journal, writes a snapshot and releases the directory. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.writer.durable();
    this.compact();
    await this.writer.close();
    writeFileSync(join(this.dir, 'mongod.lock'), '');
    openHere.delete(this.dir);
  }
}

// ------------------------------------------------------------------ lock

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process per directory, like mongod's mongod.lock. A lock left by a killed process is
 * taken over; a live owner is waited for a few seconds (a watch-mode restart), then refused.
 */
async function lock(dir: string): Promise<void> {
  const path = join(dir, 'mongod.lock');
  for (let waited = 0; ; waited += 100) {
    const owner = existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : 0;
    if (!owner || owner === process.pid || !alive(owner)) break;
    if (waited >= 5000) {
      throw new CommandError(
        98,
        `Unable to lock the lock file: ${path}. Another emulator process (pid ${owner}) is already running with this dbpath.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  writeFileSync(path, String(process.pid));
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic
  }
}

// ------------------------------------------------------------------ records

function num(v: unknown): number {
  return isNumeric(v) ? toNumber(v) : Number(v);
}

function toRecord(entry: CommitEntry): Doc {
  const c: Doc[] = [];
  for (const ch of entry.changes) {
    if (ch.kind === 'doc') c.push({ db: ch.coll.dbName, coll: ch.coll.name, id: ch.id, d: ch.doc });
    else c.push({ db: ch.db, cmd: ch.command });
  }
  return { ts: entry.ts, c };
}

/** A context for replaying a catalog command: no session, no transaction, latest state. */
function replayContext(server: EmulatorServer, db: string, body: Doc): CommandContext {
  return {
    server,
    engine: server.engine,
    conn: { id: 0, socket: new Socket(), closed: true },
    name: Object.keys(body)[0],
    db,
    body,
    view: {},
    isRetryableWrite: false,
  };
}

/** Replays run before the server listens: nothing else can interleave with an awaited command. */
async function runCatalog(server: EmulatorServer, db: string, body: Doc): Promise<void> {
  const name = Object.keys(body)[0];
  const spec = COMMANDS[name];
  if (!spec) throw new CommandError(59, `no such command: '${name}'`);
  await spec.run(replayContext(server, db, body));
}

function applyDoc(server: EmulatorServer, db: string, name: string, id: unknown, doc: Doc | null): void {
  const engine = server.engine;
  const { coll } = engine.ensureCollection(db, name);
  const rec = coll.records.get(coll.recordKey(id));
  const prev = rec?.doc ?? null;
  if (doc) {
    if (rec && prev) engine.update(coll, rec, prev, doc, { bypassValidation: true });
    else engine.insert(coll, doc, { bypassValidation: true });
  } else if (rec && prev) engine.remove(coll, rec, prev, {});
}

async function replayEntry(server: EmulatorServer, rec: Doc, log: (line: string) => void): Promise<void> {
  const changes = Array.isArray(rec.c) ? (rec.c as Doc[]) : [];
  for (const ch of changes) {
    try {
      const db = String(ch.db);
      if (isPlainObject(ch.cmd)) await runCatalog(server, db, ch.cmd);
      else applyDoc(server, db, String(ch.coll), ch.id, isPlainObject(ch.d) ? ch.d : null);
    } catch (e) {
      log(`[mongo-emulator] journal replay: a change at ${num(rec.ts)} could not be applied: ${(e as Error).message}`);
    }
  }
}

// ------------------------------------------------------------------ snapshot

function* snapshotRecords(server: EmulatorServer): Generator<Buffer> {
  const engine = server.engine;
  yield encodeRecord({ snapshot: FORMAT, ts: engine.clock.now() });
  let total = 0;
  for (const [db, colls] of engine.dbs) {
    for (const coll of colls.values()) {
      // created by a transaction still open: it exists only if that transaction commits (journaled then)
      if (!coll.visibleTo(undefined)) continue;
      const indexes = [...coll.indexes.values()].filter((ix) => ix.name !== '_id_').map((ix) => ix.spec);
      yield encodeRecord({ db, coll: coll.name, options: coll.options, indexes });
      let docs: Doc[] = [];
      for (const rec of coll.records.values()) {
        const doc = rec.doc;
        if (!doc) continue;
        docs.push(doc);
        if (docs.length === DOCS_PER_RECORD) {
          yield encodeRecord({ db, coll: coll.name, docs });
          total += docs.length;
          docs = [];
        }
      }
      if (docs.length) yield encodeRecord({ db, coll: coll.name, docs });
      total += docs.length;
    }
  }
  yield encodeRecord({ end: true, docs: total });
}

/** Loads a snapshot; one without its end record (a crash mid-write never renames it in) is refused. */
async function loadSnapshot(server: EmulatorServer, path: string): Promise<{ ts: number; docs: number }> {
  const { records } = readRecords(path);
  const head = records[0];
  const end = records[records.length - 1];
  if (!head || num(head.snapshot) !== FORMAT || !end?.end) {
    throw new CommandError(1, `${path} is not a complete emulator snapshot (format ${FORMAT}); move it away to start empty`);
  }
  const engine = server.engine;
  const indexes: { db: string; coll: string; specs: Doc[] }[] = [];
  let docs = 0;
  for (const r of records.slice(1, -1)) {
    const db = String(r.db);
    const name = String(r.coll);
    if (Array.isArray(r.docs)) {
      const { coll } = engine.ensureCollection(db, name);
      for (const d of r.docs as Doc[]) engine.insert(coll, d, { bypassValidation: true });
      docs += r.docs.length;
    } else {
      engine.ensureCollection(db, name, isPlainObject(r.options) ? { ...r.options } : {});
      if (Array.isArray(r.indexes) && r.indexes.length) indexes.push({ db, coll: name, specs: r.indexes as Doc[] });
    }
  }
  // indexes last: the build reads the loaded documents
  for (const { db, coll, specs } of indexes) await runCatalog(server, db, { createIndexes: coll, indexes: specs });
  engine.clock.advanceTo(num(head.ts));
  return { ts: num(head.ts), docs };
}
