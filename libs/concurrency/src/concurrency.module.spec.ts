import { Injectable } from '@nestjs/common';
import { getConnectionToken, InjectModel, MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { MongoServerError } from 'mongodb';
import { Connection, Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { ConcurrencyModule } from './concurrency.module';
import { CONCURRENCY_OPTIONS, ResolvedConcurrencyOptions } from './concurrency.options';
import { hasErrorLabel } from './mongo-errors';
import { TransactionRunner } from './transaction-runner';
import { getTransactionRunnerToken, Transactional } from './transactional.decorator';
import { insertWithUniqueRetry } from './unique-retry';

interface Note { text: string }
const NoteSchema = new Schema<Note>({ text: String }, { versionKey: false });

/** Writes on the second ('archive') connection only. */
@Injectable()
class ArchiveService {
  constructor(@InjectModel('Note', 'archive') readonly notes: Model<Note>) {}

  @Transactional({ connectionName: 'archive' })
  async writeThenFail(): Promise<void> {
    await this.notes.create({ text: 'rolled back' });
    throw new Error('fail after the write');
  }

  @Transactional({ connectionName: 'archive' })
  async write(text: string): Promise<void> {
    await this.notes.create({ text });
  }
}

describe(ConcurrencyModule.name, () => {
  let emu: MongoEmulator;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    const archiveUri = emu.uri.replace('/?', '/archive?');
    moduleRef = await Test.createTestingModule({
      imports: [
        MongooseModule.forRoot(emu.uri),
        MongooseModule.forRoot(archiveUri, { connectionName: 'archive' }),
        MongooseModule.forFeature([{ name: 'Note', schema: NoteSchema }], 'archive'),
        ConcurrencyModule.forRoot({ outbox: { enabled: false } }),
        ConcurrencyModule.forRoot({ connectionName: 'archive', outbox: { enabled: false } }),
      ],
      providers: [ArchiveService],
    }).compile();
    await moduleRef.init();
  });
  afterAll(async () => {
    await moduleRef?.close();
    await emu?.stop();
  });

  it("forRootAsync: the factory's options reach the toolkit through DI, defaults filled in", async () => {
    const asyncRef = await Test.createTestingModule({
      imports: [
        MongooseModule.forRoot(emu.uri),
        ConcurrencyModule.forRootAsync({ useFactory: async () => ({ transactions: { maxRetryTimeMs: 1_234 }, outbox: { enabled: false } }) }),
      ],
    }).compile();
    try {
      const options = asyncRef.get<ResolvedConcurrencyOptions>(CONCURRENCY_OPTIONS);
      assert.equal(options.transactions.maxRetryTimeMs, 1_234);
      assert.equal(options.transactions.maxUnavailableMs, 3_000);
      assert.ok(asyncRef.get(TransactionRunner) instanceof TransactionRunner);
    } finally {
      await asyncRef.close();
    }
  });

  it('@Transactional({ connectionName }) runs on that connection: its writes roll back there, and the default runner sees no transaction', async () => {
    const service = moduleRef.get(ArchiveService);
    const archive = moduleRef.get<Connection>(getConnectionToken('archive'));
    assert.notEqual(moduleRef.get(getTransactionRunnerToken('archive')), undefined);
    await assert.rejects(service.writeThenFail(), /fail after the write/);
    assert.equal(await service.notes.countDocuments({ text: 'rolled back' }), 0);
    await service.write('kept');
    assert.equal(await archive.model('Note').countDocuments({ text: 'kept' }), 1);
  });

  it('a class not created by Nest fails with a message naming ConcurrencyModule, not a silent non-transactional run', async () => {
    const stray = new ArchiveService(moduleRef.get(ArchiveService).notes);
    await assert.rejects(stray.write('x'), /ConcurrencyModule\.forRoot\(\{ connectionName: 'archive' \}\)/);
  });

  it('insertWithUniqueRetry re-runs the transaction without relabelling the driver error', async () => {
    const runner = moduleRef.get<TransactionRunner>(getTransactionRunnerToken('archive'));
    const duplicate = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000, keyPattern: { number: 1 } });
    let runs = 0;
    const value = await runner.run(() =>
      insertWithUniqueRetry(async (attempt) => {
        runs += 1;
        if (attempt === 0) throw duplicate;
        return attempt;
      }),
    );
    assert.equal(value, 1);
    assert.equal(runs, 2);
    assert.equal(hasErrorLabel(duplicate, 'TransientTransactionError'), false, 'the driver error was not relabelled');
    assert.deepEqual(duplicate.errorLabels, []);
  });
});
