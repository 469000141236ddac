// The entity map of one test: clients (with their observed events), databases,
// collections, sessions, cursors and saved results.
import { BSON } from 'bson';
import {
  type ClientSession,
  type ClientSessionOptions,
  type Collection,
  type Db,
  MongoClient,
  type MongoClientOptions,
  ReadConcern,
  ReadPreference,
  WriteConcern,
} from 'mongodb';

import type { EntityLookup } from './matcher';
import type { Doc } from './types';

/** An observed event, flattened to the fields the format can assert on. */
export interface RecordedEvent extends Doc {
  /** unified-format event name, e.g. commandStartedEvent, poolClearedEvent */
  kind: string;
}

// Unified-format CMAP/SDAM event names → Node driver emitter event names.
const cmapEvents: Record<string, string> = {
  poolCreatedEvent: 'connectionPoolCreated',
  poolReadyEvent: 'connectionPoolReady',
  poolClearedEvent: 'connectionPoolCleared',
  poolClosedEvent: 'connectionPoolClosed',
  connectionCreatedEvent: 'connectionCreated',
  connectionReadyEvent: 'connectionReady',
  connectionClosedEvent: 'connectionClosed',
  connectionCheckOutStartedEvent: 'connectionCheckOutStarted',
  connectionCheckOutFailedEvent: 'connectionCheckOutFailed',
  connectionCheckedOutEvent: 'connectionCheckedOut',
  connectionCheckedInEvent: 'connectionCheckedIn',
};
const sdamEvents: Record<string, string> = {
  serverDescriptionChangedEvent: 'serverDescriptionChanged',
  topologyDescriptionChangedEvent: 'topologyDescriptionChanged',
  serverHeartbeatStartedEvent: 'serverHeartbeatStarted',
  serverHeartbeatSucceededEvent: 'serverHeartbeatSucceeded',
  serverHeartbeatFailedEvent: 'serverHeartbeatFailed',
  topologyOpeningEvent: 'topologyOpening',
  topologyClosedEvent: 'topologyClosed',
  serverOpeningEvent: 'serverOpening',
  serverClosedEvent: 'serverClosed',
};
const commandEvents: Record<string, string> = {
  commandStartedEvent: 'commandStarted',
  commandSucceededEvent: 'commandSucceeded',
  commandFailedEvent: 'commandFailed',
};

export function eventCategory(kind: string): 'command' | 'cmap' | 'sdam' | undefined {
  if (kind in commandEvents) return 'command';
  if (kind in cmapEvents) return 'cmap';
  if (kind in sdamEvents) return 'sdam';
  return undefined;
}

// Command Logging and Monitoring spec: these carry credentials and are hidden unless asked for.
const sensitiveCommands = new Set(['authenticate', 'saslstart', 'saslcontinue', 'getnonce', 'createuser', 'updateuser', 'copydbgetnonce', 'copydbsaslstart', 'copydb']);
const helloCommands = new Set(['hello', 'ismaster']);

export class ClientEntity {
  /** all observed events in order (command, cmap and sdam interleaved) */
  readonly events: RecordedEvent[] = [];
  private listening = true;

  constructor(
    readonly id: string,
    readonly client: MongoClient,
    private readonly observe: Set<string>,
    private readonly ignoreCommands: Set<string>,
    private readonly observeSensitive: boolean,
    private readonly stores: { entity: unknown[]; kinds: Set<string> }[],
  ) {
    for (const [kind, driverName] of Object.entries({ ...commandEvents, ...cmapEvents, ...sdamEvents })) {
      const wanted = observe.has(kind) || stores.some((s) => s.kinds.has(kind));
      if (wanted) client.on(driverName as 'commandStarted', (ev: unknown) => this.record(kind, ev as Doc));
    }
  }

  /** Names the client observes, so special operations can refuse to assert on unobserved events. */
  observes(kind: string): boolean {
    return this.observe.has(kind);
  }

  stopListening(): void {
    this.listening = false;
  }

