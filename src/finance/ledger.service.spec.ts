import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals';
import { MongooseModule } from '@nestjs/mongoose';
import { getTransactionRunnerToken, isDuplicateKeyError, TransactionPropagationError, TransactionRunner } from '@app/concurrency';
import { NotFoundError } from '@app/problem-details';
import { startTestApp, TestApp } from '@app/concurrency/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { Connection, Types } from 'mongoose';
import { AccountRepository } from './account.repository';
import { Account, AccountSchema, AccountType } from './account.schema';
import { BalanceLimitError, InsufficientFundsError } from './finance.errors';
import { JournalEntryRepository } from './journal-entry.repository';
import { JournalEntry, JournalEntrySchema } from './journal-entry.schema';
import { MAX_MONEY } from './money';
import { RetainerRepository } from './retainer.repository';
import { withTenancy } from '../common/tenancy/tenant-owned.plugin';
import { Retainer, RetainerSchema } from './retainer.schema';
import { assertBalanced, balanceDelta, LedgerService, Posting, PostingLine, UnbalancedPostingError } from './ledger.service';

const asset = { _id: new Types.ObjectId(), type: 'asset' as const };
const equity = { _id: new Types.ObjectId(), type: 'equity' as const };

describe(LedgerService.name, () => {
  describe('assertBalanced / balanceDelta', () => {
    it('accepts a balanced entry of two or more lines', () => {
      assert.doesNotThrow(() => assertBalanced([{ account: asset, debit: 100 }, { account: equity, credit: 100 }]));
      assert.doesNotThrow(() =>
        assertBalanced([{ account: asset, debit: 100 }, { account: equity, credit: 60 }, { account: equity, credit: 40 }]),
      );
    });

    it('refuses single-line, unbalanced, zero, fractional, two-sided and out-of-range lines', () => {
      const bad: PostingLine[][] = [
        [{ account: asset, debit: 100 }],
        [{ account: asset, debit: 100 }, { account: equity, credit: 99 }],
        [{ account: asset, debit: 0 }, { account: equity, credit: 0 }],
        [{ account: asset, debit: 1.5 }, { account: equity, credit: 1.5 }],
        [{ account: asset, debit: 5, credit: 5 }, { account: equity, credit: 0 }],
        [{ account: asset, debit: -5 }, { account: equity, credit: -5 }],
        [
          { account: asset, debit: Number.MAX_SAFE_INTEGER },
          { account: asset, debit: 1 },
          { account: equity, credit: Number.MAX_SAFE_INTEGER },
          { account: equity, credit: 1 },
        ],
      ];
      for (const lines of bad) assert.throws(() => assertBalanced(lines), UnbalancedPostingError, JSON.stringify(lines));
    });

    it('moves balances on each account type’s normal side', () => {
      assert.equal(balanceDelta('asset', { debit: 100 }), 100);
      assert.equal(balanceDelta('asset', { credit: 100 }), -100);
      for (const type of ['equity', 'liability', 'revenue'] as const) {
        assert.equal(balanceDelta(type, { credit: 100 }), 100);
        assert.equal(balanceDelta(type, { debit: 100 }), -100);
      }
    });
  });

  describe('post() and postBatch()', postSpecs);
});

