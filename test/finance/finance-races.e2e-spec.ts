/**
 * The finance race scenarios of issue #7, each fired CONCURRENTLY at the HTTP API, then
 * checked by status counts AND the final state (balances, entries, reconciliation).
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { assertConsecutive, assertDistinct, expectCounts, race } from '@app/concurrency/testing';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import {
  assertReconciled,
  entriesOf,
  FINANCE,
  getAccount,
  getInvoice,
  getPayment,
  getRetainer,
  invoiceBody,
  newAccount,
  newAccounts,
  newInvoice,
  newPayment,
  newRetainer,
  transferBody,
} from '../support/factories/finance';
import { newItem, newOrder } from '../support/factories/inventory';
import type { HttpResponse } from '@app/concurrency/testing';

const codesOf = (responses: Array<HttpResponse | undefined>): string[] => [...new Set(responses.map((r) => r?.body?.code as string))];

describe('finance races', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
  });
  afterAll(() => ctx?.close());

  it('a retainer of 1000 consumed by ten concurrent requests of 800: one success, balance 200', async () => {
    const retainer = await newRetainer(acme, { initialAmount: 1000 });
    const r = await race(10, () => acme.http.post(`${FINANCE}/retainers/${retainer.id}/consume`, { amount: 800, description: 'Court filing' }));
    expectCounts(r, { 200: 1, 409: 9 });
    assert.deepEqual(codesOf(r.with(409).map((o) => o.value)), ['insufficient-funds']);
    assert.equal(r.with(200)[0].value?.body.balance, 200);
    assert.equal((await getRetainer(acme, retainer.id)).balance, 200);
    await assertReconciled(acme);
  });

  it('a payment completed by ten concurrent requests completes once, with one journal entry', async () => {
    // Two payments raced at once: a standalone one, where only the guarded transition stands
    // between ten completions and ten entries, and one paying an invoice in full.
    const standalone = await newPayment(acme, { amount: 4_000, method: 'cash' });
    const invoice = await newInvoice(acme, { total: 12_500 });
    const forInvoice = await newPayment(acme, { invoiceId: invoice.id, amount: 12_500 });
    const r = await race(20, (i) => acme.http.post(`${FINANCE}/payments/${(i % 2 ? forInvoice : standalone).id}/complete`));
    expectCounts(r, { 200: 2, 409: 18 });
    assert.deepEqual(codesOf(r.with(409).map((o) => o.value)), ['invalid-state']);
    assert.deepEqual(r.with(200).map((o) => o.index % 2).sort(), [0, 1], 'one completion per payment');

    const paid = await getInvoice(acme, invoice.id);
    assert.equal(paid.amountPaid, 12_500);
    assert.equal(paid.status, 'paid');
    const accounts = await acme.http.get(`${FINANCE}/accounts`, { query: { pageSize: 100 } });
    const cash = accounts.body.items.find((a: { system: boolean; type: string; currency: string }) => a.system && a.type === 'asset' && a.currency === 'EUR');
    const cashEntries = (await entriesOf(acme, cash.id)).items;
    for (const payment of [standalone, forInvoice]) {
      const completed = await getPayment(acme, payment.id);
      assert.equal(completed.status, 'completed');
      const entries = cashEntries.filter((e) => e.reference.type === 'payment' && e.reference.id === payment.id);
      assert.equal(entries.length, 1, 'exactly one journal entry per completed payment');
      assert.equal(entries[0].id, completed.entryId);
    }
    await assertReconciled(acme);
  });

  it('ten concurrent transfers of 800 from an account holding 1000: one success, 200 and 800', async () => {
    const from = await newAccount(acme, { openingBalance: 1000 });
    const to = await newAccount(acme);
    const r = await race(10, () => acme.http.post(`${FINANCE}/transfers`, transferBody(from.id, to.id, 800)));
    expectCounts(r, { 201: 1, 409: 9 });
    assert.deepEqual(codesOf(r.with(409).map((o) => o.value)), ['insufficient-funds']);
    assert.equal((await getAccount(acme, from.id)).balance, 200);
    assert.equal((await getAccount(acme, to.id)).balance, 800);
    // One transfer entry on each side (plus the opening balance on the source).
    assert.equal((await entriesOf(acme, from.id)).total, 2);
    assert.equal((await entriesOf(acme, to.id)).total, 1);
    await assertReconciled(acme);
  });

  it('forty concurrent transfers, most of them wrong in one of five ways: each gets its own answer, only the fifteen good ones move money', async () => {
    // Concurrent transfers of a tenant share one batch and one read of the accounts: a bad
    // account in one request must decide that request only, and the answers must not shift.
    const tenant = await ctx.newTenant();
    const other = await ctx.newTenant();
    const [a, b] = await newAccounts(tenant, 2, { openingBalance: 1_000 });
    const usd = await newAccount(tenant, { currency: 'USD', openingBalance: 1_000 });
    const foreign = await newAccount(other, { openingBalance: 1_000 });
    const system = (await entriesOf(tenant, a.id)).items[0].lines.find((l) => l.accountId !== a.id)!.accountId;
    const kinds = [
      { expect: 201, body: transferBody(a.id, b.id, 10) },
      { expect: 404, body: transferBody(a.id, '65a1b2c3d4e5f60718293a4b', 10) },
      { expect: 404, body: transferBody(foreign.id, b.id, 10) },
      { expect: 422, body: transferBody(a.id, usd.id, 10) },
      { expect: 400, body: transferBody(a.id, a.id.toUpperCase(), 10) },
      { expect: 400, body: transferBody(system, b.id, 10) },
      { expect: 201, body: transferBody(b.id, a.id, 3) },
      { expect: 201, body: transferBody(a.id, b.id, 10) },
    ];
    const r = await race(40, (i) => tenant.http.post(`${FINANCE}/transfers`, kinds[i % kinds.length].body));
    for (const o of r.outcomes) assert.equal(o.status, kinds[o.index % kinds.length].expect, `request ${o.index}: ${JSON.stringify(o.value?.body)}`);
    expectCounts(r, { 201: 15, 404: 10, 422: 5, 400: 10 });
    assert.equal((await getAccount(tenant, a.id)).balance, 1_000 - 100 + 15);
    assert.equal((await getAccount(tenant, b.id)).balance, 1_000 + 100 - 15);
    assert.equal((await getAccount(tenant, usd.id)).balance, 1_000);
    assert.equal((await getAccount(other, foreign.id)).balance, 1_000);
    await assertReconciled(tenant);
    await assertReconciled(other);
  });

  it('200 concurrent transfers among 5 accounts (a seeded random sample, the same every run): money conserved, never negative, reconciled', async () => {
    const tenant = await ctx.newTenant();
    const accounts = await newAccounts(tenant, 5, { openingBalance: 10_000 });
    const moves = fc.sample(
      fc.record({ from: fc.nat({ max: 4 }), offset: fc.integer({ min: 1, max: 4 }), amount: fc.integer({ min: 1, max: 6_000 }) }),
      { numRuns: 200, seed: 20_250_131 },
    );
    const r = await race(moves.length, (i) => {
      const { from, offset, amount } = moves[i];
      return tenant.http.post(`${FINANCE}/transfers`, transferBody(accounts[from].id, accounts[(from + offset) % 5].id, amount));
    });
    for (const status of Object.keys(r.counts)) assert.ok(status === '201' || status === '409', `unexpected status ${status}: ${JSON.stringify(r.counts)}`);
    // A 409 is a refused transfer: short of funds, or (on a loaded machine) `contention` when
    // the toolkit's retry budget ran out — both leave the books untouched, checked below.
    for (const code of codesOf(r.with(409).map((o) => o.value))) assert.ok(code === 'insufficient-funds' || code === 'contention', code);
    assert.ok((r.counts['201'] ?? 0) >= 20, `most transfers should post: ${JSON.stringify(r.counts)}`);

    // Each final balance is exactly its opening balance plus what the posted transfers moved.
    const expected = accounts.map(() => 10_000);
    for (const o of r.with(201)) {
      const { from, offset, amount } = moves[o.index];
      expected[from] -= amount;
      expected[(from + offset) % 5] += amount;
    }
    const balances = await Promise.all(accounts.map(async (a) => (await getAccount(tenant, a.id)).balance));
    assert.deepEqual(balances, expected);
    assert.equal(balances.reduce((s, b) => s + b, 0), 50_000);
    for (const b of balances) assert.ok(b >= 0, `negative balance ${b}`);
    await assertReconciled(tenant);
  });

  it('ten concurrent invoices for one order: one invoice; the others are 409 duplicate naming it', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const order = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
    const r = await race(10, () => acme.http.post(`${FINANCE}/invoices`, invoiceBody({ orderId: order.id })));
    expectCounts(r, { 201: 1, 409: 9 });
    const winner = r.with(201)[0].value!.body;
    for (const o of r.with(409)) {
      assert.equal(o.value?.body.code, 'duplicate');
      assert.equal(o.value?.body.existingInvoiceId, winner.id);
    }
    const list = await acme.http.get(`${FINANCE}/invoices`, { query: { pageSize: 100 } });
    assert.equal(list.body.items.filter((i: { orderId?: string }) => i.orderId === order.id).length, 1);
    await assertReconciled(acme);

    // Voiding the live invoice frees the order for exactly one new invoice.
    const voided = await acme.http.post(`${FINANCE}/invoices/${winner.id}/void`, undefined, { headers: { 'if-match': `"${winner.version}"` } });
    assert.equal(voided.status, 200, voided.text);
    const again = await race(5, () => acme.http.post(`${FINANCE}/invoices`, invoiceBody({ orderId: order.id })));
    expectCounts(again, { 201: 1, 409: 4 });
  });

  it('thirty concurrent invoices get thirty distinct, consecutive numbers', async () => {
    const tenant = await ctx.newTenant();
    const r = await race(30, () => tenant.http.post(`${FINANCE}/invoices`, invoiceBody({ total: 1_000 })));
    expectCounts(r, { 201: 30 });
    const numbers = r.values().map((res) => res.body.invoiceNumber as string);
    assertDistinct(numbers);
    for (const n of numbers) assert.match(n, /^INV-\d{6}$/);
    assertConsecutive(numbers.map((n) => Number(n.slice(4))), 1);
  });

  it('five concurrent reversals of one transfer entry: reversed once', async () => {
    const from = await newAccount(acme, { openingBalance: 1_000 });
    // The receiver holds plenty, so only "reversed at most once" can stop the duplicates.
    const to = await newAccount(acme, { openingBalance: 10_000 });
    const posted = await acme.http.post(`${FINANCE}/transfers`, transferBody(from.id, to.id, 600));
    assert.equal(posted.status, 201, posted.text);
    const r = await race(5, () => acme.http.post(`${FINANCE}/entries/${posted.body.entryId}/reverse`, { reason: 'Wrong account' }));
    expectCounts(r, { 201: 1, 409: 4 });
    assert.deepEqual(codesOf(r.with(409).map((o) => o.value)), ['duplicate']);
    assert.equal((await getAccount(acme, from.id)).balance, 1_000);
    assert.equal((await getAccount(acme, to.id)).balance, 10_000);
    await assertReconciled(acme);
  });

  it('twenty concurrent transfers with one Idempotency-Key: one transfer, replays, and 422 for another body', async () => {
    const from = await newAccount(acme, { openingBalance: 5_000 });
    const to = await newAccount(acme);
    const body = transferBody(from.id, to.id, 700);
    const headers = { 'idempotency-key': `transfer-${from.id}` };
    const r = await race(20, () => acme.http.post(`${FINANCE}/transfers`, body, { headers }));
    for (const status of Object.keys(r.counts)) assert.ok(status === '201' || status === '409', JSON.stringify(r.counts));
    assert.deepEqual(codesOf(r.with(409).map((o) => o.value)).filter(Boolean), r.with(409).length ? ['idempotency-in-progress'] : []);
    const ids = new Set(r.with(201).map((o) => o.value!.body.id as string));
    assert.equal(ids.size, 1, 'every 201 names the same transfer');

    assert.equal((await getAccount(acme, from.id)).balance, 4_300);
    assert.equal((await getAccount(acme, to.id)).balance, 700);
    assert.equal((await entriesOf(acme, to.id)).total, 1);

    const retry = await acme.http.post(`${FINANCE}/transfers`, body, { headers });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.id, [...ids][0]);
    const reused = await acme.http.post(`${FINANCE}/transfers`, { ...body, amount: 701 }, { headers });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, 'idempotency-key-reused');
    assert.equal((await getAccount(acme, from.id)).balance, 4_300);
    await assertReconciled(acme);
  });
});