  private record(kind: string, ev: Doc): void {
    if (!this.listening) return;
    if (eventCategory(kind) === 'command') {
      const name = String(ev.commandName ?? '');
      if (name === 'configureFailPoint' || this.ignoreCommands.has(name)) return;
      if (!this.observeSensitive) {
        if (sensitiveCommands.has(name.toLowerCase())) return;
        // hello with speculativeAuthenticate is redacted to {} by the driver: infer it is sensitive.
        if (helloCommands.has(name.toLowerCase())) {
          const body = (ev.command ?? ev.reply) as Doc | undefined;
          if (body && Object.keys(body).length === 0) return;
        }
      }
    }
    const rec: RecordedEvent = { kind, ...flatten(kind, ev) };
    if (this.observe.has(kind)) this.events.push(rec);
    for (const s of this.stores) {
      if (s.kinds.has(kind)) s.entity.push({ name: kind.replace(/Event$/, ''), observedAt: Date.now() / 1000, ...storedFields(rec) });
    }
  }
}

/**
 * Snapshot of a command or reply as it was at event time. The driver hands the live command
 * object to listeners and later mutates shared parts of it (a transaction's readConcern gains
 * afterClusterTime, a retried commit's writeConcern gains wtimeout), and it keeps `sort` as a
 * Map; a BSON round trip freezes the document exactly as it went on the wire.
 */
function snapshot(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object') return doc;
  try {
    return BSON.deserialize(BSON.serialize(doc as Doc, { ignoreUndefined: true }));
  } catch {
    return doc;
  }
}

function flatten(kind: string, ev: Doc): Doc {
  if (ev.command !== undefined) ev = { ...ev, command: snapshot(ev.command) };
  if (ev.reply !== undefined) ev = { ...ev, reply: snapshot(ev.reply) };
  switch (kind) {
    case 'commandStartedEvent':
      return pick(ev, ['commandName', 'databaseName', 'command', 'requestId', 'connectionId', 'serviceId', 'serverConnectionId']);
    case 'commandSucceededEvent':
      return pick(ev, ['commandName', 'databaseName', 'reply', 'duration', 'requestId', 'connectionId', 'serviceId', 'serverConnectionId']);
    case 'commandFailedEvent':
      return pick(ev, ['commandName', 'databaseName', 'failure', 'duration', 'requestId', 'connectionId', 'serviceId', 'serverConnectionId']);
    case 'serverDescriptionChangedEvent':
    case 'topologyDescriptionChangedEvent':
      return pick(ev, ['previousDescription', 'newDescription']);
    default:
      return pick(ev, ['address', 'serviceId', 'interruptInUseConnections', 'reason', 'awaited', 'connectionId']);
  }
}

function storedFields(rec: RecordedEvent): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'kind' || k === 'command' || k === 'reply') continue;
    if (v === undefined || (typeof v === 'object' && v !== null && !(v as { _bsontype?: string })._bsontype)) continue;
    out[k] = typeof v === 'bigint' ? Number(v) : v;
  }
  if (rec.failure instanceof Error) out.failure = rec.failure.message;
  return out;
}

function pick(ev: Doc, keys: string[]): Doc {
  const out: Doc = {};
  for (const k of keys) if (ev[k] !== undefined) out[k] = ev[k];
  return out;
}

// ---------- option conversion ----------

/** `{ mode, tagSets, maxStalenessSeconds, hedge }` → ReadPreference */
export function toReadPreference(rp: unknown): ReadPreference | undefined {
  if (rp === undefined || rp === null) return undefined;
  if (typeof rp === 'string') return ReadPreference.fromString(rp);
  const d = rp as Doc;
  const opts: Doc = {};
  if (d.maxStalenessSeconds !== undefined) opts.maxStalenessSeconds = d.maxStalenessSeconds;
  if (d.hedge !== undefined) opts.hedge = d.hedge;
  return new ReadPreference(d.mode as 'primary', (d.tagSets ?? d.tags) as ConstructorParameters<typeof ReadPreference>[1], opts);
}

