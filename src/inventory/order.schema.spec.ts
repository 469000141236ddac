import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { nextStage, ORDER_STAGES } from './order.schema';

describe(nextStage.name, () => {
  it('walks the job card one step at a time and stops at done', () => {
    assert.deepEqual(ORDER_STAGES, ['queued', 'slitting', 'winding', 'packing', 'done']);
    assert.equal(nextStage('queued'), 'slitting');
    assert.equal(nextStage('slitting'), 'winding');
    assert.equal(nextStage('winding'), 'packing');
    assert.equal(nextStage('packing'), 'done');
    assert.equal(nextStage('done'), undefined);
  });
});
