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
   *
   * Concurrent transfers of one tenant share one transaction (group commit): one read of the
   * accounts they name (and the ledger's read of their balances), one guarded `$inc` per
   * account, one insert of the entries and one of the transfers, each transfer decided in
   * arrival order as if they ran one by one.
   */
  create(actor: AuthUser, dto: CreateTransferDto): Promise<TransferDto> {
    return countOutcome(financeMetrics.transfers, 'posted', () =>
      this.transactions.batch(`transfers:${actor.tenantId}`, { actor, dto }, (requests) => this.postBatch(actor.tenantId, requests), { name: 'finance.transfer' }),
    );
  }

  /** One transfer of the caller's tenant. */
  async findOne(actor: AuthUser, id: string): Promise<TransferDto> {
    const transfer = await this.transfers.findOne({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) });
    if (!transfer) throw new NotFoundError('Transfer');
    return TransferDto.from(transfer);
  }

  private async postBatch(tenantId: string, requests: readonly TransferRequest[]): Promise<Array<BatchOutcome<TransferDto>>> {
    // The accounts of the whole batch in one read (no read per request): their currency, kind
    // and existence decide each transfer's 404 / 400 / 422 before the ledger moves money.
    const ids = [...new Set(requests.flatMap(({ dto }) => [dto.fromAccountId.toLowerCase(), dto.toAccountId.toLowerCase()]))];
    const found = new Map((await this.accounts.findMany({ tenantId, _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })).map((a) => [a._id.toHexString(), a]));
    const checked = requests.map((request) => attempt(() => ({ ...request, ...transferable(found, request.dto) })));
    const valid = checked.flatMap((c) => (c.ok ? [c.value] : []));
    const transferIds = valid.map(() => new Types.ObjectId());
    const entries = valid.length
      ? await this.ledger.postBatch(
          tenantId,
          valid.map(({ actor, dto, from, to }, i) => ({
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
        )
      : [];
    const posted = valid.flatMap(({ actor, dto, from, to }, i) => {
      const entry = entries[i];
      if (!entry.ok) return [];
      return [{ _id: transferIds[i], tenantId, fromAccountId: from._id, toAccountId: to._id, amount: dto.amount, currency: from.currency, description: dto.description, status: 'posted' as const, entryId: entry.value._id, createdBy: actor.userId }];
    });
    const transfers = new Map((posted.length ? await this.transfers.insertMany(posted) : []).map((t) => [t._id.toHexString(), t]));
    let next = 0;
    return checked.map((c) => {
      if (!c.ok) return c;
      const i = next++;
      const entry = entries[i];
      return entry.ok ? { ok: true, value: TransferDto.from(transfers.get(transferIds[i].toHexString())!) } : entry;
    });
  }
}

/** `run`'s value, or what it threw, as a batch outcome. */
function attempt<T>(run: () => T): BatchOutcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The transfer's two accounts from the batch's read: 404 when either is absent (or another
 * tenant's); the module's own accounts are not transferable (400); both must hold one
 * currency (422). (Two ids of one account never get here: the DTO refuses them.)
 */
function transferable(found: ReadonlyMap<string, AccountRecord>, dto: CreateTransferDto): { from: AccountRecord; to: AccountRecord } {
  const pick = (id: string, field: string): AccountRecord => {
    const account = found.get(id.toLowerCase());
    if (!account) throw new NotFoundError('Account');
    if (account.systemKey !== undefined) throw new ValidationFailedError([{ field, message: 'must be an account you opened, not a system account' }]);
    return account;
  };
  const from = pick(dto.fromAccountId, 'fromAccountId');
  const to = pick(dto.toAccountId, 'toAccountId');
  if (from.currency !== to.currency) {
    throw new CurrencyMismatchError({ expected: from.currency, actual: to.currency, detail: `The accounts hold ${from.currency} and ${to.currency}; there is no currency conversion.` });
  }
  return { from, to };
}
