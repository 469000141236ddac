import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { assertConsecutive, expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import type { HttpClient } from '@app/concurrency/testing';
import { assertInventoryConsistent, getItem, getOrder, ifMatch, INVENTORY, newItem, newOrder, OrderView } from '../support/factories/inventory';

const numberOf = (orderNumber: string) => Number(/^SO-(\d{6})$/.exec(orderNumber)?.[1]);

describe('inventory: sales orders', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let clerk: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
  });
  afterAll(() => ctx?.close());
  afterEach(() => assertInventoryConsistent(acme));

  const order = (lines: Array<{ itemId: string; quantity: unknown }>, headers?: Record<string, string>, as: { http: HttpClient } = clerk) =>
    as.http.post(`${INVENTORY}/orders`, { customerName: 'Acme Packaging Ltd', lines }, { headers });
  const orderTotal = async (tenant: TestTenant = acme) => (await tenant.http.get(`${INVENTORY}/orders`)).body.total as number;

  it('creates a confirmed, queued, numbered order that allocates its lines', async () => {
    const tenant = await ctx.newTenant();
    const film = await newItem(tenant, { quantityOnHand: 10 });
    const core = await newItem(tenant, { quantityOnHand: 5 });
    const res = await tenant.http.post(`${INVENTORY}/orders`, {
      customerName: 'Acme',
      notes: 'dock 3',
      lines: [
        { itemId: film.id, quantity: 4 },
        { itemId: core.id, quantity: 5 },
      ],
    });
    assert.equal(res.status, 201, res.text);
    const o = res.body as OrderView;
    assert.deepEqual(
      { orderNumber: o.orderNumber, status: o.status, stage: o.stage, version: o.version, notes: o.notes },
      { orderNumber: 'SO-000001', status: 'confirmed', stage: 'queued', version: 1, notes: 'dock 3' },
    );
    assert.equal(res.headers.etag, '"1"');
    assert.deepEqual(
      o.lines.map((l) => [l.itemId, l.sku, l.quantity]),
      [
        [film.id, film.sku, 4],
        [core.id, core.sku, 5],
      ],
    );
    assert.deepEqual([(await getItem(tenant, film.id)).quantityAvailable, (await getItem(tenant, film.id)).quantityAllocated], [6, 4]);
    assert.deepEqual([(await getItem(tenant, core.id)).quantityAvailable, (await getItem(tenant, core.id)).quantityAllocated], [0, 5]);
    // The order's allocations are released by cancelling the order, not one by one.
    const release = await tenant.http.post(`${INVENTORY}/allocations/${o.lines[0].allocationId}/release`);
    assert.equal(release.status, 409);
    assert.equal(release.body.code, 'invalid-state');
    assert.equal((await tenant.http.post(`${INVENTORY}/orders`, { customerName: 'B', lines: [{ itemId: film.id, quantity: 1 }] })).body.orderNumber, 'SO-000002');
    await assertInventoryConsistent(tenant);
  });

  it('50 concurrent orders → 50 distinct consecutive order numbers', async () => {
    const tenant = await ctx.newTenant();
    const item = await newItem(tenant, { quantityOnHand: 1000 });
    const r = await race(50, () => order([{ itemId: item.id, quantity: 2 }], undefined, tenant));
    expectCounts(r, { 201: 50 });
    assertConsecutive(r.values().map((res) => numberOf(res.body.orderNumber)), 1);
    assert.deepEqual([(await getItem(tenant, item.id)).quantityAvailable, await orderTotal(tenant)], [900, 50]);
    await assertInventoryConsistent(tenant);
  });

  it('all or nothing: a short line allocates nothing and uses no number', async () => {
    const tenant = await ctx.newTenant();
    const plenty = await newItem(tenant, { quantityOnHand: 100 });
    const scarce = await newItem(tenant, { quantityOnHand: 3 });
    const first = await newOrder(tenant, { lines: [{ itemId: plenty.id, quantity: 1 }] });
    assert.equal(first.orderNumber, 'SO-000001');

    const short = await tenant.http.post(`${INVENTORY}/orders`, {
      customerName: 'C',
      lines: [
        { itemId: plenty.id, quantity: 10 },
        { itemId: scarce.id, quantity: 4 },
      ],
    });
    assert.equal(short.status, 409);
    assert.deepEqual(
      { code: short.body.code, line: short.body.line, itemId: short.body.itemId, available: short.body.available, requested: short.body.requested },
      { code: 'insufficient-stock', line: 1, itemId: scarce.id, available: 3, requested: 4 },
    );
    const unknown = await tenant.http.post(`${INVENTORY}/orders`, {
      customerName: 'C',
      lines: [
        { itemId: plenty.id, quantity: 10 },
        { itemId: '0123456789abcdef01234567', quantity: 1 },
      ],
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual([(await getItem(tenant, plenty.id)).quantityAvailable, (await getItem(tenant, scarce.id)).quantityAvailable], [99, 3]);
    assert.equal(await orderTotal(tenant), 1);
    assert.equal((await newOrder(tenant, { lines: [{ itemId: scarce.id, quantity: 3 }] })).orderNumber, 'SO-000002');
    await assertInventoryConsistent(tenant);
  });

  it('concurrent orders competing for scarce stock: winners + losers add up, numbers stay consecutive', async () => {
    const tenant = await ctx.newTenant();
    const item = await newItem(tenant, { quantityOnHand: 10 });
    const r = await race(20, () => order([{ itemId: item.id, quantity: 1 }], undefined, tenant));
    expectCounts(r, { 201: 10, 409: 10 });
    assertConsecutive(r.with(201).map((o) => numberOf(o.value!.body.orderNumber)), 1);
    assert.equal((await getItem(tenant, item.id)).quantityAvailable, 0);
    await assertInventoryConsistent(tenant);
  });

  it('10 identical concurrent stage moves → one 200, nine 409; then one step at a time to done', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const o = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
    const r = await race(10, () => clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'queued', to: 'slitting' }));
    expectCounts(r, { 200: 1, 409: 9 });
    for (const lost of r.with(409)) assert.deepEqual([lost.value!.body.code, lost.value!.body.currentState], ['invalid-state', 'slitting']);
    const moved = await getOrder(acme, o.id);
    assert.deepEqual([moved.stage, moved.version], ['slitting', o.version + 1]);

    // Skipping or going back is a bad request whatever the state; a stale `from` is a conflict.
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'slitting', to: 'packing' })).status, 400);
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'slitting', to: 'queued' })).status, 400);
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'slitting', to: 'shipped' })).status, 400);
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'queued', to: 'slitting' })).status, 409);
    for (const [from, to] of [['slitting', 'winding'], ['winding', 'packing'], ['packing', 'done']]) {
      assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from, to })).status, 200, `${from} → ${to}`);
    }
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'done', to: 'done' })).status, 400);
    assert.equal((await getOrder(acme, o.id)).stage, 'done');
  });

  it('concurrent moves from different stages: only the one matching the current stage wins', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const o = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
    const moves = [['queued', 'slitting'], ['slitting', 'winding'], ['winding', 'packing'], ['packing', 'done']];
    const r = await race(12, (i) => clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: moves[i % 4][0], to: moves[i % 4][1] }));
    assert.ok((r.counts['200'] ?? 0) >= 1 && (r.counts['200'] ?? 0) <= 4, JSON.stringify(r.counts));
    assert.equal((r.counts['200'] ?? 0) + (r.counts['409'] ?? 0), 12, JSON.stringify(r.counts));
    const after = await getOrder(acme, o.id);
    // Every 200 advanced the card exactly one step from queued.
    assert.equal(after.stage, ['queued', 'slitting', 'winding', 'packing', 'done'][r.counts['200']]);
    assert.equal(after.version, o.version + r.counts['200']);
  });

  it('10 concurrent cancels → one 200, nine 409; stock restored once', async () => {
    const film = await newItem(acme, { quantityOnHand: 100 });
    const core = await newItem(acme, { quantityOnHand: 100 });
    const o = await newOrder(acme, {
      lines: [
        { itemId: film.id, quantity: 80 },
        { itemId: core.id, quantity: 30 },
      ],
    });
    const r = await race(10, () => clerk.http.post(`${INVENTORY}/orders/${o.id}/cancel`));
    expectCounts(r, { 200: 1, 409: 9 });
    assert.equal(r.with(200)[0].value!.body.status, 'cancelled');
    for (const lost of r.with(409)) assert.deepEqual([lost.value!.body.code, lost.value!.body.currentState], ['invalid-state', 'cancelled']);
    for (const item of [film, core]) {
      const after = await getItem(acme, item.id);
      assert.deepEqual([after.quantityAvailable, after.quantityAllocated], [100, 0]);
    }
    const ledger = (await acme.http.get(`${INVENTORY}/items/${film.id}/movements`)).body;
    assert.deepEqual(
      ledger.items.map((m: { type: string; quantity: number }) => [m.type, m.quantity]),
      [
        ['opening', 100],
        ['allocation', -80],
        ['release', 80],
      ],
    );
    // A cancelled order's stage is frozen.
    const stage = await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'queued', to: 'slitting' });
    assert.deepEqual([stage.status, stage.body.currentState], [409, 'cancelled']);
  });

  it('cancel racing stage moves: the card never moves after the cancel, stock comes back once', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const o = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 10 }] });
    const r = await race(10, (i) =>
      i % 2 === 0 ? clerk.http.post(`${INVENTORY}/orders/${o.id}/cancel`) : clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, { from: 'queued', to: 'slitting' }),
    );
    const cancels = r.outcomes.filter((x) => x.index % 2 === 0);
    assert.equal(cancels.filter((x) => x.status === 200).length, 1);
    assert.deepEqual([(await getItem(acme, item.id)).quantityAvailable, (await getItem(acme, item.id)).quantityAllocated], [10, 0]);
    assert.equal((await getOrder(acme, o.id)).status, 'cancelled');
  });

  it('20 concurrent order POSTs with one Idempotency-Key → one order', async () => {
    const tenant = await ctx.newTenant();
    const item = await newItem(tenant, { quantityOnHand: 100 });
    const key = `order-${Date.now()}`;
    const r = await race(20, () => order([{ itemId: item.id, quantity: 5 }], { 'idempotency-key': key }, tenant));
    const ok = r.with(201).map((x) => x.value!);
    assert.equal(ok.length + (r.counts['409'] ?? 0), 20, JSON.stringify(r.counts));
    assert.equal(new Set(ok.map((res) => res.body.id)).size, 1);
    assert.equal(await orderTotal(tenant), 1);
    assert.equal((await getItem(tenant, item.id)).quantityAvailable, 95);
    await assertInventoryConsistent(tenant);
  });

  it('100 concurrent PATCHes with one If-Match → 1 × 200, 99 × 412; without If-Match → 428', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const o = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
    const r = await race(100, (i) => clerk.http.patch(`${INVENTORY}/orders/${o.id}`, { notes: `note ${i}` }, { headers: ifMatch(o.version) }));
    expectCounts(r, { 200: 1, 412: 99 });
    const after = await getOrder(acme, o.id);
    assert.equal(after.notes, r.with(200)[0].value!.body.notes);
    assert.equal(after.version, o.version + 1);
    assert.equal((await clerk.http.patch(`${INVENTORY}/orders/${o.id}`, { notes: 'x' })).status, 428);
    assert.equal((await clerk.http.patch(`${INVENTORY}/orders/${o.id}`, { status: 'cancelled' }, { headers: ifMatch(after.version) })).status, 400);
    assert.equal((await clerk.http.patch(`${INVENTORY}/orders/${o.id}`, { customerName: '' }, { headers: ifMatch(after.version) })).status, 400);
    assert.deepEqual(await getOrder(acme, o.id), after);
  });

  it('bad input → 400, unknown ids → 404, and nothing written', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const ordersBefore = await orderTotal();
    const bad: unknown[] = [
      {},
      { customerName: 'C' },
      { customerName: 'C', lines: [] },
      { lines: [{ itemId: item.id, quantity: 1 }] },
      ...[0, -1, 1.5, 'two', null].map((quantity) => ({ customerName: 'C', lines: [{ itemId: item.id, quantity }] })),
      { customerName: 'C', lines: [{ itemId: 'nope', quantity: 1 }] },
      { customerName: 'C', lines: [{ quantity: 1 }] },
      { customerName: 'C', lines: [null] },
      { customerName: 'C', lines: [{ itemId: item.id, quantity: 1 }, { itemId: item.id, quantity: 1 }] },
      { customerName: 'C', lines: [{ itemId: item.id, quantity: 1 }], status: 'cancelled' },
    ];
    for (const body of bad) {
      const res = await clerk.http.post(`${INVENTORY}/orders`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const o = await newOrder(acme, { lines: [{ itemId: item.id, quantity: 1 }] });
    for (const body of [{}, { from: 'queued' }, { from: 'queued', to: 1 }, { from: null, to: 'slitting' }]) {
      assert.equal((await clerk.http.post(`${INVENTORY}/orders/${o.id}/stage`, body)).status, 400, JSON.stringify(body));
    }
    for (const path of ['orders/nope', 'orders/nope/stage', 'orders/nope/cancel']) {
      const res = path.endsWith('nope') ? await clerk.http.get(`${INVENTORY}/${path}`) : await clerk.http.post(`${INVENTORY}/${path}`, { from: 'queued', to: 'slitting' });
      assert.equal(res.status, 400, path);
    }
    const missing = '0123456789abcdef01234567';
    assert.equal((await clerk.http.get(`${INVENTORY}/orders/${missing}`)).status, 404);
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${missing}/stage`, { from: 'queued', to: 'slitting' })).status, 404);
    assert.equal((await clerk.http.post(`${INVENTORY}/orders/${missing}/cancel`)).status, 404);
    assert.equal((await clerk.http.patch(`${INVENTORY}/orders/${missing}`, { notes: 'x' }, { headers: ifMatch(1) })).status, 404);
    assert.equal(await orderTotal(), ordersBefore + 1);
    assert.deepEqual(await getOrder(acme, o.id), o);
    assert.equal((await getItem(acme, item.id)).quantityAvailable, 9);
  });

  it('lists orders newest first with a total; accountants may read, not write', async () => {
    const tenant = await ctx.newTenant();
    const item = await newItem(tenant, { quantityOnHand: 10 });
    for (let i = 0; i < 3; i++) await newOrder(tenant, { lines: [{ itemId: item.id, quantity: 1 }] });
    const accountant = await ctx.newUser(tenant, { roles: [Role.Accountant] });
    const page = await accountant.http.get(`${INVENTORY}/orders`, { query: { pageSize: 2 } });
    assert.equal(page.status, 200);
    assert.deepEqual([page.body.total, page.body.items.map((o: OrderView) => o.orderNumber)], [3, ['SO-000003', 'SO-000002']]);
    assert.equal((await order([{ itemId: item.id, quantity: 1 }], undefined, accountant)).status, 403);
  });
});
