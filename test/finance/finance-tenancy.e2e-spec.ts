/**
 * Tenant isolation of every finance route: another tenant's account, transfer, retainer,
 * invoice or payment is a 404 indistinguishable from a missing one, and nothing changes.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import {
  AccountView,
  FINANCE,
  getAccount,
  invoiceBody,
  InvoiceView,
  newAccount,
  newInvoice,
  newPayment,
  newRetainer,
  newTransfer,
  PaymentView,
  RetainerView,
  transferBody,
  TransferView,
} from '../support/factories/finance';
import { newItem, newOrder } from '../support/factories/inventory';
import { expectCrossTenant404, expectNotListedCrossTenant, intruderOf } from '../support/tenant-isolation';

describe('finance tenant isolation', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let intruder: TestTenant;
  let account: AccountView;
  let other: AccountView;
  let transfer: TransferView;
  let retainer: RetainerView;
  let invoice: InvoiceView;
  let payment: PaymentView;
  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    intruder = await intruderOf(ctx);
    account = await newAccount(acme, { openingBalance: 1_000 });
    other = await newAccount(acme);
    transfer = await newTransfer(acme, account.id, other.id, 100);
    retainer = await newRetainer(acme, { initialAmount: 1_000 });
    invoice = await newInvoice(acme, { total: 1_000 });
    payment = await newPayment(acme, { invoiceId: invoice.id, amount: 500 });
  });
  afterAll(() => ctx?.close());

  it('accounts: get, entries → 404; not listed', async () => {
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${FINANCE}/accounts/${account.id}` });
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${FINANCE}/accounts/${account.id}/entries` });
    await expectNotListedCrossTenant(ctx, { path: `${FINANCE}/accounts`, id: account.id });
  });

  it('entries: get, reverse → 404', async () => {
    const readPath = `${FINANCE}/entries/${transfer.entryId}`;
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: readPath });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${readPath}/reverse`, body: { reason: 'x' }, readPath: `${FINANCE}/accounts/${account.id}/entries` });
  });

  it('transfers: get → 404; moving another tenant’s money names a missing account', async () => {
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${FINANCE}/transfers/${transfer.id}` });
    const own = await newAccount(intruder, { openingBalance: 1_000 });
    for (const body of [transferBody(account.id, own.id, 100), transferBody(own.id, account.id, 100)]) {
      const res = await intruder.http.post(`${FINANCE}/transfers`, body);
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.code, 'not-found');
    }
    assert.equal((await getAccount(acme, account.id)).balance, 900);
    assert.equal((await getAccount(intruder, own.id)).balance, 1_000);
  });

  it('retainers: get, deposit, consume → 404, balance unchanged', async () => {
    const readPath = `${FINANCE}/retainers/${retainer.id}`;
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: readPath });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${readPath}/deposit`, body: { amount: 1 }, readPath });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${readPath}/consume`, body: { amount: 1, description: 'x' }, readPath });
  });

  it('invoices: get, void → 404; not listed; another tenant’s order is not invoiceable', async () => {
    const readPath = `${FINANCE}/invoices/${invoice.id}`;
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: readPath });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${readPath}/void`, readPath });
    await expectNotListedCrossTenant(ctx, { path: `${FINANCE}/invoices`, id: invoice.id });
    const item = await newItem(acme, { quantityOnHand: 5 });
    const order = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
    const res = await intruder.http.post(`${FINANCE}/invoices`, invoiceBody({ orderId: order.id }));
    assert.equal(res.status, 404, res.text);
    assert.equal(res.body.code, 'not-found');
  });

  it('payments: get, complete, cancel → 404; another tenant’s invoice cannot be paid', async () => {
    const readPath = `${FINANCE}/payments/${payment.id}`;
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: readPath });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${readPath}/complete`, readPath });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${readPath}/cancel`, readPath });
    const res = await intruder.http.post(`${FINANCE}/payments`, { invoiceId: invoice.id, customerName: 'X', amount: 1, currency: 'EUR', method: 'card' });
    assert.equal(res.status, 404, res.text);
  });

  it('reconciliation covers only the caller’s tenant', async () => {
    const mine = await intruder.http.get(`${FINANCE}/reconciliation`);
    const theirs = await acme.http.get(`${FINANCE}/reconciliation`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.ok, true);
    assert.notDeepEqual(mine.body.checked, theirs.body.checked);
  });
});
