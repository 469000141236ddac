/**
 * Catalog commands: create, drop, dropDatabase, listCollections, listDatabases,
 * createIndexes, listIndexes, dropIndexes, collMod, renameCollection and basic stats.
 */
import { BSON, Int32 } from 'bson';
import { Doc, canonicalKey, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { compileFilter } from '../query/matcher';
import { Collection } from '../storage/collection';
import { CollectionIndex } from '../storage/collection-index';
import { checkCappedOptions, effectiveCappedSize } from '../storage/capped';
import { duplicateKey } from '../storage/engine';
import { CommandContext, CommandSpec, catalogChanged, collectionName, optBool, optDoc, untilUnblocked } from './context';
import { cursorReply } from './crud-read';
import { checkCollation } from './options';

const CREATE_OPTIONS = new Set([
  'capped',
  'size',
  'max',
  'validator',
  'validationLevel',
  'validationAction',
  'collation',
  'storageEngine',
  'indexOptionDefaults',
  'viewOn',
  'pipeline',
  'timeseries',
  'expireAfterSeconds',
  'clusteredIndex',
  'changeStreamPreAndPostImages',
  'encryptedFields',
  'autoIndexId',
  'idIndex',
  'flags',
]);

const META_FIELDS = new Set(['lsid', 'txnNumber', 'autocommit', 'startTransaction', '$db', '$clusterTime', 'writeConcern', 'readConcern', 'comment', 'maxTimeMS', '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

async function create(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const options: Doc = {};
  for (const [k, v] of Object.entries(ctx.body)) {
    if (k === 'create' || META_FIELDS.has(k)) continue;
    if (!CREATE_OPTIONS.has(k)) throw new CommandError(40415, `BSON field 'create.${k}' is an unknown field.`);
    if (k === 'timeseries') throw new CommandError(2, 'time series collections are not supported by the emulator');
    options[k] = v;
  }
  if (options.pipeline !== undefined && options.viewOn === undefined) {
    throw new CommandError(9, "'pipeline' requires 'viewOn' to also be specified");
  }
  if (options.viewOn !== undefined) {
    if (typeof options.viewOn !== 'string') throw new CommandError(14, "'viewOn' must be a string");
    if (options.pipeline === undefined) options.pipeline = [];
    if (!Array.isArray(options.pipeline)) throw new CommandError(14, "'pipeline' must be an array");
  }
  checkCollation(options.collation);
  checkCappedOptions(options);
  if (options.validationLevel !== undefined) checkValidationOption('validationLevel', options.validationLevel);
  if (options.validationAction !== undefined) checkValidationOption('validationAction', options.validationAction);
  if (options.validator !== undefined) {
    if (!isPlainObject(options.validator)) throw new CommandError(14, "BSON field 'create.validator' is the wrong type, expected type 'object'");
    compileFilter(options.validator);
  }
  if (ctx.txn) {
    checkTxnDdl(ctx, 'create a collection');
    if (options.viewOn !== undefined) throw new CommandError(263, `Cannot create a view in a multi-document transaction.`);
    if (options.capped) throw new CommandError(263, `Cannot create a capped collection in a multi-document transaction.`);
  }
  await untilUnblocked(ctx, () => {
    const existing = ctx.engine.collection(ctx.db, name);
    if (existing) {
      ctx.engine.checkCatalogAccess(existing, ctx.txn);
      throw new CommandError(48, `Collection ${ctx.db}.${name} already exists.`);
    }
    ctx.engine.ensureCollection(ctx.db, name, options, ctx.view);
    catalogChanged(ctx);
  });
  return {};
}

/** validationLevel off|strict|moderate, validationAction error|warn (mongod's enumerations). */
function checkValidationOption(field: 'validationLevel' | 'validationAction', v: unknown): void {
  const allowed = field === 'validationLevel' ? ['off', 'strict', 'moderate'] : ['error', 'warn'];
  if (typeof v !== 'string' || !allowed.includes(v)) {
    throw new CommandError(2, `Enumeration value '${String(v)}' for field '${field}' is not a valid value.`);
  }
}

/**
 * MongoDB ≥ 4.4 allows explicit collection and index creation in a transaction only with
 * readConcern 'local' (the default).
 */
function checkTxnDdl(ctx: CommandContext, what: string): void {
  const level = ctx.txn?.readConcernLevel;
  if (level !== undefined && level !== 'local') {
    throw new CommandError(72, `Cannot ${what} in a multi-document transaction with read concern level '${level}': it requires read concern level 'local'.`);
  }
}

/**
 * The collection as this command may use it: one that another open transaction is creating
 * makes catalog commands wait for that transaction to end (as its collection lock would).
 */
function settled(ctx: CommandContext, db: string, name: string): Promise<Collection | undefined> {
  return untilUnblocked(ctx, () => {
    const coll = ctx.engine.collection(db, name);
    if (coll) ctx.engine.checkCatalogAccess(coll, ctx.txn);
    return coll;
  });
}

/** The collection if this command's transaction (or lack of one) may see it. */
function visibleCollection(ctx: CommandContext, name: string): Collection | undefined {
  const coll = ctx.engine.collection(ctx.db, name);
  return coll && coll.visibleTo(ctx.txn) ? coll : undefined;
}

async function drop(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const coll = await settled(ctx, ctx.db, name);
  const nIndexesWas = coll?.indexes.size;
  ctx.engine.dropCollection(ctx.db, name);
  catalogChanged(ctx);
  return nIndexesWas === undefined ? {} : { nIndexesWas, ns: `${ctx.db}.${name}` };
}

function dropDatabase(ctx: CommandContext): Doc {
  ctx.engine.dropDatabase(ctx.db);
  catalogChanged(ctx);
  return { dropped: ctx.db };
}

function collectionInfo(coll: Collection): Doc {
  const options: Doc = {};
  for (const [k, v] of Object.entries(coll.options)) if (v !== undefined) options[k] = v;
  if (coll.options.viewOn !== undefined) return { name: coll.name, type: 'view', options, info: { readOnly: true } };
  return {
    name: coll.name,
    type: 'collection',
    options,
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  };
}

function listCollections(ctx: CommandContext): Doc {
  const filter = optDoc(ctx.body, 'filter');
  const nameOnly = optBool(ctx.body, 'nameOnly');
  const pred = filter ? compileFilter(filter) : undefined;
  const colls = ctx.engine.dbs.get(ctx.db);
  const out: Doc[] = [];
  for (const coll of colls?.values() ?? []) {
    if (!coll.visibleTo(ctx.txn)) continue;
    const info = collectionInfo(coll);
    if (pred && !pred(info)) continue;
    out.push(nameOnly ? { name: info.name, type: info.type } : info);
  }
  const cursor = optDoc(ctx.body, 'cursor');
  const batchSize = cursor && isNumeric(cursor.batchSize) ? toNumber(cursor.batchSize) : undefined;
  return cursorReply(ctx, `${ctx.db}.$cmd.listCollections`, out, batchSize);
}

function databaseSize(colls: Map<string, Collection>): number {
  let size = 0;
  for (const c of colls.values()) {
    for (const r of c.records.values()) {
      const d = r.doc;
      if (d) size += BSON.calculateObjectSize(d);
    }
  }
  return size;
}

function listDatabases(ctx: CommandContext): Doc {
  const nameOnly = optBool(ctx.body, 'nameOnly');
  const filter = optDoc(ctx.body, 'filter');
  const pred = filter ? compileFilter(filter) : undefined;
  const databases: Doc[] = [];
  let total = 0;
  for (const [name, colls] of ctx.engine.dbs) {
    if (![...colls.values()].some((c) => c.visibleTo(undefined))) continue;
    const sizeOnDisk = databaseSize(colls);
    total += sizeOnDisk;
    const entry: Doc = nameOnly ? { name } : { name, sizeOnDisk, empty: sizeOnDisk === 0 };
    if (pred && !pred({ name, sizeOnDisk, empty: sizeOnDisk === 0 })) continue;
    databases.push(entry);
  }
  return nameOnly ? { databases } : { databases, totalSize: total, totalSizeMb: Math.floor(total / 1048576) };
}

async function createIndexes(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const list = ctx.body.indexes;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CommandError(2, "Must specify at least one index to create");
  }
  const specs = list.map((raw) => CollectionIndex.normalizeSpec(raw));
  for (const spec of specs) checkCollation(spec.collation);
  if (ctx.txn) checkTxnDdl(ctx, 'create indexes');
  const { coll, created } = await untilUnblocked(ctx, () => ctx.engine.ensureCollection(ctx.db, name, undefined, ctx.view));
  if (ctx.txn && !created) {
    // In a transaction only a collection it created itself, still empty, may get new indexes;
    // asking for indexes that all exist already is fine.
    const allExist = specs.every((spec) => {
      const same = coll.indexes.get(spec.name as string);
      return same !== undefined && canonicalKey(same.key) === canonicalKey(spec.key) && same.sameOptions(spec);
    });
    if (!allExist && (coll.pendingTxn !== ctx.txn || coll.records.size > 0)) {
      throw new CommandError(263, `Cannot create new indexes on existing collection ${ctx.db}.${name} in a multi-document transaction.`);
    }
  }
  if (coll.options.viewOn !== undefined) throw new CommandError(166, `Namespace ${coll.ns} is a view, not a collection`);
  // an index without its own collation takes the collection's default, as in mongod
  specs.forEach((spec, i) => {
    if (coll.collation && (list[i] as Doc).collation === undefined) spec.collation = coll.collation.spec;
  });
  const before = coll.indexes.size;
  const toBuild: CollectionIndex[] = [];
  for (const spec of specs) {
    const same = coll.indexes.get(spec.name as string);
    const keyStr = canonicalKey(spec.key);
    if (same) {
      if (canonicalKey(same.key) !== keyStr) {
        throw new CommandError(
          86,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(same.spec)}`,
        );
      }
      if (!same.sameOptions(spec)) {
        throw new CommandError(85, `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(same.spec)}`);
      }
      continue;
    }
    const sameKey = [...coll.indexes.values()].find((ix) => canonicalKey(ix.key) === keyStr && ix.sameOptions(spec));
    if (sameKey && (spec.name as string) !== sameKey.name) {
      throw new CommandError(85, `Index already exists with a different name: ${sameKey.name}`);
    }
    const isText = (key: Doc) => Object.values(key).includes('text');
    const otherText = isText(spec.key as Doc) ? [...coll.indexes.values()].find((x) => isText(x.key)) : undefined;
    if (otherText) {
      // mongod keys every text index as {_fts: 'text', _ftsx: 1}: a collection has at most one
      throw new CommandError(85, `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(otherText.spec)}`);
    }
    const ix = new CollectionIndex(spec);
    if (ix.unique) {
      // Pending transactional writes were never checked against this index: abort those
      // transactions (they are retried) so that no commit can slip a duplicate past it.
      for (const txn of [...ctx.engine.openTxns]) {
        if (txn !== ctx.txn && txn.writes.has(coll)) ctx.engine.abort(txn, `a unique index was built on ${coll.ns}`);
      }
      // Build the key table from the committed state; fail like mongod on existing duplicates.
      for (const rec of coll.records.values()) {
        const doc = rec.doc;
        if (!doc) continue;
        for (const k of ix.keysOf(doc)) {
          const e = ix.entries.get(k.str);
          if (e?.owner && e.owner !== rec.key) {
            const dup = duplicateKey(coll, ix, k.value);
            throw new CommandError(11000, `Index build failed: ${coll.uuid.toString('hex')}: Collection ${coll.ns} ( ${coll.uuid.toString('hex')} ) :: caused by :: ${dup.message}`, dup.extra);
          }
          ix.entries.set(k.str, { owner: rec.key, ts: rec.ts });
        }
      }
    }
    toBuild.push(ix);
  }
  for (const ix of toBuild) {
    coll.indexes.set(ix.name, ix);
    coll.buildIndex(ix);
  }
  catalogChanged(ctx);
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: coll.indexes.size, createdCollectionAutomatically: created };
  if (toBuild.length === 0) reply.note = 'all indexes already exist';
  return reply;
}

function listIndexes(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const coll = visibleCollection(ctx, name);
  if (!coll) throw new CommandError(26, `ns does not exist: ${ctx.db}.${name}`);
  const out = [...coll.indexes.values()].map((ix) => ix.spec);
  const cursor = optDoc(ctx.body, 'cursor');
  const batchSize = cursor && isNumeric(cursor.batchSize) ? toNumber(cursor.batchSize) : undefined;
  return cursorReply(ctx, `${ctx.db}.${name}`, out, batchSize);
}

function findIndex(coll: Collection, spec: unknown): CollectionIndex {
  if (typeof spec === 'string') {
    const ix = coll.indexes.get(spec);
    if (!ix) throw new CommandError(27, `index not found with name [${spec}]`);
    return ix;
  }
  if (isPlainObject(spec)) {
    const key = canonicalKey(spec);
    const matches = [...coll.indexes.values()].filter((ix) => canonicalKey(ix.key) === key);
    if (matches.length === 0) throw new CommandError(27, `can't find index with key: ${JSON.stringify(spec)}`);
    if (matches.length > 1) throw new CommandError(2, `${matches.length} indexes found for key: ${JSON.stringify(spec)}, identify by name instead.`);
    return matches[0];
  }
  throw new CommandError(14, "BSON field 'dropIndexes.index' is the wrong type");
}

async function dropIndexes(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const coll = await settled(ctx, ctx.db, name);
  if (!coll) throw new CommandError(26, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.size;
  const spec = ctx.body.index;
  if (spec === '*') {
    for (const k of [...coll.indexes.keys()]) if (k !== '_id_') coll.indexes.delete(k);
    catalogChanged(ctx);
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection' };
  }
  const names = Array.isArray(spec) ? spec : [spec];
  const targets = names.map((s) => findIndex(coll, s));
  for (const ix of targets) {
    if (ix.name === '_id_') throw new CommandError(72, 'cannot drop _id index');
  }
  for (const ix of targets) coll.indexes.delete(ix.name);
  catalogChanged(ctx);
  return { nIndexesWas };
}

async function collMod(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const coll = await settled(ctx, ctx.db, name);
  if (!coll) throw new CommandError(26, `ns does not exist: ${ctx.db}.${name}`);
  const reply: Doc = {};
  for (const [k, v] of Object.entries(ctx.body)) {
    if (k === 'collMod' || META_FIELDS.has(k)) continue;
    if (k === 'validator') {
      if (!isPlainObject(v)) throw new CommandError(14, "'validator' must be an object");
      compileFilter(v);
      coll.options.validator = v;
    } else if (k === 'validationLevel' || k === 'validationAction') {
      checkValidationOption(k, v);
      coll.options[k] = String(v);
    } else if (k === 'index') {
      if (!isPlainObject(v)) throw new CommandError(14, "'index' must be an object");
      const ix = findIndex(coll, v.name ?? v.keyPattern);
      if (v.expireAfterSeconds !== undefined) {
        reply.expireAfterSeconds_old = ix.spec.expireAfterSeconds;
        ix.spec.expireAfterSeconds = v.expireAfterSeconds;
        (ix as { expireAfterSeconds?: number }).expireAfterSeconds = toNumber(v.expireAfterSeconds);
        reply.expireAfterSeconds_new = v.expireAfterSeconds;
      }
      if (v.hidden !== undefined) {
        reply.hidden_old = ix.spec.hidden ?? false;
        ix.spec.hidden = v.hidden;
        reply.hidden_new = v.hidden;
      }
    } else {
      throw new CommandError(40415, `BSON field 'collMod.${k}' is an unknown field.`);
    }
  }
  catalogChanged(ctx);
  return reply;
}

async function renameCollection(ctx: CommandContext): Promise<Doc> {
  const from = ctx.body.renameCollection;
  const to = ctx.body.to;
  if (typeof from !== 'string' || typeof to !== 'string') throw new CommandError(14, 'renameCollection and to must be strings');
  const [fdb, ...fparts] = from.split('.');
  const [tdb, ...tparts] = to.split('.');
  const coll = await settled(ctx, fdb, fparts.join('.'));
  if (!coll) throw new CommandError(26, 'source namespace does not exist');
  if (await settled(ctx, tdb, tparts.join('.'))) {
    if (!optBool(ctx.body, 'dropTarget')) throw new CommandError(48, 'target namespace exists');
    ctx.engine.dropCollection(tdb, tparts.join('.'));
  }
  const { coll: target } = ctx.engine.ensureCollection(tdb, tparts.join('.'), coll.options);
  for (const [k, r] of coll.records) target.records.set(k, r);
  for (const r of coll.withHistory) target.withHistory.add(r);
  target.liveCount = coll.liveCount;
  for (const [k, ix] of coll.indexes) target.indexes.set(k, ix);
  ctx.engine.dropCollection(fdb, fparts.join('.'));
  catalogChanged(ctx);
  return {};
}

function collStats(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const coll = visibleCollection(ctx, name);
  let count = 0;
  let size = 0;
  for (const r of coll?.records.values() ?? []) {
    const d = r.doc;
    if (d) {
      count++;
      size += BSON.calculateObjectSize(d);
    }
  }
  const capped = coll?.options.capped ? { capped: true, maxSize: effectiveCappedSize(toNumber(coll.options.size)), ...(coll.options.max !== undefined ? { max: coll.options.max } : {}) } : { capped: false };
  return { ns: `${ctx.db}.${name}`, count, size, avgObjSize: count ? Math.floor(size / count) : 0, storageSize: size, nindexes: coll?.indexes.size ?? 0, ...capped };
}

function dbStats(ctx: CommandContext): Doc {
  const colls = ctx.engine.dbs.get(ctx.db);
  let objects = 0;
  for (const c of colls?.values() ?? []) for (const r of c.records.values()) if (r.doc) objects++;
  return { db: ctx.db, collections: new Int32(colls?.size ?? 0), views: 0, objects, dataSize: colls ? databaseSize(colls) : 0 };
}

export const ddlCommands: Record<string, CommandSpec> = {
  create: { run: create, inTxn: true, write: true },
  drop: { run: drop, write: true },
  dropDatabase: { run: dropDatabase, write: true },
  listCollections: { run: listCollections },
  listDatabases: { run: listDatabases, adminOnly: true },
  createIndexes: { run: createIndexes, inTxn: true, write: true },
  listIndexes: { run: listIndexes },
  dropIndexes: { run: dropIndexes, write: true },
  deleteIndexes: { run: dropIndexes, write: true },
  collMod: { run: collMod, write: true },
  renameCollection: { run: renameCollection, adminOnly: true, write: true },
  collStats: { run: collStats },
  dbStats: { run: dbStats },
};
