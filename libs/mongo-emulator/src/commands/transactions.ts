/**
 * commitTransaction and abortTransaction. The transaction itself was resolved by the
 * runtime (which already rejected unknown, aborted or stale transaction numbers).
 */
import { Doc } from '../bson/values';
import { CommandError } from '../errors';
import { CommandContext, CommandSpec } from './context';

function commitTransaction(ctx: CommandContext): Doc {
  const txn = ctx.txn;
  if (!txn) throw new CommandError(251, 'no transaction to commit');
  if (txn.state === 'committed') return {}; // a retried commit succeeds again
  ctx.engine.commit(txn);
  ctx.server.cursors.killForTxn(txn.id);
  return {};
}

function abortTransaction(ctx: CommandContext): Doc {
  const txn = ctx.txn;
  if (!txn) throw new CommandError(251, 'no transaction to abort');
  ctx.engine.abort(txn, 'aborted by abortTransaction');
  return {};
}

export const transactionCommands: Record<string, CommandSpec> = {
  commitTransaction: { run: commitTransaction, inTxn: true, adminOnly: true },
  abortTransaction: { run: abortTransaction, inTxn: true, adminOnly: true },
};
