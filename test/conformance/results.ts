// Turn the driver's result classes into the plain documents the CRUD spec describes, so the
// matcher sees fields (BulkWriteResult exposes them as getters, clientBulkWrite uses Maps).
import type { Doc } from './types';

function mapToDoc(m: unknown, each: (v: unknown) => unknown = (v) => v): Doc | undefined {
  if (!(m instanceof Map)) return undefined;
  const out: Doc = {};
  for (const [k, v] of m) out[String(k)] = each(v);
  return out;
}

/** BulkWriteResult (collection.bulkWrite, also the partial result of MongoBulkWriteError). */
export function bulkWriteResultToDoc(r: {
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  upsertedIds: Record<number, unknown>;
  insertedIds: Record<number, unknown>;
}): Doc {
  return {
    insertedCount: r.insertedCount,
    matchedCount: r.matchedCount,
    modifiedCount: r.modifiedCount,
    deletedCount: r.deletedCount,
    upsertedCount: r.upsertedCount,
    upsertedIds: { ...r.upsertedIds },
    insertedIds: { ...r.insertedIds },
  };
}

export function clientBulkWriteResultToDoc(r: Doc): Doc {
  const out: Doc = {
    insertedCount: r.insertedCount,
    upsertedCount: r.upsertedCount,
    matchedCount: r.matchedCount,
    modifiedCount: r.modifiedCount,
    deletedCount: r.deletedCount,
  };
  const ins = mapToDoc(r.insertResults);
  const upd = mapToDoc(r.updateResults, (v) => {
    const d = { ...(v as Doc) };
    if (d.upsertedId === undefined || d.upsertedId === null) delete d.upsertedId;
    return d;
  });
  const del = mapToDoc(r.deleteResults);
  if (ins) out.insertResults = ins;
  if (upd) out.updateResults = upd;
  if (del) out.deleteResults = del;
  return out;
}

/** Normalise any operation result before matching or saving it. */
export function normalizeResult(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const name = (value as object).constructor?.name;
  if (name === 'BulkWriteResult') return bulkWriteResultToDoc(value as Parameters<typeof bulkWriteResultToDoc>[0]);
  if (name === 'ClientBulkWriteResult') return clientBulkWriteResultToDoc(value as Doc);
  return value;
}

/** UpdateResult carries `upsertedId: null` when nothing was upserted; the spec has no such field. */
export function updateResultToDoc(r: Doc): Doc {
  const out = { ...r };
  if (out.upsertedId === null || out.upsertedId === undefined) delete out.upsertedId;
  return out;
}
