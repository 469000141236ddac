/**
 * Shared set-up for the emulator's own specs: one emulator plus a driver client per suite.
 * (Not exported from the package index.)
 */
import { afterAll, beforeAll } from '@jest/globals';
import { Db, MongoClient, MongoClientOptions } from 'mongodb';
import { MongoEmulator, MongoEmulatorOptions } from './mongo-emulator';

export interface Harness {
  emu: MongoEmulator;
  client: MongoClient;
  /** A fresh database name per call, so tests in one suite never share collections. */
  dbName(): string;
  close(): Promise<void>;
}

let counter = 0;

export async function startHarness(options: MongoEmulatorOptions = {}, clientOptions: MongoClientOptions = {}): Promise<Harness> {
  const emu = await MongoEmulator.start(options);
  const client = await MongoClient.connect(emu.uri, { serverSelectionTimeoutMS: 5000, ...clientOptions });
  return {
    emu,
    client,
    dbName: () => `spec_${process.pid}_${++counter}`,
    close: async () => {
      await client.close().catch(() => undefined);
      await emu.stop();
    },
  };
}

/**
 * One harness and one fresh database for the enclosing `describe`: starts them before its
 * tests, hands them over, and closes them after.
 */
export function useHarness(ready: (h: Harness, db: Db) => void, options: MongoEmulatorOptions = {}): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(options);
    ready(h, h.client.db(h.dbName()));
  });
  afterAll(async () => {
    await h?.close();
  });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a promise is still pending after `ms`. */
export async function stillPending(p: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol('pending');
  const r = await Promise.race([p.then(() => undefined, () => undefined), sleep(ms).then(() => marker)]);
  return r === marker;
}

/**
 * Runs a command directly through the emulator's runtime, bypassing the driver (which would
 * rewrite lsid/txnNumber): for protocol-level assertions.
 */
export async function rawCommand(emu: MongoEmulator, body: Record<string, unknown>, db = 'admin'): Promise<Record<string, unknown>> {
  const { Socket } = await import('node:net');
  const reply = await emu.server.execute(body, db, { id: 0, socket: new Socket(), closed: false });
  if (typeof reply === 'symbol') throw new Error('connection closed by the server');
  return reply;
}
