/**
 * The public entry point: an in-memory MongoDB server (a single-member replica set primary)
 * that the official driver and mongoose talk to over TCP.
 *
 * ```ts
 * const emu = await MongoEmulator.start();
 * await mongoose.connect(emu.uri);
 * // ...
 * await emu.stop();
 * ```
 */
import { createServer, Server, Socket } from 'node:net';
import { Durability } from './durability';
import { EmulatorServer, ServerOptions } from './server';
import { Connection } from './wire/connection';

/** Options of {@link MongoEmulator.start}. All are optional. */
export interface MongoEmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Host name advertised in hello's `hosts`/`me`/`primary`; the driver reconnects to it, so
   * it must be reachable by clients (default: `host`, or 127.0.0.1 when listening on all
   * interfaces).
   */
  advertisedHost?: string;
  /** Replica set name advertised by hello and used in {@link MongoEmulator.uri} (default rs0). */
  replicaSetName?: string;
  /** mongod's transactionLifetimeLimitSeconds: open transactions older than this are aborted (default 60). */
  transactionLifetimeLimitSeconds?: number;
  /**
   * Upper bound on how long a non-transactional write waits for a transaction holding its
   * document (default 0 = until the transaction ends, which the lifetime limit bounds, like
   * mongod). A command's own maxTimeMS always applies (MaxTimeMSExpired, code 50).
   */
  writeWaitTimeoutMS?: number;
  /** How often the TTL monitor deletes expired documents (default 1000 ms; mongod uses 60 s). */
  ttlMonitorIntervalMS?: number;
  /** How long the history a readConcern snapshot read uses is kept after its last use (default 60 000 ms); without open transactions or such reads only latest versions are kept. */
  historyWindowMS?: number;
  /** Cap on versions kept per document beyond what open transactions need (default 1000). */
  maxVersionsPerDoc?: number;
  /** Idle cursors are killed after this long (default 600 000 ms, mongod's default). */
  cursorTimeoutMS?: number;
  /**
   * Directory for durable data (mongod's --dbpath): a journal of committed writes plus
   * snapshots. Unset (default): everything lives in memory and is lost on stop.
   */
  dbPath?: string;
  /** Commits kept for change-stream resumption, like an oplog size (default 10 000). */
  changeStreamHistoryEntries?: number;
  /** Journal size at which it is compacted into a new snapshot (default 64 MiB). */
  journalCompactBytes?: number;
  /** Where start-up recovery reports (e.g. a truncated torn journal tail); default stderr. */
  log?: (line: string) => void;
  /**
   * Secondary members to present (default 0, at most 3), each on its own port of `host`. They
   * serve reads with a non-primary read preference from the primary's latest committed data
   * (replication lag 0) and refuse writes with NotWritablePrimary, so clients whose read
   * preference is `secondary` can select a server.
   */
  secondaries?: number;
}

export class MongoEmulator {
  private readonly connections = new Set<Socket>();
  private nextConnectionId = 1;
  private stopped = false;

  private durability?: Durability;
  private readonly secondaryNets: Server[] = [];

  private constructor(
    private readonly net: Server,
    /** The command runtime (exposed for tests and tooling). */
    readonly server: EmulatorServer,
  ) {}

  /** Starts a server and resolves once it is listening. */
  static async start(options: MongoEmulatorOptions = {}): Promise<MongoEmulator> {
    const host = options.host ?? '127.0.0.1';
    const resolved: ServerOptions = {
      host,
      advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
      port: options.port ?? 0,
      replicaSetName: options.replicaSetName ?? 'rs0',
      transactionLifetimeLimitSeconds: options.transactionLifetimeLimitSeconds ?? 60,
      writeWaitTimeoutMS: options.writeWaitTimeoutMS ?? 0,
      ttlMonitorIntervalMS: options.ttlMonitorIntervalMS ?? 1000,
      historyWindowMS: options.historyWindowMS ?? 60_000,
      maxVersionsPerDoc: options.maxVersionsPerDoc ?? 1000,
      cursorTimeoutMS: options.cursorTimeoutMS ?? 600_000,
      logicalSessionTimeoutMinutes: 30,
      changeStreamHistoryEntries: options.changeStreamHistoryEntries,
      secondaryPorts: [],
    };
    const secondaries = options.secondaries ?? 0;
    if (!Number.isInteger(secondaries) || secondaries < 0 || secondaries > 3) throw new Error('secondaries must be an integer from 0 to 3');
    const server = new EmulatorServer(resolved);
    const net = createServer();
    const emu = new MongoEmulator(net, server);
    if (options.dbPath) {
      emu.durability = await Durability.open(server, { dir: options.dbPath, compactBytes: options.journalCompactBytes, log: options.log });
      server.durability = emu.durability;
    }
    net.on('connection', (socket) => emu.accept(socket, 0));
    try {
      resolved.port = await listen(net, resolved.port, resolved.host);
      for (let k = 1; k <= secondaries; k++) {
        const sec = createServer();
        sec.on('connection', (socket) => emu.accept(socket, k));
        emu.secondaryNets.push(sec);
        resolved.secondaryPorts.push(await listen(sec, 0, resolved.host));
      }
    } catch (e) {
      for (const n of [net, ...emu.secondaryNets]) n.close();
      await emu.durability?.close();
      throw e;
    }
    server.startTimers();
    return emu;
  }

  private accept(socket: Socket, member: number): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    new Connection(this.server, socket, this.nextConnectionId++, member);
  }

  /** The port the server listens on. */
  get port(): number {
    return this.server.options.port;
  }

  /** The address advertised in `hosts` (`127.0.0.1:PORT`). */
  get address(): string {
    return this.server.address;
  }

  /** Connection string for the driver: `mongodb://127.0.0.1:PORT/?replicaSet=rs0`. */
  get uri(): string {
    return `mongodb://${this.address}/?replicaSet=${this.server.options.replicaSetName}`;
  }

  /** Aborts every open transaction (e.g. between tests). */
  abortAllTransactions(): void {
    for (const txn of [...this.server.engine.openTxns]) this.server.engine.abort(txn, 'aborted by the emulator host');
  }

  /** Drops every database. */
  reset(): void {
    this.abortAllTransactions();
    const engine = this.server.engine;
    for (const db of [...engine.dbs.keys()]) {
      const dropped = [...(engine.dbs.get(db)?.keys() ?? [])].map((c) => `${db}.${c}`);
      engine.dropDatabase(db);
      engine.logCatalog(db, { dropDatabase: 1 }, dropped);
    }
  }

  /** What start-up recovery found in the dbpath (undefined without one). */
  get recovery(): Durability['recovery'] | undefined {
    return this.durability?.recovery;
  }

  /** Closes all connections, stops timers and the listener, so the process can exit. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.server.stopTimers();
    this.abortAllTransactions();
    for (const s of this.connections) s.destroy();
    this.connections.clear();
    await Promise.all([this.net, ...this.secondaryNets].map((n) => new Promise<void>((resolve) => n.close(() => resolve()))));
    await this.durability?.close();
  }
}

function listen(net: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, host, () => {
      net.off('error', reject);
      const addr = net.address();
      resolve(addr && typeof addr === 'object' ? addr.port : port);
    });
  });
}
