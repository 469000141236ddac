import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Test, TestingModule } from '@nestjs/testing';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { NotFoundError } from '@app/problem-details';
import { ConcurrencyModule, InvalidStateError } from '@app/concurrency';
import { MongoEmulator } from '@app/mongo-emulator';
import { Connection, Types } from 'mongoose';
import { register } from 'prom-client';
import { withTenancy } from '../common/tenancy/tenant-owned.plugin';
import { AllocationRepository } from './allocation.repository';
import { Allocation, AllocationSchema } from './allocation.schema';
import { ConsistencyService } from './consistency.service';
import { InsufficientStockError } from './inventory.errors';
import { ItemRepository } from './item.repository';
import { Item, ItemSchema } from './item.schema';
import { ItemsService } from './items.service';
import { MovementRepository } from './movement.repository';
import { Movement, MovementSchema } from './movement.schema';
import type { AuthUser } from '../auth/auth-user';
import { Role } from '../auth/role';
import { StockService } from './stock.service';

/** Integration: the services against the emulator, outside HTTP (no request, so every filter names its tenant). */
describe(StockService.name, () => {
  let emulator: MongoEmulator;
  let moduleRef: TestingModule;
  let stock: StockService;
  let items: ItemsService;
  let consistency: ConsistencyService;
  let connection: Connection;
  const actor: AuthUser = { tenantId: 'tenant-a', userId: 'user-1', roles: [Role.Clerk], sessionId: 's1' };

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    moduleRef = await Test.createTestingModule({
      imports: [
        MongooseModule.forRoot(emulator.uri, { connectionFactory: withTenancy }),
        ConcurrencyModule.forRoot(),
        MongooseModule.forFeature([
          { name: Item.name, schema: ItemSchema },
          { name: Movement.name, schema: MovementSchema },
          { name: Allocation.name, schema: AllocationSchema },
        ]),
      ],
      providers: [ItemRepository, MovementRepository, AllocationRepository, ItemsService, StockService, ConsistencyService],
    }).compile();
    await moduleRef.init();
    stock = moduleRef.get(StockService);
    items = moduleRef.get(ItemsService);
    consistency = moduleRef.get(ConsistencyService);
    connection = moduleRef.get<Connection>(getConnectionToken());
    await connection.model(Item.name).init();
  });
  afterAll(async () => {
    await moduleRef?.close();
    await emulator?.stop();
  });

  it('of ten concurrent allocations of 80 from 100, exactly one succeeds; the rest see 20 available', async () => {
    const item = await items.create(actor, { sku: 'S-1', name: 'Film', quantityOnHand: 100 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => stock.allocate(actor, item.id, { quantity: 80, orderReference: 'J' })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    for (const r of lost) {
      assert.ok(r.reason instanceof InsufficientStockError, String(r.reason));
      assert.equal(r.reason.extensions.available, 20);
    }
    const after = await items.get(actor, item.id);
    assert.deepEqual([after.quantityOnHand, after.quantityAllocated, after.quantityAvailable], [100, 80, 20]);
    assert.deepEqual((await consistency.check(actor)).violations, []);
  });

  it('concurrent allocations share a transaction and are decided in arrival order, as if run one by one', async () => {
    const item = await items.create(actor, { sku: 'S-B', name: 'Batch', quantityOnHand: 12 });
    const started = async () => Number(/transactions_started_total\{name="StockService\.allocate"\} (\d+)/.exec(await register.metrics())?.[1] ?? 0);
    const before = await started();
    // The first opens a batch alone; the next three queue behind it and go together: 8 fits
    // (3 left), 5 does not (sees 3 available), 3 fits (0 left).
    const results = await Promise.allSettled([1, 8, 5, 3].map((quantity) => stock.allocate(actor, item.id, { quantity, orderReference: 'B' })));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value.remaining : `409 available ${(r.reason as InsufficientStockError).extensions.available}`)),
      [11, 3, '409 available 3', 0],
    );
    assert.equal((await started()) - before, 2, 'four allocations, two transactions');
    const after = await items.get(actor, item.id);
    assert.deepEqual([after.quantityOnHand, after.quantityAllocated, after.quantityAvailable], [12, 12, 0]);
    assert.deepEqual((await consistency.check(actor)).violations, []);
  });

  it('release happens once; an unknown item or allocation is NotFound', async () => {
    const item = await items.create(actor, { sku: 'S-2', name: 'Core', quantityOnHand: 10 });
    const allocation = await stock.allocate(actor, item.id, { quantity: 4, orderReference: 'J' });
    assert.equal(allocation.remaining, 6);
    assert.equal((await stock.release(actor, allocation.id)).remaining, 10);
    await assert.rejects(stock.release(actor, allocation.id), InvalidStateError);
    await assert.rejects(stock.allocate(actor, new Types.ObjectId().toHexString(), { quantity: 1, orderReference: 'J' }), NotFoundError);
    await assert.rejects(stock.release(actor, new Types.ObjectId().toHexString()), NotFoundError);
    // Another tenant sees none of it.
    await assert.rejects(stock.allocate({ ...actor, tenantId: 'tenant-b' }, item.id, { quantity: 1, orderReference: 'J' }), NotFoundError);
    assert.deepEqual((await consistency.check(actor)).violations, []);
  });

  it('the consistency check reports an item whose quantities no longer match its ledger', async () => {
    const item = await items.create(actor, { sku: 'S-3', name: 'Tape', quantityOnHand: 5 });
    await stock.allocate(actor, item.id, { quantity: 2, orderReference: 'J' });
    // Tamper behind the services' back, as a buggy writer would.
    await connection.collection('inventory_items').updateOne({ _id: new Types.ObjectId(item.id) }, { $set: { quantityAvailable: -1, quantityAllocated: 7 } });
    const report = await consistency.check(actor);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.violations.map((v) => [v.sku, v.rule, v.expected, v.actual]),
      [
        ['S-3', 'quantityAvailable-negative', 0, -1],
        ['S-3', 'quantityAvailable-vs-movements', 3, -1],
        ['S-3', 'quantityAllocated-vs-open-allocations', 2, 7],
        ['S-3', 'quantityOnHand-vs-allocated-plus-available', 6, 5],
      ],
    );
    assert.deepEqual((await consistency.check({ ...actor, tenantId: 'tenant-b' })).violations, []);
  });
});
