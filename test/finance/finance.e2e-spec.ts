/**
 * Finance over HTTP: accounts and their ledger, transfers, retainers, invoices, payments,
 * validation (nothing written on bad input), roles, reconciliation and metrics.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import {
  AccountView,
  assertReconciled,
  entriesOf,
  FINANCE,
  getAccount,
  getInvoice,
  getPayment,
  getRetainer,
  invoiceBody,
  newAccount,
  newInvoice,
  newPayment,
  newRetainer,
  reconciliation,
  transferBody,
} from '../support/factories/finance';
import { newItem, newOrder } from '../support/factories/inventory';

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
const MISSING_ID = '65a1b2c3d4e5f60718293a4b';

describe('finance', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let clerk: TestUser;
  let manager: TestUser;
  let accountant: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    [clerk, manager, accountant] = [
      await ctx.newUser(acme, { roles: [Role.Clerk] }),
      await ctx.newUser(acme, { roles: [Role.Manager] }),
      await ctx.newUser(acme, { roles: [Role.Accountant] }),
    ];
  });
  afterAll(() => ctx?.close());

  describe('accounts', () => {
    it('opens an account whose opening balance is posted against equity', async () => {
      const res = await accountant.http.post(`${FINANCE}/accounts`, { name: 'Operating', currency: 'EUR', openingBalance: 100_000 });
      assert.equal(res.status, 201, res.text);
      const account = res.body as AccountView;
      assert.deepEqual(
        { name: account.name, currency: account.currency, balance: account.balance, type: account.type, system: account.system },
        { name: 'Operating', currency: 'EUR', balance: 100_000, type: 'asset', system: false },
      );
      assert.equal(typeof account.id, 'string');
      assert.equal(Number.isInteger(account.version), true);
      assert.equal(res.headers.etag, `"${account.version}"`);
      assert.equal('_id' in res.body, false);

      const { items, total } = await entriesOf(acme, account.id);
      assert.equal(total, 1);
      const [entry] = items;
      assert.equal(entry.kind, 'opening-balance');
      assert.equal(entry.lines.length, 2);
      assert.deepEqual(entry.lines.map((l) => [l.debit, l.credit]), [[100_000, 0], [0, 100_000]]);
      const equity = await getAccount(acme, entry.lines[1].accountId);
      assert.equal(equity.type, 'equity');
      assert.equal(equity.system, true);
      assert.ok(equity.balance >= 100_000);

      const list = await clerk.http.get(`${FINANCE}/accounts`, { query: { pageSize: 100 } });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((a: AccountView) => a.id === account.id));
      assert.equal(list.body.total, list.body.items.length);
      await assertReconciled(acme);
    });

    it('every active ISO 4217 currency books in its own minor units: SAR 2, JPY 0, KWD 3; EUT is refused', async () => {
      for (const [currency, minorUnits] of [['SAR', 2], ['JPY', 0], ['KWD', 3]] as const) {
        const res = await accountant.http.post(`${FINANCE}/accounts`, { name: `${currency} account`, currency, openingBalance: 1_234 });
        assert.equal(res.status, 201, `${currency}: ${res.text}`);
        assert.deepEqual({ currency: res.body.currency, minorUnits: res.body.minorUnits, balance: res.body.balance }, { currency, minorUnits, balance: 1_234 });
        const retainer = await accountant.http.post(`${FINANCE}/retainers`, { clientName: 'Client', currency, initialAmount: 500 });
        assert.equal(retainer.status, 201, retainer.text);
        assert.equal(retainer.body.minorUnits, minorUnits);
      }
      const eut = await accountant.http.post(`${FINANCE}/accounts`, { name: 'Typo', currency: 'EUT', openingBalance: 1 });
      assert.equal(eut.status, 400, eut.text);
      assert.deepEqual(eut.body.errors.map((e: { field: string }) => e.field), ['currency']);
    });

    it('an account without opening balance has no entry', async () => {
      const account = await newAccount(acme);
      assert.equal(account.balance, 0);
      assert.equal((await entriesOf(acme, account.id)).total, 0);
    });

    it('paginates entries newest first', async () => {
      const a = await newAccount(acme, { openingBalance: 1_000 });
      const b = await newAccount(acme);
      for (const amount of [1, 2, 3]) assert.equal((await acme.http.post(`${FINANCE}/transfers`, transferBody(a.id, b.id, amount))).status, 201);
      const page = await acme.http.get(`${FINANCE}/accounts/${a.id}/entries`, { query: { page: 1, pageSize: 2 } });
      assert.equal(page.status, 200);
      assert.equal(page.body.total, 4);
      assert.deepEqual(page.body.items.map((e: { lines: Array<{ credit: number }> }) => e.lines[0].credit), [3, 2]);
      const last = await acme.http.get(`${FINANCE}/accounts/${a.id}/entries`, { query: { page: 2, pageSize: 2 } });
      assert.deepEqual(last.body.items.map((e: { kind: string }) => e.kind), ['transfer', 'opening-balance']);
      assert.equal((await acme.http.get(`${FINANCE}/accounts/${a.id}/entries`, { query: { pageSize: 0 } })).status, 400);
    });
  });

  describe('transfers', () => {
    it('posts a transfer with its entry', async () => {
      const a = await newAccount(acme, { openingBalance: 1_000 });
      const b = await newAccount(acme);
      const res = await acme.http.post(`${FINANCE}/transfers`, transferBody(a.id, b.id, 250));
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(
        { status: res.body.status, from: res.body.fromAccountId, to: res.body.toAccountId, amount: res.body.amount, currency: res.body.currency },
        { status: 'posted', from: a.id, to: b.id, amount: 250, currency: 'EUR' },
      );
      const [entry] = (await entriesOf(acme, b.id)).items;
      assert.equal(entry.id, res.body.entryId);
      assert.equal(entry.kind, 'transfer');
      assert.equal((await getAccount(acme, a.id)).balance, 750);
      assert.equal((await getAccount(acme, b.id)).balance, 250);
      const again = await clerk.http.get(`${FINANCE}/transfers/${res.body.id}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.entryId, res.body.entryId);
    });

    it('insufficient funds → 409 with the available balance, nothing written', async () => {
      const a = await newAccount(acme, { openingBalance: 100 });
      const b = await newAccount(acme);
      const res = await acme.http.post(`${FINANCE}/transfers`, transferBody(a.id, b.id, 101));
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'insufficient-funds');
      assert.equal(res.body.available, 100);
      assert.equal(res.body.requested, 101);
      assert.equal((await getAccount(acme, a.id)).balance, 100);
      assert.equal((await entriesOf(acme, b.id)).total, 0);
    });

    it('same account → 400; currency mismatch → 422; unknown account → 404; system account → 400', async () => {
      const eur = await newAccount(acme, { openingBalance: 1_000 });
      const usd = await newAccount(acme, { currency: 'USD' });
      const same = await acme.http.post(`${FINANCE}/transfers`, transferBody(eur.id, eur.id, 1));
      assert.equal(same.status, 400);
      assert.deepEqual(same.body.errors.map((e: { field: string }) => e.field), ['toAccountId']);
      const mismatch = await acme.http.post(`${FINANCE}/transfers`, transferBody(eur.id, usd.id, 1));
      assert.equal(mismatch.status, 422);
      assert.equal(mismatch.body.code, 'currency-mismatch');
      assert.equal((await acme.http.post(`${FINANCE}/transfers`, transferBody(eur.id, MISSING_ID, 1))).status, 404);
      assert.equal((await acme.http.post(`${FINANCE}/transfers`, transferBody(MISSING_ID, eur.id, 1))).status, 404);
      const [opening] = (await entriesOf(acme, eur.id)).items;
      const system = await acme.http.post(`${FINANCE}/transfers`, transferBody(opening.lines[1].accountId, eur.id, 1));
      assert.equal(system.status, 400);
      assert.equal((await getAccount(acme, eur.id)).balance, 1_000);
    });
  });

  describe('entries', () => {
    it('reverses an entry once, guarded like any movement; payment entries are not reversible', async () => {
      const a = await newAccount(acme, { openingBalance: 1_000 });
      const b = await newAccount(acme);
      const t = await acme.http.post(`${FINANCE}/transfers`, transferBody(a.id, b.id, 400));
      const entry = await clerk.http.get(`${FINANCE}/entries/${t.body.entryId}`);
      assert.equal(entry.status, 200);
      assert.equal(entry.body.kind, 'transfer');

      // b spent the money meanwhile: reversing now would overdraw it.
      const c = await newAccount(acme);
      assert.equal((await acme.http.post(`${FINANCE}/transfers`, transferBody(b.id, c.id, 300))).status, 201);
      const short = await acme.http.post(`${FINANCE}/entries/${t.body.entryId}/reverse`, { reason: 'Wrong account' });
      assert.equal(short.status, 409);
      assert.equal(short.body.code, 'insufficient-funds');
      assert.equal((await acme.http.post(`${FINANCE}/transfers`, transferBody(c.id, b.id, 300))).status, 201);

      const reversed = await acme.http.post(`${FINANCE}/entries/${t.body.entryId}/reverse`, { reason: 'Wrong account' });
      assert.equal(reversed.status, 201, reversed.text);
      assert.equal(reversed.body.kind, 'reversal');
      assert.equal(reversed.body.reversesEntryId, t.body.entryId);
      assert.deepEqual(reversed.body.lines.map((l: { debit: number; credit: number }) => [l.debit, l.credit]), [[400, 0], [0, 400]]);
      assert.equal((await getAccount(acme, a.id)).balance, 1_000);
      assert.equal((await getAccount(acme, b.id)).balance, 0);
      const again = await acme.http.post(`${FINANCE}/entries/${t.body.entryId}/reverse`, { reason: 'Again' });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'duplicate');
      const ofReversal = await acme.http.post(`${FINANCE}/entries/${reversed.body.id}/reverse`, { reason: 'Undo' });
      assert.equal(ofReversal.status, 409);
      assert.equal(ofReversal.body.code, 'invalid-state');

      const payment = await newPayment(acme, { amount: 50 });
      const done = await acme.http.post(`${FINANCE}/payments/${payment.id}/complete`);
      const refused = await acme.http.post(`${FINANCE}/entries/${done.body.entryId}/reverse`, { reason: 'x' });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'invalid-state');
      assert.equal((await clerk.http.post(`${FINANCE}/entries/${t.body.entryId}/reverse`, { reason: 'x' })).status, 403);
      assert.equal((await acme.http.post(`${FINANCE}/entries/${t.body.entryId}/reverse`, {})).status, 400);
      assert.equal((await acme.http.get(`${FINANCE}/entries/${MISSING_ID}`)).status, 404);
      await assertReconciled(acme);
    });
  });

  describe('retainers', () => {
    it('opens, deposits, consumes and refuses to go negative', async () => {
      const created = await newRetainer(acme, { initialAmount: 1_000, clientName: 'Jones LLP' });
      assert.equal(created.balance, 1_000);
      assert.equal(created.clientName, 'Jones LLP');
      const deposit = await acme.http.post(`${FINANCE}/retainers/${created.id}/deposit`, { amount: 500 });
      assert.equal(deposit.status, 200, deposit.text);
      assert.equal(deposit.body.balance, 1_500);
      assert.ok(deposit.body.entryId);
      const consume = await accountant.http.post(`${FINANCE}/retainers/${created.id}/consume`, { amount: 1_200, description: 'Hearing prep' });
      assert.equal(consume.status, 200, consume.text);
      assert.equal(consume.body.balance, 300);
      assert.equal(consume.headers.etag, `"${consume.body.version}"`);
      const over = await acme.http.post(`${FINANCE}/retainers/${created.id}/consume`, { amount: 301, description: 'Too much' });
      assert.equal(over.status, 409);
      assert.equal(over.body.code, 'insufficient-funds');
      assert.equal(over.body.available, 300);
      const read = await manager.http.get(`${FINANCE}/retainers/${created.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.balance, 300);
      // A retried consumption with the same Idempotency-Key consumes once.
      const headers = { 'idempotency-key': `consume-${created.id}` };
      const first = await acme.http.post(`${FINANCE}/retainers/${created.id}/consume`, { amount: 100, description: 'Call' }, { headers });
      const retry = await acme.http.post(`${FINANCE}/retainers/${created.id}/consume`, { amount: 100, description: 'Call' }, { headers });
      assert.equal(first.status, 200, first.text);
      assert.equal(retry.status, 200);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.equal(retry.body.entryId, first.body.entryId);
      assert.equal((await getRetainer(acme, created.id)).balance, 200);
      assert.equal((await acme.http.get(`${FINANCE}/retainers/${MISSING_ID}`)).status, 404);
      assert.equal((await acme.http.post(`${FINANCE}/retainers/${MISSING_ID}/consume`, { amount: 1, description: 'x' })).status, 404);
      await assertReconciled(acme);
    });
  });

  describe('invoices', () => {
    it('issues numbered invoices with exact totals', async () => {
      const res = await acme.http.post(`${FINANCE}/invoices`, invoiceBody({ lines: [{ description: 'A', quantity: 3, unitPrice: 1_999 }, { description: 'B', quantity: 2, unitPrice: 1 }] }));
      assert.equal(res.status, 201, res.text);
      assert.match(res.body.invoiceNumber, /^INV-\d{6}$/);
      assert.equal(res.body.total, 5_999);
      assert.deepEqual(res.body.lines.map((l: { amount: number }) => l.amount), [5_997, 2]);
      assert.equal(res.body.amountPaid, 0);
      assert.equal(res.body.status, 'issued');
      const tooBig = await acme.http.post(`${FINANCE}/invoices`, invoiceBody({ lines: [{ description: 'A', quantity: 1_000_000, unitPrice: Number.MAX_SAFE_INTEGER }] }));
      assert.equal(tooBig.status, 400);
      assert.equal(tooBig.body.errors[0].field, 'lines');
    });

    it('an order must exist in the tenant; a void invoice frees its order', async () => {
      assert.equal((await acme.http.post(`${FINANCE}/invoices`, invoiceBody({ orderId: MISSING_ID }))).status, 404);
      const item = await newItem(acme, { quantityOnHand: 5 });
      const order = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
      const first = await newInvoice(acme, { orderId: order.id });
      const dup = await acme.http.post(`${FINANCE}/invoices`, invoiceBody({ orderId: order.id }));
      assert.equal(dup.status, 409);
      assert.equal(dup.body.code, 'duplicate');
      assert.equal(dup.body.existingInvoiceId, first.id);
      assert.equal(dup.body.existingInvoiceNumber, first.invoiceNumber);
    });

    it('void needs If-Match (428 / 412), works only while unpaid (409)', async () => {
      const invoice = await newInvoice(acme, { total: 1_000 });
      const missing = await acme.http.post(`${FINANCE}/invoices/${invoice.id}/void`);
      assert.equal(missing.status, 428);
      const stale = await acme.http.post(`${FINANCE}/invoices/${invoice.id}/void`, undefined, { headers: ifMatch(invoice.version + 1) });
      assert.equal(stale.status, 412);
      assert.equal(stale.body.currentVersion, invoice.version);
      const ok = await acme.http.post(`${FINANCE}/invoices/${invoice.id}/void`, undefined, { headers: ifMatch(invoice.version) });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.status, 'void');
      assert.equal(ok.headers.etag, `"${invoice.version + 1}"`);
      const twice = await acme.http.post(`${FINANCE}/invoices/${invoice.id}/void`, undefined, { headers: ifMatch(ok.body.version) });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'invalid-state');

      const paid = await newInvoice(acme, { total: 1_000 });
      const payment = await newPayment(acme, { invoiceId: paid.id, amount: 400 });
      assert.equal((await acme.http.post(`${FINANCE}/payments/${payment.id}/complete`)).status, 200);
      const current = await getInvoice(acme, paid.id);
      const refused = await acme.http.post(`${FINANCE}/invoices/${paid.id}/void`, undefined, { headers: ifMatch(current.version) });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'invalid-state');
      assert.equal(refused.body.currentState, 'partially-paid');
    });
  });

  describe('payments', () => {
    it('partial then full payment: partially-paid, then paid; never beyond the total', async () => {
      const invoice = await newInvoice(acme, { total: 1_000 });
      const first = await newPayment(acme, { invoiceId: invoice.id, amount: 600 });
      const second = await newPayment(acme, { invoiceId: invoice.id, amount: 400 });
      const third = await newPayment(acme, { invoiceId: invoice.id, amount: 400 });
      assert.equal(first.status, 'pending');
      const done = await acme.http.post(`${FINANCE}/payments/${first.id}/complete`);
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.status, 'completed');
      assert.deepEqual(await getInvoice(acme, invoice.id).then((i) => [i.amountPaid, i.status]), [600, 'partially-paid']);
      assert.equal((await acme.http.post(`${FINANCE}/payments/${second.id}/complete`)).status, 200);
      assert.deepEqual(await getInvoice(acme, invoice.id).then((i) => [i.amountPaid, i.status]), [1_000, 'paid']);
      // The third was valid when recorded; completing it now would overpay: refused, still pending.
      const over = await acme.http.post(`${FINANCE}/payments/${third.id}/complete`);
      assert.equal(over.status, 409);
      assert.equal((await getPayment(acme, third.id)).status, 'pending');
      assert.equal((await getInvoice(acme, invoice.id)).amountPaid, 1_000);
      // Recording an overpayment is refused up front.
      const up = await acme.http.post(`${FINANCE}/payments`, { invoiceId: invoice.id, customerName: 'X', amount: 1, currency: 'EUR', method: 'card' });
      assert.equal(up.status, 409);
      await assertReconciled(acme);
    });

    it('concurrent completions of two payments that together overpay: exactly one applies', async () => {
      const invoice = await newInvoice(acme, { total: 1_000 });
      const a = await newPayment(acme, { invoiceId: invoice.id, amount: 700 });
      const b = await newPayment(acme, { invoiceId: invoice.id, amount: 700 });
      const [ra, rb] = await Promise.all([a, b].map((p) => acme.http.post(`${FINANCE}/payments/${p.id}/complete`)));
      assert.deepEqual([ra.status, rb.status].sort(), [200, 409]);
      assert.equal((await getInvoice(acme, invoice.id)).amountPaid, 700);
      await assertReconciled(acme);
    });

    it('currency must match the invoice; a void invoice takes no payments; cancel only from pending', async () => {
      const invoice = await newInvoice(acme, { total: 1_000 });
      const mismatch = await acme.http.post(`${FINANCE}/payments`, { invoiceId: invoice.id, customerName: 'X', amount: 10, currency: 'USD', method: 'cash' });
      assert.equal(mismatch.status, 422);
      assert.equal(mismatch.body.code, 'currency-mismatch');
      assert.equal((await acme.http.post(`${FINANCE}/payments`, { invoiceId: MISSING_ID, customerName: 'X', amount: 10, currency: 'EUR', method: 'cash' })).status, 404);

      const pending = await newPayment(acme, { invoiceId: invoice.id, amount: 10 });
      assert.equal((await acme.http.post(`${FINANCE}/invoices/${invoice.id}/void`, undefined, { headers: ifMatch(invoice.version) })).status, 200);
      const onVoid = await acme.http.post(`${FINANCE}/payments/${pending.id}/complete`);
      assert.equal(onVoid.status, 409);
      assert.equal(onVoid.body.code, 'invalid-state');
      assert.equal((await getPayment(acme, pending.id)).status, 'pending');

      const cancelled = await acme.http.post(`${FINANCE}/payments/${pending.id}/cancel`);
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal((await acme.http.post(`${FINANCE}/payments/${pending.id}/cancel`)).status, 409);
      assert.equal((await acme.http.post(`${FINANCE}/payments/${pending.id}/complete`)).status, 409);

      const free = await newPayment(acme, { amount: 5, method: 'card' });
      assert.equal((await acme.http.post(`${FINANCE}/payments/${free.id}/complete`)).status, 200);
      const late = await acme.http.post(`${FINANCE}/payments/${free.id}/cancel`);
      assert.equal(late.status, 409);
      assert.equal(late.body.currentState, 'completed');
      await assertReconciled(acme);
    });
  });

  describe('bad input', () => {
    it('amount 0, −5, 1.5, "100", 1e30, null, unknown currency and missing fields → 400 with field errors, nothing written', async () => {
      const from = await newAccount(acme, { openingBalance: 1_000 });
      const to = await newAccount(acme);
      const retainer = await newRetainer(acme, { initialAmount: 1_000 });
      const before = await reconciliation(acme);
      const accountsBefore = (await acme.http.get(`${FINANCE}/accounts`)).body.total;
      const invoicesBefore = (await acme.http.get(`${FINANCE}/invoices`)).body.total;

      const amounts: unknown[] = [0, -5, 1.5, '100', 1e30, null];
      const cases: Array<[string, Record<string, unknown>, string]> = [];
      for (const amount of amounts) {
        cases.push([`${FINANCE}/transfers`, { ...transferBody(from.id, to.id, 1), amount }, 'amount']);
        cases.push([`${FINANCE}/retainers/${retainer.id}/consume`, { amount, description: 'x' }, 'amount']);
        cases.push([`${FINANCE}/retainers/${retainer.id}/deposit`, { amount }, 'amount']);
        cases.push([`${FINANCE}/payments`, { customerName: 'X', amount, currency: 'EUR', method: 'card' }, 'amount']);
        cases.push([`${FINANCE}/invoices`, invoiceBody({ lines: [{ description: 'x', quantity: amount as number, unitPrice: 1 }] }), 'lines.0.quantity']);
        // Zero is a valid unit price (a free line), opening balance and initial amount.
        if (amount !== 0) {
          cases.push([`${FINANCE}/invoices`, invoiceBody({ lines: [{ description: 'x', quantity: 1, unitPrice: amount as number }] }), 'lines.0.unitPrice']);
          cases.push([`${FINANCE}/accounts`, { name: 'x', currency: 'EUR', openingBalance: amount }, 'openingBalance']);
          cases.push([`${FINANCE}/retainers`, { clientName: 'x', currency: 'EUR', initialAmount: amount }, 'initialAmount']);
        }
      }
      for (const currency of ['XXX', 'XAU', 'EUT', 'eur', 'EURO', null, 978]) {
        cases.push([`${FINANCE}/accounts`, { name: 'x', currency, openingBalance: 1 }, 'currency']);
        cases.push([`${FINANCE}/retainers`, { clientName: 'x', currency, initialAmount: 1 }, 'currency']);
        cases.push([`${FINANCE}/invoices`, { ...invoiceBody(), currency }, 'currency']);
        cases.push([`${FINANCE}/payments`, { customerName: 'X', amount: 1, currency, method: 'card' }, 'currency']);
      }
      cases.push([`${FINANCE}/accounts`, { currency: 'EUR', openingBalance: 1 }, 'name']);
      cases.push([`${FINANCE}/accounts`, { name: 'x', currency: 'EUR' }, 'openingBalance']);
      cases.push([`${FINANCE}/transfers`, { fromAccountId: from.id, amount: 1, description: 'x' }, 'toAccountId']);
      cases.push([`${FINANCE}/transfers`, { fromAccountId: 'nope', toAccountId: to.id, amount: 1, description: 'x' }, 'fromAccountId']);
      cases.push([`${FINANCE}/transfers`, { ...transferBody(from.id, to.id, 1), description: undefined }, 'description']);
      cases.push([`${FINANCE}/retainers/${retainer.id}/consume`, { amount: 1 }, 'description']);
      cases.push([`${FINANCE}/invoices`, { ...invoiceBody(), lines: [] }, 'lines']);
      cases.push([`${FINANCE}/invoices`, { ...invoiceBody(), customerName: undefined }, 'customerName']);
      cases.push([`${FINANCE}/invoices`, { ...invoiceBody(), orderId: 'not-an-id' }, 'orderId']);
      cases.push([`${FINANCE}/payments`, { customerName: 'X', amount: 1, currency: 'EUR', method: 'cheque' }, 'method']);
      cases.push([`${FINANCE}/payments`, { customerName: 'X', amount: 1, currency: 'EUR' }, 'method']);
      cases.push([`${FINANCE}/transfers`, { ...transferBody(from.id, to.id, 1), extra: true }, 'extra']);

      for (const [path, body, field] of cases) {
        const res = await acme.http.post(path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
        assert.equal(res.body.code, 'validation-failed');
        assert.ok(
          res.body.errors.some((e: { field: string }) => e.field === field),
          `${path} ${JSON.stringify(body)}: expected an error on ${field}, got ${JSON.stringify(res.body.errors)}`,
        );
      }
      for (const path of [`${FINANCE}/accounts/nope`, `${FINANCE}/retainers/nope`, `${FINANCE}/invoices/nope`, `${FINANCE}/payments/nope`, `${FINANCE}/transfers/nope`]) {
        const res = await acme.http.get(path);
        assert.equal(res.status, 400, path);
        assert.equal(res.body.code, 'invalid-id');
      }

      const afterReport = await reconciliation(acme);
      assert.deepEqual(afterReport.checked, before.checked, 'no money moved');
      assert.equal((await acme.http.get(`${FINANCE}/accounts`)).body.total, accountsBefore);
      assert.equal((await acme.http.get(`${FINANCE}/invoices`)).body.total, invoicesBefore);
      assert.equal((await getAccount(acme, from.id)).balance, 1_000);
      assert.equal((await getRetainer(acme, retainer.id)).balance, 1_000);
    });

    it('a credit that would exceed 2^53 − 1 is refused, not rounded', async () => {
      const max = Number.MAX_SAFE_INTEGER;
      const retainer = await newRetainer(acme, { initialAmount: max, currency: 'CHF' });
      const res = await acme.http.post(`${FINANCE}/retainers/${retainer.id}/deposit`, { amount: 1 });
      assert.equal(res.status, 422);
      assert.equal(res.body.code, 'balance-limit');
      assert.equal((await getRetainer(acme, retainer.id)).balance, max);
    });
  });

  describe('roles', () => {
    it('accountant and admin write; manager and clerk read; reconciliation is for accountants', async () => {
      const account = await newAccount(acme, { openingBalance: 10 });
      for (const user of [clerk, manager]) {
        assert.equal((await user.http.post(`${FINANCE}/accounts`, { name: 'x', currency: 'EUR', openingBalance: 0 })).status, 403);
        assert.equal((await user.http.post(`${FINANCE}/retainers`, { clientName: 'x', currency: 'EUR', initialAmount: 0 })).status, 403);
        assert.equal((await user.http.post(`${FINANCE}/invoices`, invoiceBody())).status, 403);
        assert.equal((await user.http.post(`${FINANCE}/payments`, { customerName: 'X', amount: 1, currency: 'EUR', method: 'card' })).status, 403);
        assert.equal((await user.http.post(`${FINANCE}/transfers`, transferBody(account.id, MISSING_ID, 1))).status, 403);
        assert.equal((await user.http.get(`${FINANCE}/reconciliation`)).status, 403);
        assert.equal((await user.http.get(`${FINANCE}/accounts/${account.id}`)).status, 200);
        assert.equal((await user.http.get(`${FINANCE}/accounts/${account.id}/entries`)).status, 200);
        assert.equal((await user.http.get(`${FINANCE}/invoices`)).status, 200);
      }
      assert.equal((await accountant.http.get(`${FINANCE}/reconciliation`)).status, 200);
      assert.equal((await ctx.http.get(`${FINANCE}/accounts`)).status, 401);
    });
  });

  describe('reconciliation and metrics', () => {
    it('reports ok with ledger totals, and counts outcomes in metrics', async () => {
      const report = await assertReconciled(acme);
      assert.equal(report.checked.totalDebits, report.checked.totalCredits);
      assert.ok(report.checked.accounts > 0);
      assert.ok(!Number.isNaN(Date.parse(report.checkedAt)));
      const metrics = await ctx.http.get('/metrics');
      assert.match(metrics.text, /finance_transfers_total\{outcome="posted"\} \d+/);
      assert.match(metrics.text, /finance_transfers_total\{outcome="insufficient-funds"\} \d+/);
      assert.match(metrics.text, /finance_retainer_consumptions_total\{outcome="consumed"\} \d+/);
      assert.match(metrics.text, /finance_payment_completions_total\{outcome="completed"\} \d+/);
    });

    it('detects tampered books: every check can fail', async () => {
      // Corrupt a fresh tenant's data behind the API's back; the report must name each break.
      const tenant = await ctx.newTenant();
      const account = await newAccount(tenant, { openingBalance: 500 });
      const retainer = await newRetainer(tenant, { initialAmount: 300 });
      const invoice = await newInvoice(tenant, { total: 100 });
      const payment = await newPayment(tenant, { amount: 50 });
      await assertReconciled(tenant);

      const db = ctx.app.get<Connection>(getConnectionToken());
      const oid = (id: string) => new Types.ObjectId(id);
      await db.collection('finance_accounts').updateOne({ _id: oid(account.id) }, { $inc: { balance: 1 } });
      await db.collection('finance_retainers').updateOne({ _id: oid(retainer.id) }, { $set: { balance: -5 } });
      await db.collection('finance_invoices').updateOne({ _id: oid(invoice.id) }, { $set: { amountPaid: 101 } });
      await db.collection('finance_payments').updateOne({ _id: oid(payment.id) }, { $set: { status: 'completed' } });
      await db.collection('finance_journal_entries').insertOne({
        tenantId: tenant.tenantId,
        kind: 'transfer',
        currency: 'EUR',
        description: 'forged',
        lines: [{ accountId: oid(account.id), debit: 7, credit: 0 }],
        reference: { type: 'transfer', id: new Types.ObjectId() },
        createdBy: tenant.userId,
        createdAt: new Date(),
      });

      const report = await reconciliation(tenant);
      assert.equal(report.ok, false);
      const codes = new Set(report.violations.map((v) => v.code));
      for (const code of ['balance-mismatch', 'retainer-balance-mismatch', 'negative-retainer-balance', 'invoice-overpaid', 'payment-entry-count', 'unbalanced-entry', 'unbalanced-ledger']) {
        assert.ok(codes.has(code), `${code} not reported: ${JSON.stringify(report.violations)}`);
      }
      assert.ok(report.violations.some((v) => v.code === 'balance-mismatch' && v.id === account.id));
      // The other tenant's books are untouched.
      await assertReconciled(acme);
    });

    it('documents every finance route in Swagger with its error responses', async () => {
      const doc = await ctx.http.get('/docs-json');
      const paths = Object.keys(doc.body.paths).filter((p) => p.startsWith('/api/v1/finance'));
      assert.ok(paths.length >= 12, paths.join(', '));
      const transfer = doc.body.paths['/api/v1/finance/transfers'].post;
      assert.ok(transfer.responses['201'] && transfer.responses['409'] && transfer.responses['422'] && transfer.responses['400']);
      assert.ok(transfer.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'));
      const voidRoute = doc.body.paths['/api/v1/finance/invoices/{id}/void'].post;
      assert.ok(voidRoute.parameters.some((p: { name: string }) => p.name === 'If-Match'));
    });
  });
});
