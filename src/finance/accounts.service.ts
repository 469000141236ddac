import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { AccountRepository } from './account.repository';
import { AccountRecord } from './account.schema';
import { AccountDto, AccountPageDto } from './dto/account.dto';
import { CreateAccountDto } from './dto/create-account.dto';
import { JournalEntryDto, JournalEntryPageDto } from './dto/journal-entry.dto';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { JournalEntryRepository } from './journal-entry.repository';
import { LedgerService } from './ledger.service';

/** Accounts: opening (with an opening-balance entry), reading, and their statements. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly entries: JournalEntryRepository,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Opens an asset account. A non-zero opening balance is money coming into the books, so
   * it is posted like any other movement (debit the account, credit the tenant's equity
   * account in that currency) in the same transaction as the account itself.
   */
  async create(actor: AuthUser, dto: CreateAccountDto): Promise<AccountDto> {
    const equity = dto.openingBalance > 0 ? await this.ledger.systemAccount(actor.tenantId, dto.currency, 'equity') : undefined;
    return this.open(actor, dto, equity);
  }

  /** One account of the caller's tenant (404 otherwise). */
  async findOne(actor: AuthUser, id: string): Promise<AccountDto> {
    return AccountDto.from(await this.require(actor.tenantId, new Types.ObjectId(id)));
  }

  /** A page of the tenant's accounts (system accounts included), in creation order. */
  async list(actor: AuthUser, query: PageQueryDto): Promise<AccountPageDto> {
    return mapPage(await this.accounts.page({ tenantId: actor.tenantId }, pageWindow(query), { createdAt: 1, _id: 1 }), (a) => AccountDto.from(a));
  }

  /** The account's journal entries, newest first (accounts are never deleted, so the check cannot go stale). */
  async entriesOf(actor: AuthUser, id: string, query: PageQueryDto): Promise<JournalEntryPageDto> {
    const { tenantId } = actor;
    const account = await this.require(tenantId, new Types.ObjectId(id));
    const page = await this.entries.page({ tenantId, 'lines.accountId': account._id }, pageWindow(query), { createdAt: -1, _id: -1 });
    return mapPage(page, (e) => JournalEntryDto.from(e));
  }

  @Transactional({ name: 'finance.account.open' })
  private async open(actor: AuthUser, dto: CreateAccountDto, equity: AccountRecord | undefined): Promise<AccountDto> {
    const { tenantId } = actor;
    const account = await this.accounts.create({ _id: new Types.ObjectId(), tenantId, name: dto.name, currency: dto.currency, type: 'asset' });
    if (!equity) return AccountDto.from(account);
    await this.ledger.post({
      tenantId,
      kind: 'opening-balance',
      currency: dto.currency,
      description: `Opening balance of ${dto.name}`,
      lines: [
        { account, debit: dto.openingBalance },
        { account: equity, credit: dto.openingBalance },
      ],
      reference: { type: 'account', id: account._id },
      createdBy: actor.userId,
    });
    return AccountDto.from(await this.require(tenantId, account._id));
  }

  private async require(tenantId: string, _id: Types.ObjectId): Promise<AccountRecord> {
    const account = await this.accounts.findOne({ tenantId, _id });
    if (!account) throw new NotFoundError('Account');
    return account;
  }
}
