/**
 * Finance factories for e2e suites (finance, bench): open accounts and retainers, issue
 * invoices and record payments through the real HTTP API, failing loudly when it refuses.
 * The caller must be an accountant or an admin (a tenant's own client is its admin).
 */
import assert from 'node:assert/strict';
import { mapBounded } from '@app/concurrency';
import type { HttpResponse } from '@app/concurrency/testing';
import { Caller, clientOf } from './inventory';

export const FINANCE = '/api/v1/finance';

export interface AccountView {
  id: string;
  name: string;
  currency: string;
  type: 'asset' | 'equity' | 'liability' | 'revenue';
  system: boolean;
  balance: number;
  version: number;
}

export interface TransferView {
  id: string;
  status: 'posted';
  fromAccountId: string;
  toAccountId: string;
  amount: number;
  currency: string;
  description: string;
  entryId: string;
}

export interface RetainerView {
  id: string;
  clientName: string;
  currency: string;
  balance: number;
  version: number;
  entryId?: string;
}

export interface InvoiceView {
  id: string;
  invoiceNumber: string;
  orderId?: string;
  customerName: string;
  currency: string;
  lines: Array<{ description: string; quantity: number; unitPrice: number; amount: number }>;
  total: number;
  amountPaid: number;
  status: 'issued' | 'partially-paid' | 'paid' | 'void';
  version: number;
}

export interface PaymentView {
  id: string;
  status: 'pending' | 'completed' | 'cancelled';
  invoiceId?: string;
  customerName: string;
  amount: number;
  currency: string;
  method: 'bank_transfer' | 'card' | 'cash';
  entryId?: string;
  version: number;
}

export interface EntryView {
  id: string;
  kind: string;
  currency: string;
  description: string;
  lines: Array<{ accountId: string; retainerId?: string; debit: number; credit: number }>;
  reference: { type: string; id: string };
}

export interface ReconciliationView {
  ok: boolean;
  violations: Array<{ code: string; detail: string; id?: string }>;
  checked: { accounts: number; retainers: number; payments: number; totalDebits: number; totalCredits: number };
  checkedAt: string;
}

function expectStatus(res: HttpResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
}

let seq = 0;
const next = (): number => (seq += 1);

/** Opens an asset account (201 asserted). Defaults: EUR, opening balance 0. */
export async function newAccount(tenant: Caller, options: { openingBalance?: number; currency?: string; name?: string } = {}): Promise<AccountView> {
  const res = await clientOf(tenant).post<AccountView>(`${FINANCE}/accounts`, {
    name: options.name ?? `Account ${next()}`,
    currency: options.currency ?? 'EUR',
    openingBalance: options.openingBalance ?? 0,
  });
  expectStatus(res, 201, 'newAccount');
  return res.body;
}

/** Opens `count` accounts with the same options (bounded concurrency). */
export function newAccounts(tenant: Caller, count: number, options: { openingBalance?: number; currency?: string } = {}): Promise<AccountView[]> {
  return mapBounded(Array.from({ length: count }, (_, i) => i), { concurrency: 4 }, () => newAccount(tenant, options));
}

/** Re-reads an account (200 asserted). */
export async function getAccount(tenant: Caller, id: string): Promise<AccountView> {
  const res = await clientOf(tenant).get<AccountView>(`${FINANCE}/accounts/${id}`);
  expectStatus(res, 200, 'getAccount');
  return res.body;
}

/** The first page (up to 100) of an account's entries, newest first (200 asserted). */
export async function entriesOf(tenant: Caller, accountId: string): Promise<{ items: EntryView[]; total: number }> {
  const res = await clientOf(tenant).get<{ items: EntryView[]; total: number }>(`${FINANCE}/accounts/${accountId}/entries`, { query: { pageSize: 100 } });
  expectStatus(res, 200, 'entriesOf');
  return res.body;
}

/** A valid transfer body. */
export function transferBody(fromAccountId: string, toAccountId: string, amount: number): { fromAccountId: string; toAccountId: string; amount: number; description: string } {
  return { fromAccountId, toAccountId, amount, description: `Transfer ${next()}` };
}

