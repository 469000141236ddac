/**
 * The command runtime: resolves sessions, transactions and retryable writes, applies fail
 * points, dispatches to handlers, and shapes every reply (ok, errors, labels, writeConcern
 * errors, $clusterTime and operationTime) as mongod does.
 */
import { Binary, Long, Timestamp } from 'bson';
import { Doc, bsonTypeOf, isNumeric, isPlainObject, toNumber } from './bson/values';
import { CloseConnectionSignal, CommandContext, CommandSpec, ConnectionState } from './commands/context';
import { COMMANDS } from './commands/dispatcher';
import { CursorRegistry } from './cursors';
import { checkKnownFields } from './commands/known-fields';
import { CommandError, codeName, computeErrorLabels, LabelContext } from './errors';
import { FailPoints } from './fail-points';
import { SessionRegistry, ServerSession, lsidKey } from './sessions/server-session';
import { Transaction } from './sessions/transaction';
import { Clock } from './storage/clock';
import { StorageEngine, View } from './storage/engine';

/** Resolved server options. */
export interface ServerOptions {
  host: string;
  /** Host name put in hello's hosts/me/primary (clients connect to it). */
  advertisedHost: string;
  port: number;
  replicaSetName: string;
  transactionLifetimeLimitSeconds: number;
  /** Bound on how long a non-transactional write waits for a transaction's lock (0 = until it ends). */
  writeWaitTimeoutMS: number;
  ttlMonitorIntervalMS: number;
  historyWindowMS: number;
  maxVersionsPerDoc: number;
  cursorTimeoutMS: number;
  logicalSessionTimeoutMinutes: number;
  /** Commits kept for change streams (the emulator's oplog size). */
  changeStreamHistoryEntries?: number;
  /** Ports of the secondary members (none by default). */
  secondaryPorts: number[];
}

/** Marker reply: close the connection without answering (fail point closeConnection). */
export const CLOSE_CONNECTION = Symbol('closeConnection');

const SIGNATURE = { hash: new Binary(Buffer.alloc(20), 0), keyId: Long.fromNumber(0) };

export { MAX_WIRE_VERSION, SERVER_VERSION } from './version';

const TXN_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

export class EmulatorServer {
  readonly engine: StorageEngine;
  readonly sessions = new SessionRegistry();
  readonly cursors = new CursorRegistry();
  readonly failPoints = new FailPoints();
  readonly startedAt = new Date();
  readonly electionId: Doc;
  /** Set when the data lives in a dbpath: resolves once every commit so far is on disk. */
  durability?: { durable(): Promise<void> };
  private timers: NodeJS.Timeout[] = [];
  private blockTimers = new Set<NodeJS.Timeout>();

  constructor(readonly options: ServerOptions) {
    this.engine = new StorageEngine({
      historyWindowMs: options.historyWindowMS,
      maxVersionsPerDoc: options.maxVersionsPerDoc,
      commitLogMaxEntries: options.changeStreamHistoryEntries,
    });
    this.engine.onAbort = (txn) => this.cursors.killForTxn(txn.id);
    this.electionId = { id: Buffer.from('7fffffff0000000000000001', 'hex') };
  }

  get address(): string {
    return `${this.options.advertisedHost}:${this.options.port}`;
  }

  /** Address of replica set member `k` (0 = primary). */
  memberAddress(k: number): string {
    return k === 0 ? this.address : `${this.options.advertisedHost}:${this.options.secondaryPorts[k - 1]}`;
  }

  /** Every member's address, primary first (hello's `hosts`). */
  hosts(): string[] {
    return [this.address, ...this.options.secondaryPorts.map((_, i) => this.memberAddress(i + 1))];
  }

  /**
   * A secondary serves only reads that allow a non-primary read preference (secondaryOk),
   * and no writes or transactions, like mongod's NotPrimary checks.
   */
  private checkMember(name: string, spec: CommandSpec, body: Doc, conn: ConnectionState): void {
    // getMore/killCursors continue a cursor the secondary already agreed to serve
    if (!conn.member || !spec.needsPrimaryCheck || name === 'getMore' || name === 'killCursors') return;
    const pipeline = Array.isArray(body.pipeline) ? body.pipeline : [];
    const writes = pipeline.some((st) => isPlainObject(st) && ('$out' in st || '$merge' in st));
    if (spec.write || writes || body.autocommit !== undefined || TXN_COMMANDS.has(name)) {
      throw new CommandError(10107, 'not primary');
    }
    const rp = body.$readPreference;
    const mode = isPlainObject(rp) ? rp.mode : undefined;
    if (mode === undefined || mode === 'primary') throw new CommandError(13435, 'not primary and secondaryOk=false');
  }

