import { Injectable } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { formatSequence, SequencesService } from './sequences.service';
import { assertConsecutive, assertDistinct, expectCounts, race } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { Transactional } from './transactional.decorator';

interface Order { tenantId: string; number: string }
const OrderSchema = new Schema<Order>({ tenantId: String, number: String });
OrderSchema.index({ tenantId: 1, number: 1 }, { unique: true });

@Injectable()
class OrderService {
  constructor(@InjectModel('Order') readonly orders: Model<Order>, private readonly sequences: SequencesService) {}

  @Transactional()
  async create(tenantId: string, fail = false): Promise<string> {
    const value = await this.sequences.next({ scope: tenantId, name: 'sales-order' });
    const number = formatSequence({ prefix: 'SO', value });
    await this.orders.create({ tenantId, number });
    if (fail) throw new Error('validation failed after drawing a number');
    return number;
  }
}

describe(SequencesService.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let sequences: SequencesService;
  let svc: OrderService;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({ uri: emu.uri, listen: false, imports: [MongooseModule.forFeature([{ name: 'Order', schema: OrderSchema }])], providers: [OrderService] });
    sequences = t.app.get(SequencesService);
    svc = t.app.get(OrderService);
    await svc.orders.init();
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  it('50 concurrent draws (first-ever, racing the upsert) → 50 distinct consecutive numbers', async () => {
    const r = await race(50, () => sequences.next({ scope: 't1', name: 'plain' }));
    expectCounts(r, { ok: 50 });
    assertConsecutive(r.values(), 1);
    assert.equal(await sequences.current({ scope: 't1', name: 'plain' }), 50);
  });

  it('control: read-then-increment numbering produces duplicates', async () => {
    const naive = t.connection.collection<{ _id: string; value: number }>('naive_counters');
    await naive.insertOne({ _id: 'n', value: 0 });
    const r = await race(50, async () => {
      const doc = await naive.findOne({ _id: 'n' });
      await naive.updateOne({ _id: 'n' }, { $set: { value: doc!.value + 1 } });
      return doc!.value + 1;
    });
    assert.throws(() => assertDistinct(r.values()));
  });

  it('50 concurrent transactional creates → SO-000001…SO-000050, no gap, no duplicate', async () => {
    const r = await race(50, () => svc.create('t2'));
    expectCounts(r, { ok: 50 });
    const numbers = r.values();
    assertDistinct(numbers);
    assertConsecutive(numbers.map((n) => Number(n.slice(3))), 1);
    assert.equal(await svc.orders.countDocuments({ tenantId: 't2' }), 50);
  });

  it('a rolled-back draw leaves no gap', async () => {
    assert.equal(await svc.create('t3'), 'SO-000001');
    await assert.rejects(svc.create('t3', true), /validation failed/);
    assert.equal(await svc.create('t3'), 'SO-000002');
    assert.equal(await sequences.current({ scope: 't3', name: 'sales-order' }), 2);
  });

  it('scopes are independent; nextBlock reserves a consecutive range', async () => {
    assert.equal(await sequences.next({ scope: 'a', name: 'x' }), 1);
    assert.equal(await sequences.next({ scope: 'b', name: 'x' }), 1);
    assert.equal(await sequences.nextBlock({ scope: 'a', name: 'x' }, 10), 2);
    assert.equal(await sequences.next({ scope: 'a', name: 'x' }), 12);
  });

  it('formatSequence pads: SO-000042', () => {
    assert.equal(formatSequence({ prefix: 'SO', value: 42 }), 'SO-000042');
    assert.equal(formatSequence({ prefix: 'INV', value: 7, width: 4, separator: '/' }), 'INV/0007');
  });
});
