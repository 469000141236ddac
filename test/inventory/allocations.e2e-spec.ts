import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { assertInventoryConsistent, getItem, INVENTORY, newItem } from '../support/factories/inventory';

describe('inventory: allocations never oversell', () => {
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

  const allocate = (itemId: string, quantity: unknown, headers?: Record<string, string>) =>
    clerk.http.post(`${INVENTORY}/items/${itemId}/allocate`, { quantity, orderReference: 'JOB-1' }, { headers });
  const ledgerTotal = async (itemId: string) => (await acme.http.get(`${INVENTORY}/items/${itemId}/movements`)).body.total as number;

  it('names the quantities: allocating 3 of 10 → on hand 10, allocated 3, available 7; a 409 reports available', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    assert.equal((await allocate(item.id, 3)).status, 201);
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityOnHand, after.quantityAllocated, after.quantityAvailable], [10, 3, 7]);
    const short = await allocate(item.id, 8);
    assert.deepEqual([short.status, short.body.code, short.body.available, short.body.requested], [409, 'insufficient-stock', 7, 8]);
  });

  it('allocates: 201 {id, itemId, quantity, remaining}; available down, allocated up, on hand unchanged, one movement', async () => {
    const item = await newItem(acme, { quantityOnHand: 100 });
    const res = await allocate(item.id, 30);
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(
      { itemId: res.body.itemId, quantity: res.body.quantity, remaining: res.body.remaining, status: res.body.status },
      { itemId: item.id, quantity: 30, remaining: 70, status: 'open' },
    );
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityAvailable, after.quantityAllocated], [70, 30]);
    const ledger = (await acme.http.get(`${INVENTORY}/items/${item.id}/movements`)).body;
    assert.deepEqual(ledger.items.at(-1), { ...ledger.items.at(-1), type: 'allocation', quantity: -30, allocationId: res.body.id });
  });

  it('100 on hand, 10 × allocate 80 at once → exactly one 201, nine 409 insufficient-stock; available 20', async () => {
    const item = await newItem(acme, { quantityOnHand: 100 });
    const r = await race(10, () => allocate(item.id, 80));
    expectCounts(r, { 201: 1, 409: 9 });
    for (const lost of r.with(409)) {
      assert.equal(lost.value!.body.code, 'insufficient-stock');
      assert.equal(lost.value!.body.available, 20);
      assert.equal(lost.value!.body.requested, 80);
    }
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityAvailable, after.quantityAllocated], [20, 80]);
    assert.equal(await ledgerTotal(item.id), 2);
  });

  it('100 on hand, 150 × allocate 1 at once → exactly 100 × 201; available 0', async () => {
    const item = await newItem(acme, { quantityOnHand: 100 });
    const r = await race(150, () => allocate(item.id, 1));
    expectCounts(r, { 201: 100, 409: 50 });
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityAvailable, after.quantityAllocated], [0, 100]);
    assert.equal(await ledgerTotal(item.id), 101);
    // Each success saw a distinct remaining quantity: the decrements were serialised.
    const remaining = r.with(201).map((o) => o.value!.body.remaining as number);
    assert.deepEqual([...remaining].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  });

  it('20 concurrent allocations with one Idempotency-Key → one allocation', async () => {
    const item = await newItem(acme, { quantityOnHand: 100 });
    const key = `alloc-${Date.now()}`;
    const r = await race(20, () => allocate(item.id, 7, { 'idempotency-key': key }));
    // Each request either got the (replayed) 201 or was told the first is still in flight.
    const ok = r.with(201).map((o) => o.value!);
    assert.equal(ok.length + (r.counts['409'] ?? 0), 20, JSON.stringify(r.counts));
    assert.ok(ok.length >= 1);
    for (const o of r.with(409)) assert.equal(o.value!.body.code, 'idempotency-in-progress');
    assert.equal(new Set(ok.map((res) => res.body.id)).size, 1, 'one allocation id');
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityAvailable, after.quantityAllocated], [93, 7]);
    assert.equal(await ledgerTotal(item.id), 2);
    // A later retry replays the same answer; the same key with another body is refused.
    const replay = await allocate(item.id, 7, { 'idempotency-key': key });
    assert.equal(replay.status, 201);
    assert.equal(replay.body.id, ok[0].body.id);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal((await allocate(item.id, 8, { 'idempotency-key': key })).status, 422);
    assert.equal((await getItem(acme, item.id)).quantityAvailable, 93);
  });

  it('releases exactly once: 10 concurrent releases → one 200, nine 409; stock back once', async () => {
    const item = await newItem(acme, { quantityOnHand: 50 });
    const allocation = (await allocate(item.id, 20)).body;
    const r = await race(10, () => clerk.http.post(`${INVENTORY}/allocations/${allocation.id}/release`));
    expectCounts(r, { 200: 1, 409: 9 });
    assert.equal(r.with(200)[0].value!.body.status, 'released');
    assert.equal(r.with(200)[0].value!.body.remaining, 50);
    for (const o of r.with(409)) assert.deepEqual([o.value!.body.code, o.value!.body.currentState], ['invalid-state', 'released']);
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityAvailable, after.quantityAllocated], [50, 0]);
    assert.equal((await clerk.http.post(`${INVENTORY}/allocations/${allocation.id}/release`)).status, 409);
    assert.equal(await ledgerTotal(item.id), 3);
  });

  it('20 releases racing 20 allocations keep the invariants', async () => {
    const item = await newItem(acme, { quantityOnHand: 30 });
    const first = await race(40, () => allocate(item.id, 1));
    expectCounts(first, { 201: 30, 409: 10 });
    const ids = first.with(201).map((o) => o.value!.body.id as string);
    const mixed = await race(40, (i) => (i < 20 ? clerk.http.post(`${INVENTORY}/allocations/${ids[i]}/release`) : allocate(item.id, 1)));
    assert.equal(mixed.counts['200'], 20);
    const granted = mixed.counts['201'] ?? 0;
    const after = await getItem(acme, item.id);
    assert.equal(after.quantityAllocated, 30 - 20 + granted);
    assert.equal(after.quantityAvailable + after.quantityAllocated, 30);
  });

  it('bad input → 400, unknown item → 404, and nothing written', async () => {
    const item = await newItem(acme, { quantityOnHand: 10 });
    const before = await ledgerTotal(item.id);
    for (const quantity of [0, -1, 1.5, 'two', null, '3']) {
      const res = await allocate(item.id, quantity);
      assert.equal(res.status, 400, String(quantity));
      assert.equal(res.body.code, 'validation-failed');
    }
    assert.equal((await clerk.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 1 })).status, 400);
    assert.equal((await clerk.http.post(`${INVENTORY}/items/${item.id}/allocate`, { orderReference: 'x' })).status, 400);
    assert.equal((await clerk.http.post(`${INVENTORY}/items/${item.id}/allocate`, {})).status, 400);
    assert.equal((await allocate('not-an-id', 1)).body.code, 'invalid-id');
    const unknown = await allocate('0123456789abcdef01234567', 1);
    assert.equal(unknown.status, 404);
    assert.equal((await clerk.http.post(`${INVENTORY}/allocations/not-an-id/release`)).status, 400);
    assert.equal((await clerk.http.post(`${INVENTORY}/allocations/0123456789abcdef01234567/release`)).status, 404);
    const after = await getItem(acme, item.id);
    assert.deepEqual([after.quantityAvailable, after.quantityAllocated, after.version], [10, 0, item.version]);
    assert.equal(await ledgerTotal(item.id), before);
    // Asking for more than there is: 409 with what is available, nothing written.
    const short = await allocate(item.id, 11);
    assert.deepEqual([short.status, short.body.code, short.body.available], [409, 'insufficient-stock', 10]);
    assert.equal(await ledgerTotal(item.id), before);
  });
});