  /** Starts the background tasks: transaction reaper, TTL monitor, history maintenance. */
  startTimers(): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(() => {
        try {
          fn();
        } catch {
          // background tasks never take the server down
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(250, () => this.reapTransactions());
    every(this.options.ttlMonitorIntervalMS, () => this.engine.sweepTtl());
    every(1000, () => {
      this.engine.maintain();
      this.cursors.reap(this.options.cursorTimeoutMS);
      this.expireSessions();
    });
  }

  stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const t of this.blockTimers) clearTimeout(t);
    this.blockTimers.clear();
  }

  /** Aborts transactions that outlived transactionLifetimeLimitSeconds (like mongod's reaper). */
  reapTransactions(now = Date.now()): void {
    const limit = this.options.transactionLifetimeLimitSeconds * 1000;
    for (const txn of [...this.engine.openTxns]) {
      if (now - txn.startedAt >= limit) {
        this.engine.abort(txn, 'transaction exceeded transactionLifetimeLimitSeconds and was aborted by the server');
      }
    }
  }

  private expireSessions(): void {
    const limit = Date.now() - this.options.logicalSessionTimeoutMinutes * 60_000;
    for (const [key, s] of this.sessions.sessions) {
      if (s.lastUse < limit) {
        if (s.txn?.isOpen) this.engine.abort(s.txn, 'session expired');
        this.sessions.sessions.delete(key);
      }
    }
  }

  /** Aborts a session's open transaction and forgets it (endSessions). */
  endSession(key: string): void {
    const s = this.sessions.sessions.get(key);
    if (!s) return;
    if (s.txn?.isOpen) this.engine.abort(s.txn, 'session ended');
    this.sessions.sessions.delete(key);
  }

  clusterTimeFields(): Doc {
    const ts = Clock.toTimestamp(this.engine.clock.now());
    return { $clusterTime: { clusterTime: ts, signature: SIGNATURE }, operationTime: ts };
  }