/** Options shared by databases, collections, transactions: readConcern, writeConcern, readPreference. */
export function toConcernOptions(o: Doc | undefined): Doc {
  const out: Doc = { ...(o ?? {}) };
  if (o?.readConcern !== undefined) out.readConcern = ReadConcern.fromOptions({ readConcern: o.readConcern as { level: 'local' } });
  if (o?.writeConcern !== undefined) out.writeConcern = WriteConcern.fromOptions({ writeConcern: o.writeConcern as { w: number } });
  if (o?.readPreference !== undefined) out.readPreference = toReadPreference(o.readPreference);
  return out;
}

// ---------- the map ----------

type Kind = 'client' | 'database' | 'collection' | 'session' | 'cursor' | 'bucket' | 'thread' | 'events' | 'value';

interface Entry {
  kind: Kind;
  value: unknown;
}

export interface EntityEnvironment {
  uri: string;
  /** driver options every client entity gets (test-speed tweaks), overridden by uriOptions */
  clientDefaults: MongoClientOptions;
}

export class EntityMap implements EntityLookup {
  private readonly map = new Map<string, Entry>();
  private readonly lsids = new Map<string, Doc>();

  constructor(private readonly env: EntityEnvironment) {}

  private put(id: string, kind: Kind, value: unknown): void {
    if (this.map.has(id)) throw new Error(`entity ${id} already exists`);
    this.map.set(id, { kind, value });
  }

