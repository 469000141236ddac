import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { CURRENCIES, MAX_MONEY } from './money';

/** What a journal entry records. */
export const ENTRY_KINDS = ['opening-balance', 'transfer', 'retainer-deposit', 'retainer-consumption', 'payment', 'reversal'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One side of an entry: exactly one of debit / credit is positive, the other 0. */
@Schema({ _id: false })
export class JournalLine {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  accountId: Types.ObjectId;

  /** Set when the line moves a retainer's money (a sub-ledger of the retainer-liability account). */
  @Prop({ type: MongooseSchema.Types.ObjectId })
  retainerId?: Types.ObjectId;

  @Prop({ required: true, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  debit: number;

  @Prop({ required: true, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  credit: number;
}
const JournalLineSchema = SchemaFactory.createForClass(JournalLine);

/** The business record an entry explains (a transfer, a payment, a retainer, an account). */
@Schema({ _id: false })
export class EntryReference {
  @Prop({ type: String, required: true, enum: ['account', 'transfer', 'retainer', 'payment', 'entry'] })
  type: string;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  id: Types.ObjectId;
}
const EntryReferenceSchema = SchemaFactory.createForClass(EntryReference);

/**
 * A journal entry: immutable once written (the repository has no update path and the schema
 * refuses updates and deletes); a correction is a new entry with `reversesEntryId`.
 */
@Schema({ collection: 'finance_journal_entries', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class JournalEntry extends TenantOwned {
  @Prop({ type: String, required: true, enum: ENTRY_KINDS })
  kind: EntryKind;

  @Prop({ type: String, required: true, enum: CURRENCIES })
  currency: string;

  @Prop({ required: true, maxlength: 500 })
  description: string;

  @Prop({ type: [JournalLineSchema], required: true })
  lines: JournalLine[];

  @Prop({ type: EntryReferenceSchema, required: true })
  reference: EntryReference;

  /** Set when this entry is a payment's: the unique index below allows one per payment. */
  @Prop({ type: MongooseSchema.Types.ObjectId })
  paymentId?: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId })
  reversesEntryId?: Types.ObjectId;

  @Prop({ required: true })
  createdBy: string;

  createdAt: Date;
}

export type JournalEntryRecord = JournalEntry & { _id: Types.ObjectId };
export const JournalEntrySchema = SchemaFactory.createForClass(JournalEntry);
JournalEntrySchema.plugin(refuseChanges);
// An account's statement: its lines, newest first.
JournalEntrySchema.index({ tenantId: 1, 'lines.accountId': 1, createdAt: -1, _id: -1 });
JournalEntrySchema.index({ tenantId: 1, 'lines.retainerId': 1, createdAt: -1, _id: -1 }, { partialFilterExpression: { 'lines.retainerId': { $exists: true } } });
// "Every completed payment has exactly one entry", enforced by the database as well.
JournalEntrySchema.index({ tenantId: 1, paymentId: 1 }, { unique: true, partialFilterExpression: { paymentId: { $exists: true } } });
// An entry is reversed at most once.
JournalEntrySchema.index({ tenantId: 1, reversesEntryId: 1 }, { unique: true, partialFilterExpression: { reversesEntryId: { $exists: true } } });

/** Thrown when code tries to change a written entry: a bug, never user input. */
export class ImmutableEntryError extends Error {
  constructor(op: string) {
    super(`Journal entries are immutable (refused ${op}); post a reversing entry instead.`);
  }
}

function refuseChanges(schema: MongooseSchema): void {
  const ops = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'];
  for (const op of ops) {
    schema.pre(op as 'updateOne', function () {
      throw new ImmutableEntryError(op);
    });
  }
  schema.pre('save', function () {
    if (!this.isNew) throw new ImmutableEntryError('save');
  });
  // Model.bulkWrite passes none of the query hooks above: only its inserts may go through.
  schema.pre('bulkWrite', function (ops: Array<Record<string, unknown>>) {
    const change = ops.find((op) => !('insertOne' in op));
    if (change) throw new ImmutableEntryError(`bulkWrite ${Object.keys(change).join()}`);
  });
}