  /** Sleeps (fail point blockConnection) with a timer that stop() can cancel. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.blockTimers.delete(t);
        resolve();
      }, ms);
      this.blockTimers.add(t);
    });
  }

  /** Executes one command and returns the reply document (or CLOSE_CONNECTION). */
  async execute(body: Doc, db: string, conn: ConnectionState): Promise<Doc | typeof CLOSE_CONNECTION> {
    let name = Object.keys(body)[0] ?? '';
    if (name === 'ismaster') name = 'isMaster';
    const spec = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    const labelCtx: LabelContext = {
      commandName: name,
      hasTxnNumber: body.txnNumber !== undefined,
      inTransaction: body.autocommit !== undefined,
    };
    let txnForAbort: Transaction | undefined;
    try {
      if (!spec) throw new CommandError(59, `no such command: '${name}'`);
      if (spec.adminOnly && db !== 'admin') throw new CommandError(13, `${name} may only be run against the admin database.`);
      checkKnownFields(name, body);
      this.checkMember(name, spec, body, conn);
      const lsid = body.lsid;
      let session: ServerSession | undefined;
      if (lsid !== undefined) {
        const key = lsidKey(lsid);
        if (!key) throw new CommandError(2, 'lsid must be an object with an id field of type UUID');
        session = this.sessions.get(lsid as Doc, key);
      }
      const run = async (): Promise<Doc | typeof CLOSE_CONNECTION> => {
        const ctx: CommandContext = {
          server: this,
          engine: this.engine,
          conn,
          name,
          db,
          body,
          session,
          view: {},
          isRetryableWrite: false,
        };
        const cached = this.resolveTransaction(ctx, spec);
        txnForAbort = ctx.txn;
        if (cached) return cached;
        const maxTimeMS = body.maxTimeMS;
        if (maxTimeMS !== undefined && isNumeric(maxTimeMS) && toNumber(maxTimeMS) > 0) {
          ctx.deadline = Date.now() + toNumber(maxTimeMS);
        }
        // fail point
        const coll = typeof body[name] === 'string' ? `${db}.${String(body[name])}` : undefined;
        const fp = this.failPoints.check(name, conn.appName, coll);
        let fpWriteConcernError: Doc | undefined;
        if (fp) {
          if (fp.blockConnection && fp.blockTimeMS) await this.sleep(fp.blockTimeMS);
          if (fp.closeConnection) return CLOSE_CONNECTION;
          if (fp.errorCode !== undefined) {
            const e = new CommandError(fp.errorCode, fp.errmsg ?? "Failing command via 'failCommand' failpoint");
            if (fp.errorLabels) e.labels = fp.errorLabels;
            throw e;
          }
          if (fp.writeConcernError) {
            fpWriteConcernError = fp.writeConcernError;
            if (fp.errorLabels) labelCtx.explicitLabels = fp.errorLabels;
          }
        }
        const payload = await spec.run(ctx);
        if (this.durability && this.mustJournal(ctx, spec)) await this.durability.durable();
        const reply: Doc = { ...payload };
        const wce = fpWriteConcernError ?? this.writeConcernError(ctx, spec);
        if (wce) {
          const shaped: Doc = { ...wce };
          if (shaped.codeName === undefined) shaped.codeName = codeName(toNumber(wce.code));
          reply.writeConcernError = shaped;
          labelCtx.writeConcernErrorCode = toNumber((wce as Doc).code);
          const labels = labelCtx.explicitLabels ?? computeErrorLabels(undefined, labelCtx);
          if (labels.length) reply.errorLabels = labels;
        }
        reply.ok = 1;
        return reply;
      };
      const result = session ? await session.checkout(run) : await run();
      if (result === CLOSE_CONNECTION) return result;
      return { ...result, ...this.clusterTimeFields() };
    } catch (e) {
      if (e instanceof CloseConnectionSignal) return CLOSE_CONNECTION;
      if (txnForAbort && txnForAbort.isOpen && !TXN_COMMANDS.has(name)) {
        this.engine.abort(txnForAbort, `command ${name} failed: ${(e as Error).message}`);
      }
      return this.errorReply(e, labelCtx);
    }
  }

