/**
 * The command table: every command the emulator understands, by name. Anything else is
 * answered with CommandNotFound (59), like mongod.
 */
import { Doc } from '../bson/values';
import { CommandContext, CommandSpec } from './context';
import { readCommands } from './crud-read';
import { writeCommands } from './crud-write';
import { ddlCommands } from './ddl';
import { handshakeCommands } from './handshake';
import { transactionCommands } from './transactions';

export const COMMANDS: Record<string, CommandSpec> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...ddlCommands,
  ...transactionCommands,
};

// Everything except the identity, session and diagnostic commands is a data or catalog command.
for (const [name, spec] of Object.entries(COMMANDS)) {
  if (!(name in handshakeCommands)) spec.needsPrimaryCheck = true;
}

// Case aliases mongod accepts.
COMMANDS.buildinfo = COMMANDS.buildInfo;
COMMANDS.ismaster = COMMANDS.isMaster;
COMMANDS.findandmodify = COMMANDS.findAndModify;

/** Catalog commands whose success is a commit-log entry (journal replay, change-stream drop/rename events). */
export const CATALOG_COMMANDS = ['create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes', 'deleteIndexes', 'collMod', 'renameCollection'];

/** Fields of a command that belong to its execution, not to what it changes. */
const EXECUTION_FIELDS = new Set(['lsid', 'txnNumber', 'autocommit', 'startTransaction', '$db', '$clusterTime', 'writeConcern', 'readConcern', '$readPreference', 'maxTimeMS', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

/** Namespaces the command is about to remove (for drop events), computed before it runs. */
function droppedBy(ctx: CommandContext): string[] {
  const { engine, body, db, name } = ctx;
  if (name === 'drop' && typeof body.drop === 'string') return engine.collection(db, body.drop) ? [`${db}.${body.drop}`] : [];
  if (name === 'dropDatabase') return [...(engine.dbs.get(db)?.keys() ?? [])].map((c) => `${db}.${c}`);
  if (name === 'renameCollection' && typeof body.renameCollection === 'string') return [body.renameCollection];
  return [];
}

// A handler makes its change in a synchronous step (after waiting, if it had to, for a transaction
// creating the namespace) and logs it in that step (catalogChanged); a handler that did not is
// logged when it returns.
for (const name of CATALOG_COMMANDS) {
  const spec = COMMANDS[name];
  const run = spec.run;
  COMMANDS[name] = {
    ...spec,
    run: (ctx) => {
      const dropped = droppedBy(ctx);
      const existed = name !== 'drop' || dropped.length > 0;
      let logged = false;
      const log = () => {
        if (!existed || logged) return;
        logged = true;
        const command: Doc = {};
        for (const [k, v] of Object.entries(ctx.body)) if (!EXECUTION_FIELDS.has(k)) command[k] = v;
        // DDL inside a transaction takes effect at its commit: journaled with it, never if it aborts
        if (ctx.txn) ctx.txn.ops.push({ kind: 'catalog', db: ctx.db, command, dropped });
        else ctx.engine.logCatalog(ctx.db, command, dropped);
      };
      ctx.logCatalogChange = log;
      const reply = run(ctx);
      if (reply instanceof Promise) return reply.then((r) => (log(), r));
      log();
      return reply;
    },
  };
}
