import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { assertInventoryConsistent, getItem, ifMatch, INVENTORY, ItemView, newItem, nextSku } from '../support/factories/inventory';

describe('inventory: items, receipts, movements', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let clerk: TestUser;
  let accountant: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
    accountant = await ctx.newUser(acme, { roles: [Role.Accountant] });
  });
  afterAll(() => ctx?.close());
  afterEach(() => assertInventoryConsistent(acme));

  const movementsOf = async (id: string) => (await acme.http.get(`${INVENTORY}/items/${id}/movements`, { query: { pageSize: 100 } })).body;
  const itemCount = async () => (await acme.http.get(`${INVENTORY}/items`)).body.total as number;

  it('creates an item with its opening movement, ETag and wire shape', async () => {
    const sku = nextSku('FILM');
    const res = await acme.http.post(`${INVENTORY}/items`, { sku, name: 'Clear film', quantityOnHand: 100, unit: 'roll' });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(
      { sku: res.body.sku, name: res.body.name, unit: res.body.unit, onHand: res.body.quantityOnHand, allocated: res.body.quantityAllocated, available: res.body.quantityAvailable, version: res.body.version },
      { sku, name: 'Clear film', unit: 'roll', onHand: 100, allocated: 0, available: 100, version: 1 },
    );
    assert.match(res.body.id, /^[0-9a-f]{24}$/);
    assert.equal(res.body._id, undefined);
    assert.equal(res.body.__v, undefined);
    assert.equal(res.body.tenantId, undefined);
    assert.equal(res.headers.etag, '"1"');

    const ledger = await movementsOf(res.body.id);
    assert.equal(ledger.total, 1);
    assert.deepEqual([ledger.items[0].type, ledger.items[0].quantity], ['opening', 100]);

    const one = await acme.http.get(`${INVENTORY}/items/${res.body.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.headers.etag, '"1"');
    assert.equal((await acme.http.get(`${INVENTORY}/items/${res.body.id}`, { headers: { 'if-none-match': '"1"' } })).status, 304);
    assert.equal((await acme.http.post(`${INVENTORY}/items`, { sku: nextSku(), name: 'Empty', quantityOnHand: 0 })).body.unit, 'pcs');
  });

  it('409 duplicate for a second item with the same sku, and nothing written', async () => {
    const item = await newItem(acme);
    const before = await itemCount();
    const res = await acme.http.post(`${INVENTORY}/items`, { sku: item.sku, name: 'again', quantityOnHand: 5 });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'duplicate');
    assert.deepEqual(res.body.fields, ['sku']);
    assert.equal(await itemCount(), before);
    // Another tenant may use the same sku.
    const other = await ctx.newTenant();
    await newItem(other, { sku: item.sku });
    await assertInventoryConsistent(other);
  });

  it('20 concurrent creates of one sku → one 201, nineteen 409', async () => {
    const sku = nextSku('RACE');
    const r = await race(20, () => acme.http.post(`${INVENTORY}/items`, { sku, name: 'x', quantityOnHand: 10 }));
    expectCounts(r, { 201: 1, 409: 19 });
  });

  it('400 for bad input with nothing written', async () => {
    const before = await itemCount();
    const bad: unknown[] = [
      {},
      { name: 'x', quantityOnHand: 1 },
      { sku: nextSku(), quantityOnHand: 1 },
      { sku: nextSku(), name: 'x' },
      ...[-1, 1.5, 'two', '5', null].map((q) => ({ sku: nextSku(), name: 'x', quantityOnHand: q })),
      { sku: nextSku(), name: 'x', quantityOnHand: 1, quantityAllocated: 5 },
      { sku: nextSku(), name: 'x', quantityOnHand: 1, version: 7 },
      { sku: { $ne: null }, name: 'x', quantityOnHand: 1 },
    ];
    for (const body of bad) {
      const res = await acme.http.post(`${INVENTORY}/items`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.headers['content-type'], /application\/problem\+json/);
    }
    assert.equal(await itemCount(), before);
    assert.equal((await acme.http.get(`${INVENTORY}/items/not-an-id`)).body.code, 'invalid-id');
    assert.equal((await acme.http.get(`${INVENTORY}/items`, { query: { page: 'two' } })).status, 400);
    assert.equal((await acme.http.get(`${INVENTORY}/items`, { query: { pageSize: 1000 } })).status, 400);
  });

  it('lists items in pages with a total', async () => {
    const tenant = await ctx.newTenant();
    for (let i = 0; i < 5; i++) await newItem(tenant, { quantityOnHand: i });
    const page = await tenant.http.get(`${INVENTORY}/items`, { query: { page: 2, pageSize: 2 } });
    assert.equal(page.status, 200);
    assert.deepEqual([page.body.page, page.body.pageSize, page.body.total, page.body.items.length], [2, 2, 5, 2]);
    assert.deepEqual(page.body.items.map((i: ItemView) => i.quantityOnHand), [2, 3]);
    assert.equal((await clerk.http.get(`${INVENTORY}/items`)).status, 200);
    assert.equal((await accountant.http.get(`${INVENTORY}/items`)).status, 200);
    await assertInventoryConsistent(tenant);
  });

  it('receives stock: 200 item, receipt movement; bad input 400 / unknown item 404 with nothing written', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const res = await acme.http.post(`${INVENTORY}/items/${item.id}/receive`, { quantity: 5, reference: 'PO-1' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.quantityOnHand, 15);
    assert.equal(res.body.version, 2);
    for (const quantity of [0, -1, 1.5, 'two', null]) {
      const bad = await acme.http.post(`${INVENTORY}/items/${item.id}/receive`, { quantity, reference: 'PO-2' });
      assert.equal(bad.status, 400, String(quantity));
    }
    assert.equal((await acme.http.post(`${INVENTORY}/items/${item.id}/receive`, { quantity: 1 })).status, 400);
    assert.equal((await acme.http.post(`${INVENTORY}/items/0123456789abcdef01234567/receive`, { quantity: 1, reference: 'x' })).status, 404);
    assert.equal((await acme.http.post(`${INVENTORY}/items/nope/receive`, { quantity: 1, reference: 'x' })).status, 400);
    assert.equal((await getItem(acme, item.id)).quantityOnHand, 15);
    const ledger = await movementsOf(item.id);
    assert.deepEqual(
      ledger.items.map((m: { type: string; quantity: number }) => [m.type, m.quantity]),
      [
        ['opening', 10],
        ['receipt', 5],
      ],
    );
  });

  it('50 concurrent receipts of 2 → +100, 50 movements', async () => {
    const item = await newItem(acme, { quantityOnHand: 0 });
    const r = await race(50, (i) => acme.http.post(`${INVENTORY}/items/${item.id}/receive`, { quantity: 2, reference: `PO-${i}` }));
    expectCounts(r, { 200: 50 });
    assert.equal((await getItem(acme, item.id)).quantityOnHand, 100);
    assert.equal((await movementsOf(item.id)).total, 51);
  });

  it('roles: clerks may read and allocate but not create, receive, rename or audit', async () => {
    const item = await newItem(acme);
    assert.equal((await clerk.http.post(`${INVENTORY}/items`, { sku: nextSku(), name: 'x', quantityOnHand: 1 })).status, 403);
    assert.equal((await clerk.http.post(`${INVENTORY}/items/${item.id}/receive`, { quantity: 1, reference: 'x' })).status, 403);
    assert.equal((await clerk.http.patch(`${INVENTORY}/items/${item.id}`, { name: 'x' }, { headers: ifMatch(1) })).status, 403);
    assert.equal((await clerk.http.get(`${INVENTORY}/consistency`)).status, 403);
    assert.equal((await accountant.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 1, orderReference: 'x' })).status, 403);
    assert.equal((await clerk.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 1, orderReference: 'x' })).status, 201);
    assert.equal((await ctx.http.get(`${INVENTORY}/items`)).status, 401);
    assert.equal((await getItem(acme, item.id)).quantityAvailable, 99);
  });

  it('100 concurrent PATCHes with one If-Match → 1 × 200, 99 × 412; without If-Match → 428', async () => {
    const item = await newItem(acme);
    const r = await race(100, (i) => acme.http.patch(`${INVENTORY}/items/${item.id}`, { name: `Name ${i}` }, { headers: ifMatch(item.version) }));
    expectCounts(r, { 200: 1, 412: 99 });
    const winner = r.with(200)[0].value!;
    const after = await getItem(acme, item.id);
    assert.equal(after.name, winner.body.name);
    assert.equal(after.version, item.version + 1);
    assert.equal(r.with(412)[0].value!.body.currentVersion, item.version + 1);

    const missing = await acme.http.patch(`${INVENTORY}/items/${item.id}`, { name: 'no precondition' });
    assert.equal(missing.status, 428);
    assert.equal(missing.body.code, 'precondition-required');
    // Quantities cannot be patched.
    const qty = await acme.http.patch(`${INVENTORY}/items/${item.id}`, { quantityOnHand: 1000 }, { headers: ifMatch(after.version) });
    assert.equal(qty.status, 400);
    assert.equal((await acme.http.patch(`${INVENTORY}/items/${item.id}`, {}, { headers: ifMatch(after.version) })).status, 400);
    assert.deepEqual(await getItem(acme, item.id), after);
  });

  it('movements: page and total, 404 for an unknown item', async () => {
    const item = await newItem(acme, { quantityOnHand: 1 });
    for (let i = 0; i < 4; i++) await acme.http.post(`${INVENTORY}/items/${item.id}/receive`, { quantity: 1, reference: `R${i}` });
    const page = await clerk.http.get(`${INVENTORY}/items/${item.id}/movements`, { query: { page: 2, pageSize: 2 } });
    assert.equal(page.status, 200);
    assert.deepEqual([page.body.total, page.body.items.length, page.body.items[0].reference], [5, 2, 'R1']);
    assert.equal((await acme.http.get(`${INVENTORY}/items/0123456789abcdef01234567/movements`)).status, 404);
  });

  it('the consistency report is for managers and admins, and counts the tenant’s items', async () => {
    const tenant = await ctx.newTenant();
    await newItem(tenant);
    const manager = await ctx.newUser(tenant, { roles: [Role.Manager] });
    const report = await manager.http.get(`${INVENTORY}/consistency`);
    assert.equal(report.status, 200);
    assert.deepEqual(report.body, { ok: true, itemsChecked: 1, violations: [] });
  });

  it('the unsafe bench route is not part of the app (bench/naive-allocation mounts it)', async () => {
    const item = await newItem(acme, { quantityOnHand: 5 });
    const res = await acme.http.post(`${INVENTORY}/items/${item.id}/allocate-naive`, { quantity: 1, orderReference: 'x' });
    assert.equal(res.status, 404);
    assert.equal((await getItem(acme, item.id)).quantityOnHand, 5);
    const doc = await ctx.http.get('/docs-json');
    assert.ok(!Object.keys(doc.body.paths).some((p) => p.includes('allocate-naive')));
  });
});
