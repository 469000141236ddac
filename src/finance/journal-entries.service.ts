import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { InvalidStateError, Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { AccountRepository } from './account.repository';
import { JournalEntryDto } from './dto/journal-entry.dto';
import { ReverseEntryDto } from './dto/reverse-entry.dto';
import { JournalEntryRepository } from './journal-entry.repository';
import { EntryKind, JournalEntryRecord } from './journal-entry.schema';
import { LedgerService } from './ledger.service';

/**
 * Kinds a reversal may correct. A payment's entry is not among them: it belongs to the
 * payment's state and the invoice's amountPaid, which a bare reversal would contradict.
 */
const REVERSIBLE: readonly EntryKind[] = ['opening-balance', 'transfer', 'retainer-deposit', 'retainer-consumption'];

/** Reading entries, and correcting them the only way an immutable ledger allows: a reversing entry. */
@Injectable()
export class JournalEntriesService {
  constructor(
    private readonly entries: JournalEntryRepository,
    private readonly accounts: AccountRepository,
    private readonly ledger: LedgerService,
  ) {}

  /** One entry of the caller's tenant. */
  async findOne(actor: AuthUser, id: string): Promise<JournalEntryDto> {
    return JournalEntryDto.from(await this.require(actor.tenantId, new Types.ObjectId(id)));
  }

  /**
   * Posts the mirror image of an entry (every debit becomes a credit and vice versa). The
   * reversal's decrements are guarded like any other (409 `insufficient-funds` if the money
   * has moved on), and the unique index on `reversesEntryId` lets an entry be reversed once:
   * of concurrent reversals one commits, the others get 409 `duplicate`.
   */
  @Transactional({ name: 'finance.entry.reverse' })
  async reverse(actor: AuthUser, id: string, dto: ReverseEntryDto): Promise<JournalEntryDto> {
    const { tenantId } = actor;
    const original = await this.require(tenantId, new Types.ObjectId(id));
    if (!REVERSIBLE.includes(original.kind)) {
      throw new InvalidStateError({ currentState: original.kind, detail: `A ${original.kind} entry cannot be reversed.` });
    }
    const ids = [...new Set(original.lines.map((l) => l.accountId.toHexString()))].map((h) => new Types.ObjectId(h));
    const types = new Map((await this.accounts.findMany({ tenantId, _id: { $in: ids } })).map((a) => [a._id.toHexString(), a.type]));
    const reversal = await this.ledger.post({
      tenantId,
      kind: 'reversal',
      currency: original.currency,
      description: `Reversal of ${original.kind} entry: ${dto.reason}`,
      lines: original.lines.map((l) => {
        const type = types.get(l.accountId.toHexString());
        if (!type) throw new NotFoundError('Account');
        return { account: { _id: l.accountId, type }, ...(l.retainerId ? { retainerId: l.retainerId } : {}), debit: l.credit, credit: l.debit };
      }),
      reference: { type: 'entry', id: original._id },
      reversesEntryId: original._id,
      createdBy: actor.userId,
    });
    return JournalEntryDto.from(reversal);
  }

  private async require(tenantId: string, _id: Types.ObjectId): Promise<JournalEntryRecord> {
    const entry = await this.entries.findOne({ tenantId, _id });
    if (!entry) throw new NotFoundError('Journal entry');
    return entry;
  }
}
