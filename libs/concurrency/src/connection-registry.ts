import type { Connection } from 'mongoose';

/**
 * Where `@Transactional()` finds the mongoose connection without the decorated class
 * injecting it (the way @nestjs-cls/transactional keeps its adapter). ConcurrencyModule
 * registers the connection at init and removes it on shutdown. A stack, so a test module
 * created after another (or a second app in the same process) wins while it lives.
 */
const connections: Connection[] = [];

/** Registers a connection as the one transactions run on; enables mongoose's transaction ALS. */
export function registerConnection(connection: Connection): void {
  // mongoose attaches the session in its AsyncLocalStorage store to every operation
  // (queries, create/save, insertMany, bulkWrite, aggregate) when this is on.
  connection.base.set('transactionAsyncLocalStorage', true);
  connections.push(connection);
}

/** Removes a connection registered by {@link registerConnection}. */
export function unregisterConnection(connection: Connection): void {
  const i = connections.lastIndexOf(connection);
  if (i !== -1) connections.splice(i, 1);
}

/** The connection transactions run on; throws when ConcurrencyModule is not initialised. */
export function currentConnection(): Connection {
  const c = connections[connections.length - 1];
  if (!c) throw new Error('No mongoose connection registered: import ConcurrencyModule.forRoot() (after MongooseModule.forRoot()) and init the app first.');
  return c;
}
