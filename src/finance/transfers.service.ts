import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { BatchOutcome, TransactionRunner } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { AccountRepository } from './account.repository';
import { AccountRecord } from './account.schema';
import { CreateTransferDto } from './dto/create-transfer.dto';
import { TransferDto } from './dto/transfer.dto';
import { CurrencyMismatchError } from './finance.errors';
import { countOutcome, financeMetrics } from './finance.metrics';
import { LedgerService } from './ledger.service';
import { TransferRepository } from './transfer.repository';

/** One caller's transfer, as a group-commit batch sees it. */
interface TransferRequest {
  actor: AuthUser;
  dto: CreateTransferDto;
  from: AccountRecord;
  to: AccountRecord;
}

/** Transfers between two of the tenant's accounts. */
@Injectable()
export class TransfersService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly transfers: TransferRepository,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Posts a transfer: the guarded debit (balance ≥ amount), the credit, the journal entry and
   * the transfer record commit together or not at all. Of concurrent transfers that would
   * together overdraw the source, the ones the balance cannot cover get 409 `insufficient-funds`.
   */
  create(actor: AuthUser, dto: CreateTransferDto): Promise<TransferDto> {
    return countOutcome(financeMetrics.transfers, 'posted', async () => {
      // An account's currency and kind never change, so they are checked before the
      // transaction; inside it, the first write is the guarded debit.
      const [from, to] = await this.userAccounts(actor.tenantId, dto.fromAccountId, dto.toAccountId);
      if (from.currency !== to.currency) {
        throw new CurrencyMismatchError({ expected: from.currency, actual: to.currency, detail: `The accounts hold ${from.currency} and ${to.currency}; there is no currency conversion.` });
      }
      return this.post(actor, dto, from, to);
    });
  }

  /** One transfer of the caller's tenant. */
  async findOne(actor: AuthUser, id: string): Promise<TransferDto> {
    const transfer = await this.transfers.findOne({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) });
    if (!transfer) throw new NotFoundError('Transfer');
    return TransferDto.from(transfer);
  }

  /**
   * Concurrent transfers of one tenant share one transaction (group commit): one read of the
   * accounts, one guarded `$inc` per account, one insert of the entries and one of the
   * transfers, each transfer decided in arrival order as if they ran one by one.
   */
  private post(actor: AuthUser, dto: CreateTransferDto, from: AccountRecord, to: AccountRecord): Promise<TransferDto> {
    return this.transactions.batch(`transfers:${actor.tenantId}`, { actor, dto, from, to }, (requests) => this.postBatch(actor.tenantId, requests), { name: 'finance.transfer' });
  }

  private async postBatch(tenantId: string, requests: readonly TransferRequest[]): Promise<Array<BatchOutcome<TransferDto>>> {
    const transferIds = requests.map(() => new Types.ObjectId());
    const entries = await this.ledger.postBatch(
      tenantId,
      requests.map(({ actor, dto, from, to }, i) => ({
        tenantId,
        kind: 'transfer' as const,
        currency: from.currency,
        description: dto.description,
        lines: [
          { account: from, credit: dto.amount },
          { account: to, debit: dto.amount },
        ],
        reference: { type: 'transfer' as const, id: transferIds[i] },
        createdBy: actor.userId,
      })),
    );
    const posted = requests.flatMap(({ actor, dto, from, to }, i) => {
      const entry = entries[i];
      if (!entry.ok) return [];
      return [{ _id: transferIds[i], tenantId, fromAccountId: from._id, toAccountId: to._id, amount: dto.amount, currency: from.currency, description: dto.description, status: 'posted' as const, entryId: entry.value._id, createdBy: actor.userId }];
    });
    const transfers = new Map((posted.length ? await this.transfers.insertMany(posted) : []).map((t) => [t._id.toHexString(), t]));
    return entries.map((entry, i) => (entry.ok ? { ok: true, value: TransferDto.from(transfers.get(transferIds[i].toHexString())!) } : entry));
  }

  /**
   * The two accounts, read in one query: 404 when either is absent (or another tenant's);
   * the module's own accounts are not transferable (400).
   */
  private async userAccounts(tenantId: string, fromId: string, toId: string): Promise<[AccountRecord, AccountRecord]> {
    const found = await this.accounts.findMany({ tenantId, _id: { $in: [new Types.ObjectId(fromId), new Types.ObjectId(toId)] } });
    const pick = (id: string, field: string): AccountRecord => {
      const account = found.find((a) => a._id.toHexString() === id.toLowerCase());
      if (!account) throw new NotFoundError('Account');
      if (account.systemKey !== undefined) throw new ValidationFailedError([{ field, message: 'must be an account you opened, not a system account' }]);
      return account;
    };
    return [pick(fromId, 'fromAccountId'), pick(toId, 'toAccountId')];
  }
}