  private get<T>(id: string, kind: Kind): T {
    const e = this.map.get(id);
    if (!e) throw new Error(`entity ${id} is not defined`);
    if (e.kind !== kind) throw new Error(`entity ${id} is a ${e.kind}, not a ${kind}`);
    return e.value as T;
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  kindOf(id: string): Kind | undefined {
    return this.map.get(id)?.kind;
  }

  clientEntity(id: string): ClientEntity {
    return this.get<ClientEntity>(id, 'client');
  }
  client(id: string): MongoClient {
    return this.clientEntity(id).client;
  }
  database(id: string): Db {
    return this.get<Db>(id, 'database');
  }
  collection(id: string): Collection<Doc> {
    return this.get<Collection<Doc>>(id, 'collection');
  }
  session(id: string): ClientSession {
    return this.get<ClientSession>(id, 'session');
  }
  cursor(id: string): unknown {
    return this.get<unknown>(id, 'cursor');
  }
  clients(): ClientEntity[] {
    return [...this.map.values()].filter((e) => e.kind === 'client').map((e) => e.value as ClientEntity);
  }
  sessions(): ClientSession[] {
    return [...this.map.values()].filter((e) => e.kind === 'session').map((e) => e.value as ClientSession);
  }
  /** The MongoClient a session belongs to (for targetedFailPoint). */
  sessionClient(id: string): MongoClient {
    return (this.session(id) as unknown as { client: MongoClient }).client;
  }

  // EntityLookup (matcher)
  sessionLsid(id: string): Doc {
    this.get<ClientSession>(id, 'session');
    const lsid = this.lsids.get(id);
    if (!lsid) throw new Error(`session ${id} has no recorded lsid`);
    return lsid;
  }
  entity(id: string): unknown {
    const e = this.map.get(id);
    if (!e) throw new Error(`entity ${id} is not defined`);
    return e.kind === 'client' ? (e.value as ClientEntity).client : e.value;
  }

  /** saveResultAsEntity: cursors stay cursors, everything else is a value. */
  save(id: string, value: unknown, kind: Kind = 'value'): void {
    if (value === undefined) throw new Error(`cannot save an undefined result as entity ${id}`);
    this.put(id, kind, value);
  }

  async create(specs: Doc[]): Promise<void> {
    for (const spec of specs) {
      const [type, body] = Object.entries(spec)[0] as [string, Doc];
      const id = String(body.id);
      switch (type) {
        case 'client':
          this.put(id, 'client', await this.createClient(id, body));
          break;
        case 'database': {
          const client = this.client(String(body.client));
          this.put(id, 'database', client.db(String(body.databaseName), toConcernOptions(body.databaseOptions as Doc | undefined)));
          break;
        }
        case 'collection': {
          const db = this.database(String(body.database));
          this.put(id, 'collection', db.collection(String(body.collectionName), toConcernOptions(body.collectionOptions as Doc | undefined)));
          break;
        }
        case 'session': {
          const client = this.client(String(body.client));
          const opts = { ...((body.sessionOptions as Doc | undefined) ?? {}) };
          if (opts.defaultTransactionOptions) opts.defaultTransactionOptions = toConcernOptions(opts.defaultTransactionOptions as Doc);
          const snapshotTime = opts.snapshotTime;
          delete opts.snapshotTime;
          const session = client.startSession(opts as ClientSessionOptions);
          if (snapshotTime !== undefined) {
            // sessionOptions.snapshotTime names a saved entity (getSnapshotTime). Driver 7.8 has
            // no public option for it, but reads `session.snapshotTime` to send atClusterTime,
            // which is exactly what the option means.
            (session as unknown as { snapshotTime: unknown }).snapshotTime = typeof snapshotTime === 'string' ? this.entity(snapshotTime) : snapshotTime;
          }
          this.put(id, 'session', session);
          // Recorded now: the driver releases the server session on endSession, after which
          // its id can no longer be read, but events still refer to it.
          if (session.id) this.lsids.set(id, session.id as unknown as Doc);
          break;
        }
        case 'bucket':
        case 'clientEncryption':
        case 'thread':
          throw new Error(`entity type ${type} is not supported by this runner`);
        default:
          throw new Error(`unknown entity type ${type}`);
      }
    }
  }

  private async createClient(id: string, body: Doc): Promise<ClientEntity> {
    const observe = new Set((body.observeEvents as string[] | undefined) ?? []);
    for (const kind of observe) if (!eventCategory(kind)) throw new Error(`unsupported event type ${kind} in observeEvents`);
    if (body.observeLogMessages) throw new Error('observeLogMessages is not supported by this runner');
    const stores = ((body.storeEventsAsEntities as Doc[] | undefined) ?? []).map((s) => {
      const entity: unknown[] = [];
      this.put(String(s.id), 'events', entity);
      return { entity, kinds: new Set(s.events as string[]) };
    });
    const uriOptions = { ...((body.uriOptions as Doc | undefined) ?? {}) };
    const options: Doc = { ...this.env.clientDefaults, ...uriOptions };
    // The spec allows a faster heartbeat for fail-point recovery unless the test sets its own.
    if (Object.keys(uriOptions).some((k) => k.toLowerCase() === 'heartbeatfrequencyms')) delete options.minHeartbeatFrequencyMS;
    const wantsCommands = [...observe, ...stores.flatMap((s) => [...s.kinds])].some((k) => eventCategory(k) === 'command');
    if (wantsCommands) options.monitorCommands = true;
    if (body.serverApi) options.serverApi = body.serverApi;
    options.__skipPingOnConnect = true;
    const client = new MongoClient(this.env.uri, options as MongoClientOptions);
    const entity = new ClientEntity(
      id,
      client,
      observe,
      new Set((body.ignoreCommandMonitoringEvents as string[] | undefined) ?? []),
      body.observeSensitiveCommands === true,
      stores,
    );
    // Connect now, as the Node driver's own runner does, but without the driver's connect-time
    // ping: that ping checks a connection out, and tests counting CMAP checkouts (handshake
    // errors) expect only the checkouts of their operations. A failed connect is left to the
    // first operation, which reconnects and reports the error where the test expects it.
    await client.connect().catch(() => undefined);
    return entity;
  }

  /** End sessions, close cursors and clients. Never throws: cleanup must not mask the verdict. */
  async close(): Promise<void> {
    for (const e of this.map.values()) {
      if (e.kind === 'client') (e.value as ClientEntity).stopListening();
    }
    for (const e of this.map.values()) {
      if (e.kind === 'cursor') await (e.value as { close(): Promise<void> }).close().catch(() => undefined);
    }
    for (const e of this.map.values()) {
      if (e.kind === 'session') await (e.value as ClientSession).endSession().catch(() => undefined);
    }
    for (const e of this.map.values()) {
      if (e.kind === 'client') await (e.value as ClientEntity).client.close().catch(() => undefined);
    }
    this.map.clear();
  }
}
