/**
 * mongod rejects unknown top-level fields of the CRUD commands (IDL parsing, code 40415
 * "BSON field 'find.fitler' is an unknown field."). The emulator does the same so that a
 * misspelt option fails in tests instead of being silently ignored.
 */
import { Doc } from '../bson/values';
import { CommandError } from '../errors';

/** Fields every command may carry (session, transaction, API version, gossip, routing). */
const GENERIC = [
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', '$readPreference', 'readConcern',
  'writeConcern', 'maxTimeMS', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', '$audit', 'mayBypassWriteBlocking',
  '$client', '$configTime', '$topologyTime', 'databaseVersion', 'shardVersion', 'clientOperationKey', '$traceCtx',
  '$queryOptions', 'encryptionInformation', 'includeQueryStatsMetrics', 'rawData', '$_isSelectedForQueryStats',
];

const COMMAND_FIELDS: Record<string, string[]> = {
  find: ['find', 'filter', 'projection', 'sort', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'max', 'min', 'returnKey', 'showRecordId', 'tailable', 'oplogReplay', 'noCursorTimeout', 'awaitData', 'allowPartialResults', 'collation', 'allowDiskUse', 'let', 'readOnce', 'allowSpeculativeMajorityRead', 'requestResumeToken', 'resumeAfter', 'startAt', 'term', 'ntoreturn'],
  aggregate: ['aggregate', 'pipeline', 'explain', 'allowDiskUse', 'cursor', 'bypassDocumentValidation', 'collation', 'hint', 'let', 'needsMerge', 'fromMongos', 'isMapReduceCommand', 'exchange'],
  insert: ['insert', 'documents', 'ordered', 'bypassDocumentValidation', 'stmtIds', 'stmtId', 'let'],
  update: ['update', 'updates', 'ordered', 'bypassDocumentValidation', 'stmtIds', 'stmtId', 'let'],
  delete: ['delete', 'deletes', 'ordered', 'stmtIds', 'stmtId', 'let'],
  findAndModify: ['findAndModify', 'findandmodify', 'query', 'fields', 'sort', 'hint', 'collation', 'arrayFilters', 'remove', 'update', 'new', 'upsert', 'bypassDocumentValidation', 'let', 'stmtId'],
  count: ['count', 'query', 'limit', 'skip', 'hint', 'collation', 'fields'],
  distinct: ['distinct', 'key', 'query', 'collation', 'hint'],
  getMore: ['getMore', 'collection', 'batchSize', 'term', 'lastKnownCommittedOpTime'],
};

const STATEMENT_FIELDS: Record<string, string[]> = {
  updates: ['q', 'u', 'c', 'upsert', 'multi', 'arrayFilters', 'hint', 'collation', 'upsertSupplied'],
  deletes: ['q', 'limit', 'hint', 'collation'],
};

const KNOWN: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(COMMAND_FIELDS).map(([name, fields]) => [name, new Set([...GENERIC, ...fields])]),
);
KNOWN.findandmodify = KNOWN.findAndModify;

/** Throws 40415 for an unknown top-level field of a CRUD command. */
export function checkKnownFields(name: string, body: Doc): void {
  const known = KNOWN[name];
  if (!known) return;
  for (const k of Object.keys(body)) {
    if (!known.has(k)) throw new CommandError(40415, `BSON field '${name}.${k}' is an unknown field.`);
  }
}

/** Throws 40415 for an unknown field of an update/delete statement. */
export function checkStatementFields(name: 'update' | 'delete', list: 'updates' | 'deletes', stmt: Doc): void {
  const known = STATEMENT_FIELDS[list];
  for (const k of Object.keys(stmt)) {
    if (!known.includes(k)) throw new CommandError(40415, `BSON field '${name}.${list}.${k}' is an unknown field.`);
  }
}
