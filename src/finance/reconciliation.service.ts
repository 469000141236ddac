import { Injectable } from '@nestjs/common';
import { Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { AccountRepository } from './account.repository';
import { NORMAL_SIDE } from './account.schema';
import { ReconciliationDto, ViolationDto } from './dto/reconciliation.dto';
import { InvoiceRepository } from './invoice.repository';
import { JournalEntryRepository, LineTotalsRow, MAX_REPORTED } from './journal-entry.repository';
import { PaymentRepository } from './payment.repository';
import { RetainerRepository } from './retainer.repository';

const hex = (id: Types.ObjectId): string => id.toHexString();

/**
 * Checks the books against every invariant the module promises. All reads run in one
 * snapshot transaction, so a transfer committing mid-check can never look like money
 * created or lost. Each check is one query or aggregation (a fixed number per call, never
 * one per account); the queries run one after another because a transaction's session
 * serves one operation at a time.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly retainers: RetainerRepository,
    private readonly entries: JournalEntryRepository,
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
  ) {}

  /**
   * Runs every check for the caller's tenant: each balance equals the sum of its ledger
   * lines; every entry and the whole ledger balance; no negative balance; no invoice paid
   * beyond its total; no order with two live invoices; each completed payment has exactly one
   * entry (and no other payment has any). Violations are capped per check.
   */
  @Transactional({ name: 'finance.reconciliation' })
  async reconcile(actor: AuthUser): Promise<ReconciliationDto> {
    const { tenantId } = actor;
    const violations: ViolationDto[] = [];
    const report = (v: ViolationDto): void => {
      if (violations.length < MAX_REPORTED * 4) violations.push(v);
    };

    // Balances against their lines.
    const accounts = await this.accounts.balances({ tenantId });
    const accountLines = byId(await this.entries.totalsByAccount(tenantId));
    let totalDebits = 0;
    let totalCredits = 0;
    for (const row of accountLines.values()) {
      totalDebits += row.debit;
      totalCredits += row.credit;
    }
    for (const account of accounts) {
      const lines = accountLines.get(hex(account._id));
      accountLines.delete(hex(account._id));
      const net = lines ? lines.debit - lines.credit : 0;
      const expected = NORMAL_SIDE[account.type] === 'debit' ? net : -net;
      if (account.balance !== expected) {
        report({ code: 'balance-mismatch', id: hex(account._id), expected, actual: account.balance, detail: `Account ${hex(account._id)} has balance ${account.balance}; its lines sum to ${expected}.` });
      }
      if (account.balance < 0) report({ code: 'negative-balance', id: hex(account._id), actual: account.balance, detail: `Account ${hex(account._id)} is negative.` });
    }
    for (const [id] of accountLines) report({ code: 'balance-mismatch', id, detail: `Ledger lines name account ${id}, which does not exist.` });

    const retainers = await this.retainers.balances({ tenantId });
    const retainerLines = byId(await this.entries.totalsByRetainer(tenantId));
    for (const retainer of retainers) {
      const lines = retainerLines.get(hex(retainer._id));
      retainerLines.delete(hex(retainer._id));
      const expected = lines ? lines.credit - lines.debit : 0;
      if (retainer.balance !== expected) {
        report({ code: 'retainer-balance-mismatch', id: hex(retainer._id), expected, actual: retainer.balance, detail: `Retainer ${hex(retainer._id)} has balance ${retainer.balance}; its lines sum to ${expected}.` });
      }
      if (retainer.balance < 0) report({ code: 'negative-retainer-balance', id: hex(retainer._id), actual: retainer.balance, detail: `Retainer ${hex(retainer._id)} is negative.` });
    }
    for (const [id] of retainerLines) report({ code: 'retainer-balance-mismatch', id, detail: `Ledger lines name retainer ${id}, which does not exist.` });

    // Double entry, per entry and overall.
    for (const e of await this.entries.unbalanced(tenantId)) {
      report({ code: 'unbalanced-entry', id: hex(e._id), expected: e.debit, actual: e.credit, detail: `Entry ${hex(e._id)} has ${e.lineCount} line(s), debits ${e.debit} and credits ${e.credit}.` });
    }
    if (totalDebits !== totalCredits) {
      report({ code: 'unbalanced-ledger', expected: totalDebits, actual: totalCredits, detail: `The ledger's debits (${totalDebits}) and credits (${totalCredits}) differ.` });
    }

    // Invoices.
    for (const i of await this.invoices.overpaid(tenantId)) {
      report({ code: 'invoice-overpaid', id: hex(i._id), expected: i.total, actual: i.amountPaid, detail: `Invoice ${hex(i._id)} has ${i.amountPaid} paid on a total of ${i.total}.` });
    }
    for (const o of await this.invoices.ordersWithSeveralLiveInvoices(tenantId)) {
      report({ code: 'duplicate-live-invoice', id: hex(o._id), actual: o.invoiceIds.length, detail: `Order ${hex(o._id)} has ${o.invoiceIds.length} live invoices: ${o.invoiceIds.map(hex).join(', ')}.` });
    }

    // Payments: completed ⇔ exactly one entry.
    const completed = await this.payments.completedIds(tenantId);
    const entryCounts = new Map((await this.entries.countByPayment(tenantId)).map((r) => [hex(r._id), r.count]));
    for (const { _id } of completed) {
      const count = entryCounts.get(hex(_id)) ?? 0;
      entryCounts.delete(hex(_id));
      if (count !== 1) report({ code: 'payment-entry-count', id: hex(_id), expected: 1, actual: count, detail: `Completed payment ${hex(_id)} has ${count} journal entries.` });
    }
    for (const [id, count] of entryCounts) {
      report({ code: 'payment-entry-count', id, expected: 0, actual: count, detail: `Payment ${id} is not completed but has ${count} journal entries.` });
    }

    return {
      ok: violations.length === 0,
      violations,
      checked: { accounts: accounts.length, retainers: retainers.length, payments: completed.length, totalDebits, totalCredits },
      checkedAt: new Date(),
    };
  }
}

function byId(rows: LineTotalsRow[]): Map<string, LineTotalsRow> {
  return new Map(rows.map((r) => [hex(r._id), r]));
}
