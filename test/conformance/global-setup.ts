// Jest globalSetup of the conformance tier: starts the deployment once (the in-process
// emulator unless MONGODB_URI is set) and describes it, so that the test file can decide
// every case's runOnRequirements while Jest collects the tests (collection is synchronous).
import { EJSON } from 'bson';
import { MongoClient } from 'mongodb';

import { describeServer } from './requirements';
import { findSpecDir } from './spec-dir';

declare global {
  var __conformanceStop: (() => Promise<void>) | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (!findSpecDir()) return; // the test file reports the missing folder
  let uri = process.env.MONGODB_URI;
  let stop = async (): Promise<void> => undefined;
  if (!uri) {
    // Loaded lazily so a run against a real deployment does not need the emulator.
    const { MongoEmulator } = await import('../../libs/mongo-emulator/src') // globalSetup runs outside Jest's module mapper;
    const emu = await MongoEmulator.start({ secondaries: 1 });
    uri = emu.uri;
    stop = () => emu.stop();
  }
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const server = await describeServer(client, uri);
    process.env.CONFORMANCE_URI = uri;
    process.env.CONFORMANCE_SERVER = EJSON.stringify(server, { relaxed: false });
  } finally {
    await client.close();
  }
  globalThis.__conformanceStop = stop;
}
