import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { AccountRecord } from './account.schema';
import { ConsumeRetainerDto } from './dto/consume-retainer.dto';
import { CreateRetainerDto } from './dto/create-retainer.dto';
import { DepositRetainerDto } from './dto/deposit-retainer.dto';
import { RetainerDto } from './dto/retainer.dto';
import { countOutcome, financeMetrics } from './finance.metrics';
import { LedgerService } from './ledger.service';
import { RetainerRepository } from './retainer.repository';
import { RetainerRecord } from './retainer.schema';

/**
 * Retainers: client prepayments held in a liability account until consumed. Deposits debit
 * cash and credit the retainer; consumption debits the retainer (guarded: never below 0)
 * and credits revenue.
 *
 * A retainer's currency and liability account never change, and the system accounts are
 * created by idempotent upserts, so all of them are looked up before the money transaction;
 * inside it the first write is the retainer's guarded balance change.
 */
@Injectable()
export class RetainersService {
  constructor(
    private readonly retainers: RetainerRepository,
    private readonly ledger: LedgerService,
  ) {}

  /** Opens a retainer; a non-zero initial amount is posted as a deposit in the same transaction. */
  async create(actor: AuthUser, dto: CreateRetainerDto): Promise<RetainerDto> {
    const liability = await this.ledger.systemAccount(actor.tenantId, dto.currency, 'retainer-liability');
    const cash = dto.initialAmount > 0 ? await this.ledger.systemAccount(actor.tenantId, dto.currency, 'cash') : undefined;
    return this.open(actor, dto, liability, cash);
  }

  /** Adds money received from the client (debit cash, credit the retainer). */
  async deposit(actor: AuthUser, id: string, dto: DepositRetainerDto): Promise<RetainerDto> {
    const retainer = await this.require(actor.tenantId, new Types.ObjectId(id));
    const cash = await this.ledger.systemAccount(actor.tenantId, retainer.currency, 'cash');
    return this.postDeposit(actor, retainer, cash, dto.amount, dto.description ?? `Retainer deposit from ${retainer.clientName}`);
  }

  /**
   * Consumes `amount` of the retainer. The decrement is one guarded `$inc` (balance ≥ amount)
   * in the same transaction as the entry: of ten concurrent consumptions of 800 from 1000,
   * exactly one succeeds and the rest get 409 `insufficient-funds`.
   */
  consume(actor: AuthUser, id: string, dto: ConsumeRetainerDto): Promise<RetainerDto> {
    return countOutcome(financeMetrics.consumptions, 'consumed', async () => {
      const retainer = await this.require(actor.tenantId, new Types.ObjectId(id));
      const revenue = await this.ledger.systemAccount(actor.tenantId, retainer.currency, 'revenue');
      return this.postConsumption(actor, retainer, revenue, dto);
    });
  }

  /** One retainer of the caller's tenant. */
  async findOne(actor: AuthUser, id: string): Promise<RetainerDto> {
    return RetainerDto.from(await this.require(actor.tenantId, new Types.ObjectId(id)));
  }

  @Transactional({ name: 'finance.retainer.open' })
  private async open(actor: AuthUser, dto: CreateRetainerDto, liability: AccountRecord, cash: AccountRecord | undefined): Promise<RetainerDto> {
    const retainer = await this.retainers.create({
      _id: new Types.ObjectId(),
      tenantId: actor.tenantId,
      clientName: dto.clientName,
      currency: dto.currency,
      liabilityAccountId: liability._id,
    });
    if (!cash) return RetainerDto.from(retainer);
    return this.postDeposit(actor, retainer, cash, dto.initialAmount, `Initial retainer from ${dto.clientName}`);
  }

  @Transactional({ name: 'finance.retainer.deposit' })
  private async postDeposit(actor: AuthUser, retainer: RetainerRecord, cash: AccountRecord, amount: number, description: string): Promise<RetainerDto> {
    const entry = await this.ledger.post({
      tenantId: actor.tenantId,
      kind: 'retainer-deposit',
      currency: retainer.currency,
      description,
      lines: [
        { account: cash, debit: amount },
        { account: { _id: retainer.liabilityAccountId, type: 'liability' }, retainerId: retainer._id, credit: amount },
      ],
      reference: { type: 'retainer', id: retainer._id },
      createdBy: actor.userId,
    });
    return RetainerDto.from(await this.require(actor.tenantId, retainer._id), entry._id);
  }

  @Transactional({ name: 'finance.retainer.consume' })
  private async postConsumption(actor: AuthUser, retainer: RetainerRecord, revenue: AccountRecord, dto: ConsumeRetainerDto): Promise<RetainerDto> {
    const entry = await this.ledger.post({
      tenantId: actor.tenantId,
      kind: 'retainer-consumption',
      currency: retainer.currency,
      description: dto.description,
      lines: [
        { account: { _id: retainer.liabilityAccountId, type: 'liability' }, retainerId: retainer._id, debit: dto.amount },
        { account: revenue, credit: dto.amount },
      ],
      reference: { type: 'retainer', id: retainer._id },
      createdBy: actor.userId,
    });
    return RetainerDto.from(await this.require(actor.tenantId, retainer._id), entry._id);
  }

  private async require(tenantId: string, _id: Types.ObjectId): Promise<RetainerRecord> {
    const retainer = await this.retainers.findOne({ tenantId, _id });
    if (!retainer) throw new NotFoundError('Retainer');
    return retainer;
  }
}
