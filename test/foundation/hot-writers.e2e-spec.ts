import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { assertInventoryConsistent, getItem, INVENTORY, newItem } from '../support/factories/inventory';
import { FINANCE, getAccount, newAccounts } from '../support/factories/finance';

/**
 * Writers of one document in one process: allocations of one item, and transfers of one
 * tenant, share group-commit transactions. They never collide in a write conflict here, so
 * the toolkit never has to re-run them — the retry counter is the proof — fewer transactions
 * than requests run, and the invariants still hold.
 */
describe('hot writers: concurrent writers of one document in one process never conflict', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let clerk: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
  });
  afterAll(() => ctx?.close());

  async function counter(metric: string, name: string): Promise<number> {
    const metrics = await ctx.http.get('/metrics');
    assert.equal(metrics.status, 200);
    const match = new RegExp(`^${metric}\\{name="${name.replace(/\./g, '\\.')}"\\} (\\d+)$`, 'm').exec(metrics.text);
    return match ? Number(match[1]) : 0;
  }
  const retries = (name: string) => counter('transactions_retried_total', name);

  it('60 × allocate 1 of one item at once → 50 × 201, 10 × 409 insufficient-stock, fewer transactions than requests, none re-run', async () => {
    const item = await newItem(acme, { quantityOnHand: 50 });
    const before = await retries('StockService.allocate');
    const startedBefore = await counter('transactions_started_total', 'StockService.allocate');
    const r = await race(60, () => clerk.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 1, orderReference: 'JOB-K' }));
    expectCounts(r, { 201: 50, 409: 10 });
    for (const lost of r.with(409)) assert.equal(lost.value!.body.code, 'insufficient-stock');
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityOnHand, after.quantityAllocated, after.quantityAvailable], [50, 50, 0]);
    assert.equal(await retries('StockService.allocate'), before, 'allocations of one item collided in write conflicts');
    const transactions = (await counter('transactions_started_total', 'StockService.allocate')) - startedBefore;
    assert.ok(transactions < 60, `60 allocations of one item ran as ${transactions} transactions: none were batched`);
    // Each 201 left a distinct remainder: the batch decided them as if one by one.
    assert.deepEqual(r.with(201).map((o) => o.value!.body.remaining as number).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    await assertInventoryConsistent(acme);
  });

  it('40 transfers at once in both directions between three accounts → all 201, money conserved, fewer transactions than requests, none re-run', async () => {
    const accounts = await newAccounts(acme, 3, { openingBalance: 100_000 });
    const before = await retries('finance.transfer');
    const startedBefore = await counter('transactions_started_total', 'finance.transfer');
    const r = await race(40, (i) =>
      acme.http.post(`${FINANCE}/transfers`, { fromAccountId: accounts[i % 3].id, toAccountId: accounts[(i + 1 + (i % 2)) % 3].id, amount: 100 + i, description: `race ${i}` }),
    );
    expectCounts(r, { 201: 40 });
    const balances = await Promise.all(accounts.map(async (a) => (await getAccount(acme, a.id)).balance));
    assert.equal(balances.reduce((s, b) => s + b, 0), 300_000);
    assert.equal(await retries('finance.transfer'), before, 'transfers sharing an account collided in write conflicts');
    const transactions = (await counter('transactions_started_total', 'finance.transfer')) - startedBefore;
    assert.ok(transactions < 40, `40 transfers ran as ${transactions} transactions: none were batched`);
  });

  it('5 × transfer 30 from an account holding 100 at once → 3 × 201, 2 × 409 insufficient-funds seeing 10, as if one by one', async () => {
    const [from, to] = await newAccounts(acme, 2, { openingBalance: 100 });
    const r = await race(5, (i) => acme.http.post(`${FINANCE}/transfers`, { fromAccountId: from.id, toAccountId: to.id, amount: 30, description: `overdraw ${i}` }));
    expectCounts(r, { 201: 3, 409: 2 });
    for (const lost of r.with(409)) assert.deepEqual([lost.value!.body.code, lost.value!.body.available], ['insufficient-funds', 10]);
    assert.deepEqual([(await getAccount(acme, from.id)).balance, (await getAccount(acme, to.id)).balance], [10, 190]);
    assert.equal((await acme.http.get(`${FINANCE}/reconciliation`)).body.ok, true);
  });
});
