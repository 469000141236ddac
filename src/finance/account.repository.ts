import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { insertWithUniqueRetry, withVersionBump } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { Account, AccountRecord, AccountType, SYSTEM_ACCOUNTS, SystemAccountKey } from './account.schema';
import { MAX_MONEY } from './money';

/** Balances per account as the reconciliation compares them. */
export interface AccountBalanceRow {
  _id: Types.ObjectId;
  type: AccountType;
  balance: number;
}

/** Every mongoose call on finance_accounts. */
@Injectable()
export class AccountRepository extends TenantScopedRepository<Account, AccountRecord> {
  constructor(@InjectModel(Account.name) private readonly accounts: Model<Account>) {
    super(accounts);
  }

  async create(account: { _id: Types.ObjectId; tenantId: string; name: string; currency: string; type: AccountType }): Promise<AccountRecord> {
    return this.insertOne({ ...account, balance: 0 });
  }

  /**
   * The tenant's system account `key` in `currency`, created on first use. One atomic upsert
   * (never find-then-insert); the partial unique index (tenantId, currency, systemKey) makes
   * concurrent first uses converge on one document: a racing loser's E11000 is retried by the
   * toolkit, and the retry finds the winner's account.
   */
  async ensureSystem(tenantId: string, currency: string, key: SystemAccountKey): Promise<AccountRecord> {
    const { type, name } = SYSTEM_ACCOUNTS[key];
    return insertWithUniqueRetry(
      async () =>
        (await this.accounts
          .findOneAndUpdate(
            { tenantId, currency, systemKey: key },
            { $setOnInsert: { tenantId, currency, systemKey: key, type, name: `${name} (${currency})`, balance: 0, version: 1 } },
            { upsert: true, returnDocument: 'after', setDefaultsOnInsert: false },
          )
          .lean<AccountRecord>()
          .exec()) as AccountRecord,
      { name: 'finance.system-account' },
    );
  }

  /**
   * Moves the balance by `delta` in one atomic update whose filter states what must stay
   * true: a decrement needs `balance ≥ −delta` (never negative), an increment needs the
   * result to stay ≤ MAX_MONEY (never inexact). Returns null when the guard (or the
   * account) is missing; the caller decides 404 / 409 with one read.
   */
  applyDelta(filter: TenantFilter<Account> & { _id: Types.ObjectId }, delta: number): Promise<AccountRecord | null> {
    const guard = delta < 0 ? { balance: { $gte: -delta } } : { balance: { $lte: MAX_MONEY - delta } };
    return this.accounts
      .findOneAndUpdate({ ...filter, ...guard }, withVersionBump<Account>({ $inc: { balance: delta } }), { returnDocument: 'after' })
      .lean<AccountRecord>()
      .exec();
  }

  /**
   * {@link applyDelta} for several accounts in one command (a group-commit batch), each with
   * the same guard. Returns how many were moved; the caller treats fewer as a broken invariant.
   */
  async applyDeltas(tenantId: string, moves: ReadonlyArray<{ _id: Types.ObjectId; delta: number }>): Promise<number> {
    if (moves.length === 0) return 0;
    const result = await this.accounts.bulkWrite(
      moves.map(({ _id, delta }) => ({
        updateOne: {
          filter: { tenantId, _id, ...(delta < 0 ? { balance: { $gte: -delta } } : { balance: { $lte: MAX_MONEY - delta } }) },
          update: withVersionBump<Account>({ $inc: { balance: delta } }),
        },
      })),
      { ordered: true },
    );
    return result.modifiedCount;
  }

  /** The accounts with the given ids (one query), e.g. the accounts of an entry's lines. */
  findMany(filter: TenantFilter<Account> & { _id: { $in: Types.ObjectId[] } }): Promise<AccountRecord[]> {
    return this.accounts.find(filter).lean<AccountRecord[]>().exec();
  }

  /** Every account's type and balance (one query; bounded by the tenant's chart of accounts). */
  balances(filter: TenantFilter<Account>): Promise<AccountBalanceRow[]> {
    return this.accounts.find(filter).select({ _id: 1, type: 1, balance: 1 }).lean<AccountBalanceRow[]>().exec();
  }
}
