import { Logger } from '@nestjs/common';
// A static import: the Nest build rewrites path aliases only in static imports.
import { MongoEmulator } from '@app/mongo-emulator';

/**
 * The in-process MongoDB emulator used when MONGODB_URI is not set. One per process: the
 * first caller starts it, later callers share it, and `stopEmbeddedMongo()` ends it on
 * shutdown (after the mongoose connection has closed).
 */
let running: Promise<MongoEmulator> | undefined;

/** Starts (once) the embedded emulator on a free loopback port and returns its URI. */
export async function startEmbeddedMongo(): Promise<string> {
  if (!running) {
    running = MongoEmulator.start({ port: 0 });
    const emu = await running;
    new Logger('Database').warn(
      `MONGODB_URI is not set: using the embedded MongoDB emulator at ${emu.uri}. ` +
        'Data lives in memory and is lost on exit.',
    );
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
