import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
// A static import: the Nest build rewrites path aliases only in static imports.
import { MongoEmulator } from '@app/mongo-emulator';

/** Where the embedded emulator keeps its data in development when nothing else is said. */
export const DEFAULT_DEV_DBPATH = '.data/mongo-emulator';

/**
 * The embedded emulator's data directory, or undefined for memory only.
 * MONGODB_EMULATOR_DBPATH: a directory, or `memory`. Unset: development keeps data in
 * `.data/mongo-emulator` (so a watch-mode reload does not lose the developer's sign-up);
 * test and production stay in memory (tests start clean; production uses MONGODB_URI).
 */
export function embeddedDbPath(env: { NODE_ENV: string; MONGODB_EMULATOR_DBPATH?: string }): string | undefined {
  const set = env.MONGODB_EMULATOR_DBPATH;
  if (set === 'memory') return undefined;
  if (set) return resolve(set);
  return env.NODE_ENV === 'development' ? resolve(DEFAULT_DEV_DBPATH) : undefined;
}

/**
 * The in-process MongoDB emulator used when MONGODB_URI is not set. One per process: the
 * first caller starts it, later callers share it, and `stopEmbeddedMongo()` ends it on
 * shutdown (after the mongoose connection has closed).
 */
let running: Promise<MongoEmulator> | undefined;

/** Starts (once) the embedded emulator on a free loopback port and returns its URI. */
export async function startEmbeddedMongo(dbPath?: string): Promise<string> {
  if (!running) {
    const logger = new Logger('Database');
    running = MongoEmulator.start({ port: 0, dbPath, log: (line) => logger.warn(line) });
    const emu = await running;
    const where = dbPath
      ? `Data is kept in ${dbPath} (MONGODB_EMULATOR_DBPATH=memory to keep it in memory only).`
      : 'Data lives in memory and is lost on exit.';
    logger.warn(`MONGODB_URI is not set: using the embedded MongoDB emulator at ${emu.uri}. ${where}`);
  }
  return (await running).uri;
}

/** Stops the embedded emulator if this process started one. */
export async function stopEmbeddedMongo(): Promise<void> {
  const current = running;
  running = undefined;
  if (current) {
    await (await current).stop();
    new Logger('Database').log('Embedded MongoDB emulator stopped.');
  }
}
