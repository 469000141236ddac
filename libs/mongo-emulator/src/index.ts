/**
 * @app/mongo-emulator — an in-memory MongoDB wire-protocol server for tests and local runs.
 */
export { MongoEmulator } from './mongo-emulator';
export type { MongoEmulatorOptions } from './mongo-emulator';
