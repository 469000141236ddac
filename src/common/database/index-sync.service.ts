import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ServerDescription, ServerDescriptionChangedEvent } from 'mongodb';
import type { Connection, Model } from 'mongoose';

/** Where the app stands with the indexes its invariants rely on. */
export type IndexState = 'pending' | 'syncing' | 'ready' | 'failed';

/** Server types that accept writes: the ones whose indexes the app writes against. */
const WRITABLE = new Set(['RSPrimary', 'Standalone', 'Mongos', 'LoadBalancer']);

/** A failed sync is retried after this long, doubling up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;
/** Readiness re-reads the index lists at most this often (a wipe without a reconnect). */
const VERIFY_INTERVAL_MS = 5_000;
/**
 * Written after every complete build. After a reconnection, finding it proves the data set
 * survived (a dropped connection, a restart with its data), so serving resumes after one
 * read instead of a full rebuild; a replaced or wiped database has lost it.
 */
const MARKER_COLLECTION = 'index_sync';
const MARKER_ID = 'indexes';

function isWritable(d: ServerDescription): boolean {
  return WRITABLE.has(d.type);
}

/** Identity of the server process: a restarted mongod has a new processId (when it reports one). */
function processIdOf(d: ServerDescription): string | undefined {
  const id = d.topologyVersion?.processId;
  return id === undefined ? undefined : String(id);
}

/**
 * Keeps the unique, partial and TTL indexes of every model on the connection present while
 * the app serves. mongoose builds them once, when a model is compiled; a database replaced
 * underneath a running app (restarted without data, wiped, restored without indexes, a new
 * primary that lacks them) would otherwise serve without them, and every duplicate the
 * indexes exist to refuse would be accepted.
 *
 * The indexes are built at boot and whenever readiness finds one missing. When the writable
 * server goes away and comes back (the driver's `serverDescriptionChanged`: reconnection, a
 * new primary, a restarted process) they are rebuilt unless the build marker survived, i.e.
 * unless it is the same data set. Until that is settled, {@link ready} is false: the index
 * gate answers 503 and /health/ready is down. Indexes are only created, never dropped, so a
 * rolling deploy's older instances keep theirs.
 */
@Injectable()
export class IndexSync implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IndexSync.name);
  private current: IndexState = 'pending';
  /** Set when a trigger arrives while a build runs: that build must not end in `ready`. */
  private dirty = false;
  /** The next round must build every index (boot, an index found missing), not only look for the marker. */
  private needFull = false;
  private running?: Promise<void>;
  private wake?: () => void;
  private closed = false;
  private lastError?: string;
  private verifying?: Promise<boolean>;
  private verifiedAt = 0;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** True once every model's indexes were built on the current server. */
  get ready(): boolean {
    return this.current === 'ready';
  }

  get state(): IndexState {
    return this.current;
  }

  /** Why the last build failed, for readiness output and logs. */
  get error(): string | undefined {
    return this.lastError;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.connection.getClient().on('serverDescriptionChanged', this.onServerDescriptionChanged);
    this.connection.on('reconnected', this.onReconnected);
    this.invalidate('boot', true);
    // Fail the boot rather than serve without indexes (e.g. duplicates already stored).
    await this.running;
    if (!this.ready) throw new Error(`Could not build the database indexes: ${this.lastError ?? 'unknown error'}`);
  }

  /** Before the connection closes: its closing must not look like a database to rebuild. */
  beforeApplicationShutdown(): void {
    this.closed = true;
    this.connection.getClient().off('serverDescriptionChanged', this.onServerDescriptionChanged);
    this.connection.off('reconnected', this.onReconnected);
    this.wake?.();
  }

  /**
   * For readiness: false while a build is pending; otherwise re-reads the index lists (at
   * most every few seconds) and starts a rebuild if one is missing.
   */
  async check(): Promise<boolean> {
    if (!this.ready) return false;
    if (Date.now() - this.verifiedAt < VERIFY_INTERVAL_MS) return true;
    this.verifying ??= this.verify().finally(() => (this.verifying = undefined));
    return this.verifying;
  }

  /** Marks the indexes as unverified and (re)starts a build (`full`: skip the marker shortcut). */
  invalidate(reason: string, full = false): void {
    if (this.closed) return;
    this.needFull ||= full;
    if (this.current === 'ready') this.logger.warn(`Re-creating database indexes (${reason}); requests answer 503 until done.`);
    this.current = 'pending';
    this.dirty = true;
    this.verifiedAt = 0;
    if (this.running) {
      this.wake?.();
      return;
    }
    this.running = this.build().finally(() => (this.running = undefined));
  }

  private readonly onServerDescriptionChanged = (event: ServerDescriptionChangedEvent): void => {
    const before = event.previousDescription;
    const after = event.newDescription;
    if (!isWritable(after)) {
      // The primary is gone: whatever comes back may be another data set.
      if (isWritable(before)) this.invalidate(`${event.address} is no longer writable (${after.type})`);
      return;
    }
    if (!isWritable(before)) this.invalidate(`${event.address} became writable (${after.type})`);
    else if (processIdOf(before) !== processIdOf(after)) this.invalidate(`${event.address} restarted`);
  };

  private readonly onReconnected = (): void => this.invalidate('reconnected');

  private async build(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!this.closed) {
      this.dirty = false;
      const full = this.needFull;
      this.needFull = false;
      this.current = 'syncing';
      try {
        const marker = this.connection.db!.collection<{ _id: string; builtAt: Date }>(MARKER_COLLECTION);
        const survived = !full && (await marker.findOne({ _id: MARKER_ID })) !== null;
        if (!survived) {
          for (const model of this.models()) await model.createIndexes();
          await marker.updateOne({ _id: MARKER_ID }, { $set: { builtAt: new Date() } }, { upsert: true });
        }
        if (this.dirty) continue;
        this.current = 'ready';
        this.lastError = undefined;
        this.verifiedAt = Date.now();
        this.logger.log(survived ? 'Database reconnected with its indexes in place.' : 'Database indexes are in place.');
        return;
      } catch (error) {
        this.needFull ||= full;
        this.current = 'failed';
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Building the database indexes failed (retrying in ${delay} ms): ${this.lastError}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** True if every declared index is listed by the server; otherwise starts a rebuild. */
  private async verify(): Promise<boolean> {
    try {
      for (const model of this.models()) {
        const missing = await this.missingIndex(model);
        if (missing) {
          this.invalidate(`index ${missing} of ${model.collection.collectionName} is missing`, true);
          return false;
        }
      }
      if (this.ready) this.verifiedAt = Date.now();
      return this.ready;
    } catch (error) {
      this.logger.warn(`Verifying the database indexes failed: ${String(error)}`);
      return false;
    }
  }

  private async missingIndex(model: Model<unknown>): Promise<string | undefined> {
    const declared = model.schema.indexes().map(([keys]) => JSON.stringify(keys));
    if (declared.length === 0) return undefined;
    let present: Set<string>;
    try {
      const listed = (await model.listIndexes()) as Array<{ key: Record<string, unknown> }>;
      present = new Set(listed.map((i) => JSON.stringify(i.key)));
    } catch (error) {
      // NamespaceNotFound: the collection itself is gone.
      if ((error as { code?: number }).code === 26) return declared[0];
      throw error;
    }
    return declared.find((k) => !present.has(k));
  }

  private models(): Model<unknown>[] {
    return Object.values(this.connection.models) as Model<unknown>[];
  }
}