  errorReply(e: unknown, labelCtx: LabelContext): Doc {
    let ce: CommandError;
    if (e instanceof CommandError) ce = e;
    else {
      // Not a server error: an emulator bug. Say so loudly; the client gets InternalError.
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`[mongo-emulator] internal error in '${labelCtx.commandName}': ${e instanceof Error ? e.stack : msg}\n`);
      ce = new CommandError(1, `internal emulator error: ${msg}`);
    }
    const labels = ce.labels ?? computeErrorLabels(ce.code, labelCtx);
    const reply: Doc = { ok: 0, errmsg: ce.message, code: ce.code, codeName: ce.codeName, ...ce.extra };
    if (labels.length) reply.errorLabels = labels;
    return { ...reply, ...this.clusterTimeFields() };
  }

  /**
   * Whether the reply waits for the journal: writes and commits acknowledged with `j: true`
   * or `w: 'majority'` (also the default write concern), as on mongod with journaling; and
   * reads at readConcern majority/snapshot/linearizable, which on a single-node mongod only
   * return journaled data (waiting after the read covers everything it could have seen).
   * Writes inside a transaction are made durable by its commit.
   */
  private mustJournal(ctx: CommandContext, spec: CommandSpec): boolean {
    if (!spec.write && ctx.name !== 'commitTransaction') {
      const rc = ctx.body.readConcern;
      return isPlainObject(rc) && (rc.level === 'majority' || rc.level === 'snapshot' || rc.level === 'linearizable');
    }
    if (ctx.name !== 'commitTransaction' && ctx.txn) return false;
    const wc = ctx.body.writeConcern;
    if (!isPlainObject(wc)) return true;
    if (wc.j === true || wc.w === 'majority') return true;
    return wc.w === undefined && wc.j !== false;
  }

  /** writeConcernError for write concerns a single-member replica set cannot satisfy. */
  private writeConcernError(ctx: CommandContext, spec: CommandSpec): Doc | undefined {
    if (!spec.write && !TXN_COMMANDS.has(ctx.name)) return undefined;
    const wc = ctx.body.writeConcern;
    if (!isPlainObject(wc)) return undefined;
    const w = wc.w;
    if (isNumeric(w) && toNumber(w) > 1) {
      return { code: 100, codeName: 'UnsatisfiableWriteConcern', errmsg: 'Not enough data-bearing nodes', errInfo: { writeConcern: wc } };
    }
    if (typeof w === 'string' && w !== 'majority') {
      return { code: 79, codeName: 'UnknownReplWriteConcern', errmsg: `No write concern mode named '${w}' found in replica set configuration`, errInfo: { writeConcern: wc } };
    }
    return undefined;
  }

  /**
   * Validates lsid/txnNumber/autocommit/startTransaction like mongod's TransactionParticipant,
   * starts or continues the transaction, and serves retryable-write retries from the cache.
   */
  private resolveTransaction(ctx: CommandContext, spec: CommandSpec): Doc | undefined {
    const { body, session, name } = ctx;
    const rawTxn = body.txnNumber;
    const autocommit = body.autocommit;
    const start = body.startTransaction;
    this.applyReadConcern(ctx, spec, rawTxn !== undefined && autocommit !== undefined);
    if (rawTxn === undefined) {
      if (autocommit !== undefined || start !== undefined) {
        throw new CommandError(50768, 'txnNumber must be provided for multi-document transactions');
      }
      if (TXN_COMMANDS.has(name)) throw new CommandError(50768, `'${name}' must be run within a transaction`);
      return undefined;
    }
    if (!session) throw new CommandError(50768, 'Transaction number requires a session ID to also be specified');
    if (!isNumeric(rawTxn)) throw new CommandError(14, "BSON field 'txnNumber' is the wrong type, expected type 'long'");
    const n = toNumber(rawTxn);
    if (autocommit === undefined) {
      if (start !== undefined) throw new CommandError(50768, 'Specifying startTransaction requires autocommit:false');
      if (!spec.retryableWrite) {
        throw new CommandError(
          50768,
          `txnNumber may only be provided for multi-document transactions and retryable write commands. autocommit:false was not provided, and ${name} is not a retryable write command.`,
        );
      }
      if (n < session.txnNumber) {
        throw new CommandError(
          225,
          `Retryable write with txnNumber ${n} is prohibited on session ${session.key} because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`,
        );
      }
      if (n === session.txnNumber) {
        if (session.txn && session.txn.txnNumber === n) {
          throw new CommandError(50911, `Cannot start a retryable write with txnNumber ${n} on session ${session.key} because it is already used by a transaction`);
        }
      } else {
        if (session.txn?.isOpen) this.engine.abort(session.txn, 'a newer transaction number started on the session');
        session.txnNumber = n;
        session.txn = undefined;
      }
      if (session.retry?.txnNumber !== n) session.retry = { txnNumber: n, stmts: new Map() };
      ctx.retry = session.retry;
      ctx.isRetryableWrite = true;
      return undefined;
    }
    // multi-document transaction
    if (autocommit !== false) throw new CommandError(72, 'Specifying autocommit=true is not allowed.');
    if (!spec.inTxn) throw new CommandError(263, `Cannot run '${name}' in a multi-document transaction.`);
    if (start !== undefined) {
      if (start !== true) throw new CommandError(72, 'startTransaction must be true');
      if (TXN_COMMANDS.has(name)) throw new CommandError(263, `Cannot start a transaction with ${name}`);
      if (n < session.txnNumber) {
        throw new CommandError(225, `Cannot start transaction ${n} on session ${session.key} because a newer transaction ${session.txnNumber} has already started.`);
      }
      if (n === session.txnNumber) {
        throw new CommandError(117, `Cannot start a transaction at given transaction number ${n} on session ${session.key} because a transaction with the same number is in state ${session.txn?.state ?? 'retryable write'}`);
      }
      if (session.txn?.isOpen) this.engine.abort(session.txn, 'a newer transaction started on the session');
      const rc = isPlainObject(body.readConcern) ? body.readConcern : undefined;
      let snapshot: number | undefined;
      if (rc?.atClusterTime !== undefined) {
        snapshot = Clock.fromTimestamp(rc.atClusterTime as Timestamp);
        this.engine.checkSnapshotTime(snapshot);
      }
      session.txnNumber = n;
      session.txn = this.engine.begin(session.key, n, snapshot);
      if (typeof rc?.level === 'string') session.txn.readConcernLevel = rc.level;
      ctx.txn = session.txn;
      ctx.view = { txn: ctx.txn };
      return undefined;
    }
    if (body.readConcern !== undefined && !TXN_COMMANDS.has(name)) {
      throw new CommandError(72, 'Only the first command in a transaction may specify a readConcern');
    }
    if (body.writeConcern !== undefined && !TXN_COMMANDS.has(name)) {
      throw new CommandError(72, 'Cannot set write concern after starting a transaction.');
    }
    if (n < session.txnNumber) {
      throw new CommandError(225, `Cannot continue transaction ${n} on session ${session.key} because a newer transaction ${session.txnNumber} has already started.`);
    }
    const txn = session.txn;
    if (n > session.txnNumber || !txn || txn.txnNumber !== n) {
      throw new CommandError(251, `Given transaction number ${n} does not match any in-progress transactions. The active transaction number is ${session.txnNumber}`);
    }
    if (txn.state === 'aborted') {
      throw new CommandError(251, `Transaction with { txnNumber: ${n} } has been aborted.${txn.abortReason ? ` (${txn.abortReason})` : ''}`);
    }
    if (txn.state === 'committed' && name !== 'commitTransaction') {
      throw new CommandError(256, `Transaction with { txnNumber: ${n} } has been committed.`);
    }
    ctx.txn = txn;
    ctx.view = { txn };
    return undefined;
  }

  /** readConcern: levels, afterClusterTime, and snapshot reads outside transactions. */
  private applyReadConcern(ctx: CommandContext, spec: CommandSpec, inTxn: boolean): void {
    const rc = ctx.body.readConcern;
    if (rc === undefined) return;
    if (!isPlainObject(rc)) throw new CommandError(14, "BSON field 'readConcern' is the wrong type, expected type 'object'");
    const level = rc.level;
    if (level !== undefined && !['local', 'majority', 'linearizable', 'available', 'snapshot'].includes(level as string)) {
      throw new CommandError(9, `BSON field 'ReadConcernArgs.level' has an invalid value: ${String(level)}`);
    }
    if (rc.afterClusterTime !== undefined && bsonTypeOf(rc.afterClusterTime) !== 'Timestamp') {
      throw new CommandError(14, "BSON field 'afterClusterTime' is the wrong type, expected type 'timestamp'");
    }
    if (rc.atClusterTime !== undefined && level !== 'snapshot') {
      throw new CommandError(72, 'readConcern atClusterTime value can only be specified with level snapshot');
    }
    if (inTxn) {
      if (ctx.body.startTransaction === true && level !== undefined && !['local', 'majority', 'snapshot'].includes(level as string)) {
        throw new CommandError(72, "The readConcern level must be either 'local' (default), 'majority' or 'snapshot' in order to run in a transaction");
      }
      return;
    }
    if (level === 'snapshot') {
      if (!spec.snapshotRead) {
        throw new CommandError(72, `Command ${ctx.name} does not support { readConcern: { level: "snapshot" } }`);
      }
      let ts = this.engine.clock.now();
      if (rc.atClusterTime !== undefined) {
        if (bsonTypeOf(rc.atClusterTime) !== 'Timestamp') throw new CommandError(14, "BSON field 'atClusterTime' is the wrong type, expected type 'timestamp'");
        ts = Clock.fromTimestamp(rc.atClusterTime as Timestamp);
        if (ts > this.engine.clock.now()) {
          throw new CommandError(72, 'readConcern atClusterTime value must not be greater than the current clusterTime');
        }
        this.engine.checkSnapshotTime(ts);
      }
      ctx.view = { ts } satisfies View;
      ctx.atClusterTime = Clock.toTimestamp(ts);
      this.engine.pinSnapshot(ts);
    }
  }
}

