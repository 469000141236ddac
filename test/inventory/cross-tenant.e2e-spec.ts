import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import { expectCrossTenant404, expectNotListedCrossTenant, intruderOf } from '../support/tenant-isolation';
import { assertInventoryConsistent, getItem, INVENTORY, ItemView, newItem, newOrder, OrderView } from '../support/factories/inventory';

describe('inventory: another tenant’s resources are 404 on every route', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let item: ItemView;
  let order: OrderView;
  let allocationId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    item = await newItem(acme, { quantityOnHand: 50 });
    order = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 5 }] });
    const allocation = await acme.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 5, orderReference: 'JOB-1' });
    assert.equal(allocation.status, 201);
    allocationId = allocation.body.id;
  });
  afterAll(() => ctx?.close());

  it('items', async () => {
    const path = `${INVENTORY}/items/${item.id}`;
    await expectCrossTenant404(ctx, acme, { method: 'GET', path });
    await expectCrossTenant404(ctx, acme, { method: 'PATCH', path, body: { name: 'stolen' } });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${path}/receive`, body: { quantity: 1, reference: 'x' }, readPath: path });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${path}/allocate`, body: { quantity: 1, orderReference: 'x' }, readPath: path });
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${path}/movements` });
    await expectNotListedCrossTenant(ctx, { path: `${INVENTORY}/items`, id: item.id });
  });

  it('allocations', async () => {
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${INVENTORY}/allocations/${allocationId}/release`, readPath: `${INVENTORY}/items/${item.id}` });
  });

  it('orders', async () => {
    const path = `${INVENTORY}/orders/${order.id}`;
    await expectCrossTenant404(ctx, acme, { method: 'GET', path });
    await expectCrossTenant404(ctx, acme, { method: 'PATCH', path, body: { notes: 'stolen' } });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${path}/stage`, body: { from: 'queued', to: 'slitting' }, readPath: path });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${path}/cancel`, readPath: path });
    await expectNotListedCrossTenant(ctx, { path: `${INVENTORY}/orders`, id: order.id });
  });

  it("an order line naming another tenant's item is 404 and allocates nothing", async () => {
    const intruder = await intruderOf(ctx);
    const res = await intruder.http.post(`${INVENTORY}/orders`, { customerName: 'x', lines: [{ itemId: item.id, quantity: 1 }] });
    assert.equal(res.status, 404);
    assert.equal((await getItem(acme, item.id)).quantityAvailable, 40);
  });

  it("the consistency report covers only the caller's tenant, and both stay consistent", async () => {
    const intruder = await intruderOf(ctx);
    const report = await intruder.http.get(`${INVENTORY}/consistency`);
    assert.deepEqual(report.body, { ok: true, itemsChecked: 0, violations: [] });
    await assertInventoryConsistent(acme);
  });
});
