import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { race } from '@app/concurrency/testing';
import { NaiveAllocationModule } from '../../bench/naive-allocation/naive-allocation.module';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import { getItem, INVENTORY, inventoryConsistency, newItem } from '../support/factories/inventory';

/**
 * The deliberately unsafe bench route (bench/naive-allocation, mounted here as an extra
 * module; never in the app's build) against the same scenario as the safe route's race
 * test. It must oversell: that is the proof that the race test of
 * `POST /items/:id/allocate` is able to fail, i.e. that its green result means something.
 */
describe('inventory: the naive allocation route (bench only) oversells', () => {
  let ctx: TestContext;
  let acme: TestTenant;

  beforeAll(async () => {
    ctx = await createTestContext({ extraModules: [NaiveAllocationModule] });
    acme = await ctx.newTenant();
  });
  afterAll(() => ctx?.close());

  it('100 on hand, 10 × allocate-naive 80 at once → more than one 201, and the invariants break', async () => {
    // Interleaving is up to the scheduler; a few rounds make the demonstration deterministic in practice.
    let oversold = false;
    for (let round = 0; round < 5 && !oversold; round++) {
      const item = await newItem(acme, { quantityOnHand: 100 });
      const r = await race(10, () => acme.http.post(`${INVENTORY}/items/${item.id}/allocate-naive`, { quantity: 80, orderReference: 'JOB-1' }));
      assert.equal((r.counts['201'] ?? 0) + (r.counts['409'] ?? 0), 10, JSON.stringify(r.counts));
      oversold = (r.counts['201'] ?? 0) > 1;
      if (oversold) {
        // 80 × winners were promised out of 100; the item's counters cannot say so.
        const after = await getItem(acme, item.id);
        assert.equal(after.quantityAvailable, 20, 'lost updates: every winner wrote 100 − 80');
        const report = await inventoryConsistency(acme);
        assert.equal(report.ok, false);
        assert.ok(report.violations.some((v) => v.itemId === item.id && v.rule === 'quantityAvailable-vs-movements'));
      }
    }
    assert.ok(oversold, 'the naive route never oversold: the race is not being exercised');
  });

  it('the safe route on the same app still never oversells', async () => {
    const item = await newItem(acme, { quantityOnHand: 100 });
    const r = await race(10, () => acme.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 80, orderReference: 'JOB-1' }));
    assert.deepEqual(r.counts, { 201: 1, 409: 9 });
    assert.equal((await getItem(acme, item.id)).quantityAvailable, 20);
  });
});