/** Integration: post() against the emulator, inside the runner's transactions, with its writes recorded in order. */
function postSpecs(): void {
  const TENANT = 'tenant-ledger';
  let emulator: MongoEmulator;
  let t: TestApp;
  let ledger: LedgerService;
  let runner: TransactionRunner;
  let connection: Connection;
  /** Every write post() makes, in order: `account:<name>:<delta>`, `retainer:<name>:<delta>`, `entry`. */
  let writes: string[];
  const names = new Map<string, string>();

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    t = await startTestApp({
      uri: emulator.uri,
      mongoose: { connectionFactory: withTenancy },
      listen: false,
      imports: [
        MongooseModule.forFeature([
          { name: Account.name, schema: AccountSchema },
          { name: Retainer.name, schema: RetainerSchema },
          { name: JournalEntry.name, schema: JournalEntrySchema },
        ]),
      ],
      providers: [AccountRepository, RetainerRepository, JournalEntryRepository, LedgerService],
    });
    ledger = t.app.get(LedgerService);
    runner = t.app.get<TransactionRunner>(getTransactionRunnerToken());
    connection = t.connection;
    await connection.model(JournalEntry.name).init();
    const record = <T extends object>(repo: T, method: keyof T & string, label: (...args: any[]) => string) => {
      const original = (repo[method] as (...args: unknown[]) => unknown).bind(repo);
      Object.assign(repo, { [method]: (...args: unknown[]) => (writes.push(label(...args)), original(...args)) });
    };
    record(t.app.get(AccountRepository), 'applyDelta', (f: { _id: Types.ObjectId }, delta: number) => `account:${names.get(f._id.toHexString())}:${delta}`);
    record(t.app.get(RetainerRepository), 'applyDelta', (f: { _id: Types.ObjectId }, delta: number) => `retainer:${names.get(f._id.toHexString())}:${delta}`);
    record(t.app.get(JournalEntryRepository), 'insert', () => 'entry');
    record(t.app.get(AccountRepository), 'applyDeltas', (_tenant: string, moves: Array<{ _id: Types.ObjectId; delta: number }>) =>
      `accounts:${moves.map((m) => `${names.get(m._id.toHexString())}:${m.delta}`).join(',')}`,
    );
    record(t.app.get(JournalEntryRepository), 'insertMany', (entries: unknown[]) => `entries:${entries.length}`);
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.stop();
  });
  beforeEach(() => {
    writes = [];
  });

  async function account(name: string, type: AccountType, balance = 0): Promise<{ _id: Types.ObjectId; type: AccountType }> {
    const _id = new Types.ObjectId();
    names.set(_id.toHexString(), name);
    await connection.model(Account.name).create({ _id, tenantId: TENANT, name, currency: 'EUR', type, balance });
    return { _id, type };
  }
  async function retainer(name: string, liability: Types.ObjectId, balance: number): Promise<Types.ObjectId> {
    const _id = new Types.ObjectId();
    names.set(_id.toHexString(), name);
    await connection.model(Retainer.name).create({ _id, tenantId: TENANT, clientName: name, currency: 'EUR', liabilityAccountId: liability, balance });
    return _id;
  }
  const balanceOf = async (model: string, _id: Types.ObjectId): Promise<number> => (await connection.model(model).findOne({ _id, tenantId: TENANT }).lean<{ balance: number }>())!.balance;
  const entryCount = (): Promise<number> => connection.model(JournalEntry.name).countDocuments({ tenantId: TENANT });
  const posting = (lines: PostingLine[], extra: Partial<Posting> = {}): Posting => ({
    tenantId: TENANT,
    kind: 'transfer',
    currency: 'EUR',
    description: 'spec',
    lines,
    reference: { type: 'transfer', id: new Types.ObjectId() },
    createdBy: 'user-1',
    ...extra,
  });
  const post = (p: Posting) => runner.run(() => ledger.post(p));

  it('writes the guarded decrements first, then the credits, then the entry (whatever the line order)', async () => {
    const from = await account('from', 'asset', 100);
    const to = await account('to', 'asset');
    await post(posting([{ account: to, debit: 30 }, { account: from, credit: 30 }]));
    assert.deepEqual(writes, ['account:from:-30', 'account:to:30', 'entry']);
    assert.equal(await balanceOf(Account.name, from._id), 70);
    assert.equal(await balanceOf(Account.name, to._id), 30);
  });

  it("moves a retainer line's retainer before its liability account: the retainer's guard decides", async () => {
    const liability = await account('liability', 'liability', 50);
    const revenue = await account('revenue', 'revenue');
    const held = await retainer('client', liability._id, 50);
    await post(posting([{ account: revenue, credit: 20 }, { account: liability, retainerId: held, debit: 20 }], { kind: 'retainer-consumption' }));
    assert.deepEqual(writes, ['retainer:client:-20', 'account:liability:-20', 'account:revenue:20', 'entry']);
    assert.equal(await balanceOf(Retainer.name, held), 30);
  });

  it('exactly once: a payment’s entry is written first, and a second one for the same payment fails on the unique index before any balance moves', async () => {
    const cash = await account('cash', 'asset');
    const revenue = await account('revenue', 'revenue');
    const paymentId = new Types.ObjectId();
    const lines = [{ account: cash, debit: 40 }, { account: revenue, credit: 40 }];
    await post(posting(lines, { kind: 'payment', paymentId }));
    assert.deepEqual(writes, ['entry', 'account:cash:40', 'account:revenue:40']);

    writes = [];
    await assert.rejects(post(posting(lines, { kind: 'payment', paymentId })), (e: unknown) => isDuplicateKeyError(e));
    assert.deepEqual(writes, ['entry'], 'no balance was touched after the unique index refused');
    assert.equal(await balanceOf(Account.name, cash._id), 40);
    assert.equal(await balanceOf(Account.name, revenue._id), 40);
  });

  it('a reversal is exactly-once the same way (reversesEntryId)', async () => {
    const a = await account('a', 'asset', 10);
    const b = await account('b', 'asset');
    const reversesEntryId = new Types.ObjectId();
    const lines = [{ account: b, debit: 5 }, { account: a, credit: 5 }];
    await post(posting(lines, { kind: 'reversal', reversesEntryId }));
    assert.equal(writes[0], 'entry');
    await assert.rejects(post(posting(lines, { kind: 'reversal', reversesEntryId })), (e: unknown) => isDuplicateKeyError(e));
    assert.equal(await balanceOf(Account.name, a._id), 5);
  });

  it('404 for an account or retainer missing from the tenant, 409 insufficient-funds when a decrement’s guard misses, 422 balance-limit past 2^53 − 1 — and nothing is written', async () => {
    const rich = await account('rich', 'asset', MAX_MONEY);
    const poor = await account('poor', 'asset', 10);
    const equity = await account('equity', 'equity', 100);
    const liability = await account('liability-2', 'liability', 5);
    const elsewhere = { _id: new Types.ObjectId(), type: 'asset' as const };
    await connection.model(Account.name).create({ _id: elsewhere._id, tenantId: 'another-tenant', name: 'x', currency: 'EUR', type: 'asset', balance: 1000 });
    const entriesBefore = await entryCount();

    await assert.rejects(post(posting([{ account: poor, debit: 1 }, { account: elsewhere, credit: 1 }])), NotFoundError);
    await assert.rejects(post(posting([{ account: poor, debit: 1 }, { account: { _id: new Types.ObjectId(), type: 'equity' }, credit: 1 }])), NotFoundError);
    await assert.rejects(
      post(posting([{ account: poor, debit: 1 }, { account: liability, retainerId: new Types.ObjectId(), debit: 1 }, { account: equity, credit: 2 }])),
      (e: unknown) => e instanceof NotFoundError && /Retainer/.test(e.message),
    );
    await assert.rejects(post(posting([{ account: equity, debit: 1 }, { account: poor, credit: 11 }, { account: rich, debit: 10 }])), (e: unknown) => {
      assert.ok(e instanceof InsufficientFundsError);
      assert.equal(e.status, 409);
      assert.deepEqual(e.extensions, { accountId: poor._id.toHexString(), requested: 11, available: 10 });
      return true;
    });
    await assert.rejects(post(posting([{ account: rich, debit: 1 }, { account: equity, credit: 1 }])), (e: unknown) => e instanceof BalanceLimitError && e.status === 422);

    assert.equal(await balanceOf(Account.name, rich._id), MAX_MONEY);
    assert.equal(await balanceOf(Account.name, poor._id), 10);
    assert.equal(await balanceOf(Account.name, equity._id), 100);
    assert.equal(await entryCount(), entriesBefore);
  });

  it('postBatch decides each posting against the balances the earlier ones left, refuses the ones that do not fit on their own, then writes one $inc per account and one insert of entries', async () => {
    const a = await account('batch-a', 'asset', 100);
    const b = await account('batch-b', 'asset', 0);
    const c = await account('batch-c', 'asset', 5);
    const elsewhere = { _id: new Types.ObjectId(), type: 'asset' as const };
    const entriesBefore = await entryCount();
    const outcomes = await runner.run(() =>
      ledger.postBatch(TENANT, [
        posting([{ account: b, debit: 70 }, { account: a, credit: 70 }]), // a 100 → 30
        posting([{ account: c, debit: 50 }, { account: a, credit: 50 }]), // a has 30: refused
        posting([{ account: c, debit: 60 }, { account: b, credit: 60 }]), // b 70 → 10: fits only after the first
        posting([{ account: b, debit: 1 }, { account: elsewhere, credit: 1 }]), // unknown account: 404
        posting([{ account: a, debit: 5 }, { account: c, credit: 5 }]), // c 65 → 60
      ]),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.ok ? 'posted' : o.error instanceof InsufficientFundsError ? `409 available ${o.error.extensions.available}` : o.error instanceof NotFoundError ? '404' : String(o.error))),
      ['posted', '409 available 30', 'posted', '404', 'posted'],
    );
    assert.deepEqual(writes, ['accounts:batch-b:10,batch-a:-65,batch-c:55', 'entries:3']);
    assert.deepEqual(
      await Promise.all([a, b, c].map((x) => balanceOf(Account.name, x._id))),
      [35, 10, 60],
    );
    assert.equal(await entryCount(), entriesBefore + 3);
  });

  it('postBatch takes plain account postings of one tenant only, inside a transaction', async () => {
    const a = await account('only-a', 'asset', 10);
    const b = await account('only-b', 'asset');
    const plain = posting([{ account: b, debit: 1 }, { account: a, credit: 1 }]);
    await assert.rejects(ledger.postBatch(TENANT, [plain]), TransactionPropagationError);
    await assert.rejects(runner.run(() => ledger.postBatch(TENANT, [posting(plain.lines, { paymentId: new Types.ObjectId() })])), /plain account postings only/);
    await assert.rejects(runner.run(() => ledger.postBatch('another-tenant', [plain])), /one tenant per batch/);
    assert.deepEqual(writes, []);
  });

  it('refuses to run outside a transaction (propagation MANDATORY) and refuses an unbalanced posting before writing', async () => {
    const a = await account('m-a', 'asset', 10);
    const b = await account('m-b', 'asset');
    await assert.rejects(ledger.post(posting([{ account: b, debit: 1 }, { account: a, credit: 1 }])), TransactionPropagationError);
    await assert.rejects(post(posting([{ account: b, debit: 2 }, { account: a, credit: 1 }])), UnbalancedPostingError);
    assert.deepEqual(writes, []);
  });
}
