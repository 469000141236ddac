import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { BatchOutcome, Propagation, Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AccountRepository } from './account.repository';
import { AccountRecord, AccountType, NORMAL_SIDE, SystemAccountKey } from './account.schema';
import { BalanceLimitError, InsufficientFundsError } from './finance.errors';
import { EntryKind, EntryReference, JournalEntry, JournalEntryRecord } from './journal-entry.schema';
import { JournalEntryRepository } from './journal-entry.repository';
import { isMoney, MAX_MONEY } from './money';
import { RetainerRepository } from './retainer.repository';

/** One line of a posting: an account (and optionally a retainer of it), debited or credited. */
export interface PostingLine {
  account: { _id: Types.ObjectId; type: AccountType };
  retainerId?: Types.ObjectId;
  debit?: number;
  credit?: number;
}

/** A money movement to record. */
export interface Posting {
  tenantId: string;
  /** Pre-assigned so the business record can point at its entry before both are written. */
  entryId?: Types.ObjectId;
  kind: EntryKind;
  currency: string;
  description: string;
  lines: PostingLine[];
  reference: EntryReference;
  paymentId?: Types.ObjectId;
  reversesEntryId?: Types.ObjectId;
  createdBy: string;
}

/** Thrown for a posting that is not a valid double entry: a programming error, never user input. */
export class UnbalancedPostingError extends Error {}

/**
 * Checks a posting is a valid double entry: at least two lines, each either a debit or a
 * credit of a positive safe integer, Σ debit = Σ credit (every partial sum a safe integer).
 */
export function assertBalanced(lines: readonly PostingLine[]): void {
  if (lines.length < 2) throw new UnbalancedPostingError('A journal entry needs at least two lines.');
  let debit = 0;
  let credit = 0;
  for (const line of lines) {
    const d = line.debit ?? 0;
    const c = line.credit ?? 0;
    if (!isMoney(d) || !isMoney(c) || (d === 0) === (c === 0)) {
      throw new UnbalancedPostingError('Each line is either a debit or a credit of a positive integer amount.');
    }
    debit += d;
    credit += c;
    if (!Number.isSafeInteger(debit) || !Number.isSafeInteger(credit)) throw new UnbalancedPostingError('Entry total out of range.');
  }
  if (debit !== credit) throw new UnbalancedPostingError(`Debits (${debit}) and credits (${credit}) differ.`);
}

/**
 * How a line moves its account's balance (stored on the normal side): a debit raises an
 * asset and lowers equity / liability / revenue; a credit the reverse.
 */
export function balanceDelta(type: AccountType, line: Pick<PostingLine, 'debit' | 'credit'>): number {
  const net = (line.debit ?? 0) - (line.credit ?? 0);
  return NORMAL_SIDE[type] === 'debit' ? net : -net;
}