/** Posts a transfer (201 asserted). */
export async function newTransfer(tenant: Caller, fromAccountId: string, toAccountId: string, amount: number): Promise<TransferView> {
  const res = await clientOf(tenant).post<TransferView>(`${FINANCE}/transfers`, transferBody(fromAccountId, toAccountId, amount));
  expectStatus(res, 201, 'newTransfer');
  return res.body;
}

/** Opens a retainer (201 asserted). Defaults: EUR, initial amount 0. */
export async function newRetainer(tenant: Caller, options: { initialAmount?: number; currency?: string; clientName?: string } = {}): Promise<RetainerView> {
  const res = await clientOf(tenant).post<RetainerView>(`${FINANCE}/retainers`, {
    clientName: options.clientName ?? `Client ${next()}`,
    currency: options.currency ?? 'EUR',
    initialAmount: options.initialAmount ?? 0,
  });
  expectStatus(res, 201, 'newRetainer');
  return res.body;
}

/** Re-reads a retainer (200 asserted). */
export async function getRetainer(tenant: Caller, id: string): Promise<RetainerView> {
  const res = await clientOf(tenant).get<RetainerView>(`${FINANCE}/retainers/${id}`);
  expectStatus(res, 200, 'getRetainer');
  return res.body;
}

/** A valid invoice body: one line of `total` (quantity 1) unless lines are given. */
export function invoiceBody(options: { orderId?: string; currency?: string; total?: number; lines?: Array<{ description: string; quantity: number; unitPrice: number }> } = {}) {
  return {
    ...(options.orderId ? { orderId: options.orderId } : {}),
    customerName: 'Acme Packaging Ltd',
    currency: options.currency ?? 'EUR',
    lines: options.lines ?? [{ description: 'Slitting and winding', quantity: 1, unitPrice: options.total ?? 10_000 }],
  };
}

/** Issues an invoice (201 asserted). */
export async function newInvoice(tenant: Caller, options: Parameters<typeof invoiceBody>[0] = {}): Promise<InvoiceView> {
  const res = await clientOf(tenant).post<InvoiceView>(`${FINANCE}/invoices`, invoiceBody(options));
  expectStatus(res, 201, 'newInvoice');
  return res.body;
}

/** Re-reads an invoice (200 asserted). */
export async function getInvoice(tenant: Caller, id: string): Promise<InvoiceView> {
  const res = await clientOf(tenant).get<InvoiceView>(`${FINANCE}/invoices/${id}`);
  expectStatus(res, 200, 'getInvoice');
  return res.body;
}

/** Records a pending payment (201 asserted). Defaults: EUR, bank transfer. */
export async function newPayment(tenant: Caller, options: { amount: number; invoiceId?: string; currency?: string; method?: PaymentView['method'] }): Promise<PaymentView> {
  const res = await clientOf(tenant).post<PaymentView>(`${FINANCE}/payments`, {
    ...(options.invoiceId ? { invoiceId: options.invoiceId } : {}),
    customerName: 'Acme Packaging Ltd',
    amount: options.amount,
    currency: options.currency ?? 'EUR',
    method: options.method ?? 'bank_transfer',
  });
  expectStatus(res, 201, 'newPayment');
  return res.body;
}

/** Re-reads a payment (200 asserted). */
export async function getPayment(tenant: Caller, id: string): Promise<PaymentView> {
  const res = await clientOf(tenant).get<PaymentView>(`${FINANCE}/payments/${id}`);
  expectStatus(res, 200, 'getPayment');
  return res.body;
}

/** The tenant's reconciliation report (200 asserted). */
export async function reconciliation(tenant: Caller): Promise<ReconciliationView> {
  const res = await clientOf(tenant).get<ReconciliationView>(`${FINANCE}/reconciliation`);
  expectStatus(res, 200, 'reconciliation');
  return res.body;
}

/** Asserts every ledger invariant holds for the tenant. */
export async function assertReconciled(tenant: Caller): Promise<ReconciliationView> {
  const report = await reconciliation(tenant);
  assert.deepEqual(report.violations, [], 'finance invariants violated');
  assert.equal(report.ok, true);
  return report;
}
