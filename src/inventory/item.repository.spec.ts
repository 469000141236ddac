import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Model } from 'mongoose';
import type { Item } from './item.schema';
import { ItemRepository } from './item.repository';

/** A model stand-in that records the findOneAndUpdate it was asked for. */
function recordingModel() {
  const calls: Array<{ filter: Record<string, unknown>; update: Record<string, unknown> }> = [];
  const model = {
    findOneAndUpdate(filter: Record<string, unknown>, update: Record<string, unknown>) {
      calls.push({ filter, update });
      return { lean: () => ({ exec: async () => null }) };
    },
  };
  return { calls, model: model as unknown as Model<Item> };
}

describe(ItemRepository.name, () => {
  describe('adjustQuantities', () => {
    it('guards every decreasing quantity in the filter of the same atomic update', async () => {
      const { calls, model } = recordingModel();
      await new ItemRepository(model).adjustQuantities({ _id: 'i', tenantId: 't' }, { onHand: 0, allocated: 80, available: -80 });
      assert.deepEqual(calls[0].filter, { _id: 'i', tenantId: 't', quantityAvailable: { $gte: 80 } });
      assert.deepEqual(calls[0].update, { $inc: { quantityOnHand: 0, quantityAllocated: 80, quantityAvailable: -80, version: 1 } });
    });

    it('guards quantityAllocated on a release and nothing on a receipt', async () => {
      const { calls, model } = recordingModel();
      const repo = new ItemRepository(model);
      await repo.adjustQuantities({ _id: 'i', tenantId: 't' }, { onHand: 0, allocated: -5, available: 5 });
      await repo.adjustQuantities({ _id: 'i', tenantId: 't' }, { onHand: 7, allocated: 0, available: 7 });
      assert.deepEqual(calls[0].filter, { _id: 'i', tenantId: 't', quantityAllocated: { $gte: 5 } });
      assert.deepEqual(calls[1].filter, { _id: 'i', tenantId: 't' });
    });
  });
});
