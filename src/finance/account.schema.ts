import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { HydratedDocument, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { CURRENCIES, MAX_MONEY } from './money';

/**
 * Account types and the side on which each grows. Assets grow with debits; equity, liabilities
 * and revenue with credits. `balance` is always stored on the account's normal side, so
 * every balance is ≥ 0 and "balance = Σ lines" is one formula per type.
 */
export const ACCOUNT_TYPES = ['asset', 'equity', 'liability', 'revenue'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type Side = 'debit' | 'credit';
export const NORMAL_SIDE: Record<AccountType, Side> = { asset: 'debit', equity: 'credit', liability: 'credit', revenue: 'credit' };

/**
 * The accounts the module keeps for itself, one per tenant and currency, created on first use
 * by an upsert: `equity` (opening balances), `cash` (money received), `retainer-liability`
 * (client prepayments held; each retainer is a sub-ledger of it) and `revenue` (payments
 * received and retainer money consumed).
 */
export const SYSTEM_ACCOUNTS = {
  equity: { type: 'equity', name: 'Opening balance equity' },
  cash: { type: 'asset', name: 'Cash' },
  'retainer-liability': { type: 'liability', name: 'Client retainers held' },
  revenue: { type: 'revenue', name: 'Revenue' },
} as const satisfies Record<string, { type: AccountType; name: string }>;
export type SystemAccountKey = keyof typeof SYSTEM_ACCOUNTS;

@Schema({ collection: 'finance_accounts', timestamps: true })
export class Account extends TenantOwned {
  @Prop({ required: true, trim: true, maxlength: 200 })
  name: string;

  @Prop({ type: String, required: true, enum: CURRENCIES })
  currency: string;

  @Prop({ type: String, required: true, enum: ACCOUNT_TYPES })
  type: AccountType;

  /** Set on the module's own accounts only; unique per tenant and currency. */
  @Prop({ type: String, enum: Object.keys(SYSTEM_ACCOUNTS) })
  systemKey?: SystemAccountKey;

  /** On the normal side, in minor units; changed only by ledger postings (guarded $inc). */
  @Prop({ required: true, default: 0, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  balance: number;

  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type AccountDocument = HydratedDocument<Account>;
export type AccountRecord = Account & { _id: Types.ObjectId };
export const AccountSchema = SchemaFactory.createForClass(Account);
AccountSchema.plugin(versionedPlugin);
// One system account per key, tenant and currency: the upsert that creates it on first use
// may race with itself; this index makes the loser find the winner's account.
AccountSchema.index(
  { tenantId: 1, currency: 1, systemKey: 1 },
  { unique: true, partialFilterExpression: { systemKey: { $exists: true } } },
);
AccountSchema.index({ tenantId: 1, createdAt: 1, _id: 1 });