/**
 * The double-entry ledger. Every money movement in the module goes through {@link post}:
 * the journal entry and the balance changes it explains are written together, inside the
 * caller's transaction, so balances always equal the sum of their lines.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly retainers: RetainerRepository,
    private readonly entries: JournalEntryRepository,
  ) {}

  /**
   * The tenant's system account `key` in `currency`, created on first use by one idempotent
   * upsert. Call it before the money transaction: the account's id and type never change, and
   * keeping the upsert out of the transaction keeps every posting's first write its guard.
   */
  systemAccount(tenantId: string, currency: string, key: SystemAccountKey): Promise<AccountRecord> {
    return this.accounts.ensureSystem(tenantId, currency, key);
  }

  /**
   * Posts one journal entry and applies its lines to the balances, inside the caller's
   * transaction: entry and balances commit together or not at all. Whatever decides the
   * outcome is written first. Normally that is the balances: decrements, each a guarded
   * atomic `$inc` (balance ≥ amount), then credits, then the entry — so a contended account
   * is locked by the transaction's first write, which keeps write-conflict windows short. An
   * entry that must exist at most once (a payment's, a reversal) is written first instead:
   * its unique index decides before any balance moves.
   *
   * @throws InsufficientFundsError (409) when a decrement's guard misses.
   * @throws NotFoundError (404) when an account or retainer does not exist in the tenant.
   * @throws BalanceLimitError (422) when a credit would exceed the exact range.
   * @throws DuplicateError (409, via the toolkit) when the payment / reversed entry already has one.
   */
  @Transactional({ propagation: Propagation.MANDATORY })
  async post(posting: Posting): Promise<JournalEntryRecord> {
    assertBalanced(posting.lines);
    const exactlyOnce = posting.paymentId !== undefined || posting.reversesEntryId !== undefined;
    const entry = exactlyOnce ? await this.insertEntry(posting) : undefined;
    const moves = posting.lines.map((line) => ({ line, delta: balanceDelta(line.account.type, line) }));
    moves.sort((a, b) => Math.sign(a.delta) - Math.sign(b.delta));
    for (const { line, delta } of moves) {
      // Retainers are sub-ledgers of a liability account (credit-normal like it). The
      // retainer's own guard is the one that decides, so it is written before the account.
      if (line.retainerId) await this.moveRetainer(posting.tenantId, line.retainerId, balanceDelta('liability', line));
      await this.moveAccount(posting.tenantId, line.account._id, delta);
    }
    return entry ?? this.insertEntry(posting);
  }

  /**
   * Posts several plain postings of one tenant (account lines only: no retainer, no
   * exactly-once entry) in the caller's transaction, as if {@link post} ran for each in order:
   * one read of the accounts (the transaction's snapshot) decides each posting against the
   * balances the earlier ones left — a posting that would overdraw or overflow an account gets
   * its own 409 / 422 (an unknown account 404) and changes nothing — then one guarded `$inc`
   * per account moves the net of the accepted ones and one insert writes their entries.
   */
  @Transactional({ propagation: Propagation.MANDATORY })
  async postBatch(tenantId: string, postings: readonly Posting[]): Promise<Array<BatchOutcome<JournalEntryRecord>>> {
    for (const posting of postings) {
      assertBalanced(posting.lines);
      if (posting.tenantId !== tenantId) throw new Error('postBatch: one tenant per batch.');
      if (posting.paymentId || posting.reversesEntryId || posting.lines.some((l) => l.retainerId)) throw new Error('postBatch: plain account postings only; use post().');
    }
    const ids = [...new Set(postings.flatMap((p) => p.lines.map((l) => l.account._id.toHexString())))].map((id) => new Types.ObjectId(id));
    const balances = new Map((await this.accounts.findMany({ tenantId, _id: { $in: ids } })).map((a) => [a._id.toHexString(), a.balance]));
    const net = new Map<string, number>();
    const outcomes: Array<BatchOutcome<Posting> | undefined> = postings.map((posting) => {
      const moves = posting.lines.map((line) => ({ id: line.account._id.toHexString(), delta: balanceDelta(line.account.type, line) }));
      for (const { id, delta } of moves) {
        const balance = balances.get(id);
        if (balance === undefined) return { ok: false, error: new NotFoundError('Account') };
        if (delta < 0 && balance + delta < 0) return { ok: false, error: new InsufficientFundsError({ resource: 'account', id, requested: -delta, available: balance }) };
        if (delta > 0 && balance + delta > MAX_MONEY) return { ok: false, error: new BalanceLimitError({ resource: 'account', id }) };
      }
      for (const { id, delta } of moves) {
        balances.set(id, balances.get(id)! + delta);
        net.set(id, (net.get(id) ?? 0) + delta);
      }
      return { ok: true, value: posting };
    });
    const moves = [...net].filter(([, delta]) => delta !== 0).map(([id, delta]) => ({ _id: new Types.ObjectId(id), delta }));
    // The snapshot just allowed every move: a miss means the invariant broke elsewhere.
    if ((await this.accounts.applyDeltas(tenantId, moves)) !== moves.length) throw new Error('postBatch: a balance move missed its guard right after its read.');
    const accepted = outcomes.flatMap((o) => (o?.ok ? [o.value] : []));
    const entries = accepted.length ? await this.entries.insertMany(accepted.map((p) => this.entryOf(p))) : [];
    let next = 0;
    return outcomes.map((o) => (o?.ok ? { ok: true, value: entries[next++] } : (o as BatchOutcome<JournalEntryRecord>)));
  }

  private insertEntry(posting: Posting): Promise<JournalEntryRecord> {
    return this.entries.insert(this.entryOf(posting));
  }

  private entryOf(posting: Posting): Omit<JournalEntry, 'createdAt'> & { _id: Types.ObjectId } {
    return {
      _id: posting.entryId ?? new Types.ObjectId(),
      tenantId: posting.tenantId,
      kind: posting.kind,
      currency: posting.currency,
      description: posting.description,
      lines: posting.lines.map((l) => ({
        accountId: l.account._id,
        ...(l.retainerId ? { retainerId: l.retainerId } : {}),
        debit: l.debit ?? 0,
        credit: l.credit ?? 0,
      })),
      reference: posting.reference,
      ...(posting.paymentId ? { paymentId: posting.paymentId } : {}),
      ...(posting.reversesEntryId ? { reversesEntryId: posting.reversesEntryId } : {}),
      createdBy: posting.createdBy,
    };
  }

  private async moveAccount(tenantId: string, _id: Types.ObjectId, delta: number): Promise<void> {
    if (await this.accounts.applyDelta({ tenantId, _id }, delta)) return;
    // The guard missed: one read says whether the account is missing or short.
    const current = await this.accounts.findOne({ tenantId, _id });
    if (!current) throw new NotFoundError('Account');
    if (delta < 0) throw new InsufficientFundsError({ resource: 'account', id: _id.toHexString(), requested: -delta, available: current.balance });
    throw new BalanceLimitError({ resource: 'account', id: _id.toHexString() });
  }

  private async moveRetainer(tenantId: string, _id: Types.ObjectId, delta: number): Promise<void> {
    if (await this.retainers.applyDelta({ tenantId, _id }, delta)) return;
    const current = await this.retainers.findOne({ tenantId, _id });
    if (!current) throw new NotFoundError('Retainer');
    if (delta < 0) throw new InsufficientFundsError({ resource: 'retainer', id: _id.toHexString(), requested: -delta, available: current.balance });
    throw new BalanceLimitError({ resource: 'retainer', id: _id.toHexString() });
  }
}
