import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, PipelineStage, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import { JournalEntry, JournalEntryRecord } from './journal-entry.schema';

/** Σ debit and Σ credit of the lines of one account (or one retainer). */
export interface LineTotalsRow {
  _id: Types.ObjectId;
  debit: number;
  credit: number;
}

/** An entry whose lines do not balance, or that has fewer than two lines. */
export interface UnbalancedEntryRow {
  _id: Types.ObjectId;
  debit: number;
  credit: number;
  lineCount: number;
}

/** Reports are capped: a broken ledger is diagnosed from the first few violations. */
export const MAX_REPORTED = 100;

/**
 * Every mongoose call on finance_journal_entries. Insert and read only: entries are
 * immutable (the schema refuses updates and deletes as well).
 */
@Injectable()
export class JournalEntryRepository extends TenantScopedRepository<JournalEntry, JournalEntryRecord> {
  constructor(@InjectModel(JournalEntry.name) private readonly entries: Model<JournalEntry>) {
    super(entries);
  }

  async insert(entry: Omit<JournalEntry, 'createdAt'> & { _id: Types.ObjectId }): Promise<JournalEntryRecord> {
    return this.insertOne(entry);
  }

  /** Several entries in one command (a group-commit batch), in order. */
  insertMany(entries: Array<Omit<JournalEntry, 'createdAt'> & { _id: Types.ObjectId }>): Promise<JournalEntryRecord[]> {
    return this.insertAll(entries);
  }

  /** Σ debit / Σ credit per account over the whole ledger (one aggregation). */
  totalsByAccount(tenantId: string): Promise<LineTotalsRow[]> {
    return this.entries
      .aggregate<LineTotalsRow>([
        { $match: { tenantId } },
        { $unwind: '$lines' },
        { $group: { _id: '$lines.accountId', debit: { $sum: '$lines.debit' }, credit: { $sum: '$lines.credit' } } },
      ])
      .exec();
  }

  /** Σ debit / Σ credit per retainer over its sub-ledger lines (one aggregation). */
  totalsByRetainer(tenantId: string): Promise<LineTotalsRow[]> {
    return this.entries
      .aggregate<LineTotalsRow>([
        { $match: { tenantId, 'lines.retainerId': { $exists: true } } },
        { $unwind: '$lines' },
        { $match: { 'lines.retainerId': { $exists: true } } },
        { $group: { _id: '$lines.retainerId', debit: { $sum: '$lines.debit' }, credit: { $sum: '$lines.credit' } } },
      ])
      .exec();
  }

  /** Entries with fewer than two lines or Σ debit ≠ Σ credit (capped at MAX_REPORTED). */
  unbalanced(tenantId: string): Promise<UnbalancedEntryRow[]> {
    const pipeline: PipelineStage[] = [
      { $match: { tenantId } },
      { $project: { debit: { $sum: '$lines.debit' }, credit: { $sum: '$lines.credit' }, lineCount: { $size: '$lines' } } },
      { $match: { $or: [{ lineCount: { $lt: 2 } }, { $expr: { $ne: ['$debit', '$credit'] } }] } },
      { $limit: MAX_REPORTED },
    ];
    return this.entries.aggregate<UnbalancedEntryRow>(pipeline).exec();
  }

  /** How many entries each payment has (only payments that have any). */
  countByPayment(tenantId: string): Promise<Array<{ _id: Types.ObjectId; count: number }>> {
    return this.entries
      .aggregate<{ _id: Types.ObjectId; count: number }>([
        { $match: { tenantId, paymentId: { $exists: true } } },
        { $group: { _id: '$paymentId', count: { $sum: 1 } } },
      ])
      .exec();
  }
}
