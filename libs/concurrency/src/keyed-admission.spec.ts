import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedAdmission } from './keyed-admission';

const timeout = () => new Error('timeout');

describe(KeyedAdmission.name, () => {
  it('admits holders of one key one at a time, in arrival order', async () => {
    const admission = new KeyedAdmission();
    const order: string[] = [];
    const inside = { now: 0, max: 0 };
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (who) => {
        const leave = await admission.enter(['item:1'], 1_000, timeout);
        inside.now += 1;
        inside.max = Math.max(inside.max, inside.now);
        order.push(who);
        await sleep(5);
        inside.now -= 1;
        leave();
      }),
    );
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
    assert.equal(inside.max, 1);
    assert.equal(admission.size, 0);
  });

  it('never makes callers with disjoint keys wait for each other', async () => {
    const admission = new KeyedAdmission();
    const leaveA = await admission.enter(['account:1', 'account:2'], 1_000, timeout);
    const leaveB = await admission.enter(['account:3', 'account:4'], 10, timeout);
    leaveA();
    leaveB();
  });

  it('takes keys in sorted order, so opposite transfers cannot deadlock', async () => {
    const admission = new KeyedAdmission();
    const done: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const keys = i % 2 ? ['account:x', 'account:y'] : ['account:y', 'account:x'];
        const leave = await admission.enter(keys, 1_000, timeout);
        await sleep(1);
        done.push(String(i));
        leave();
      }),
    );
    assert.equal(done.length, 20);
    assert.equal(admission.size, 0);
  });

  it('rejects a caller that waits too long, gives back the keys it held, and keeps the queue behind the holder', async () => {
    const admission = new KeyedAdmission();
    const holder = await admission.enter(['k2'], 1_000, timeout);
    const other = await admission.enter(['k1'], 1_000, timeout);
    // Holds nothing yet: waits for k1 (sorted first), then would wait for k2.
    await assert.rejects(admission.enter(['k2', 'k1'], 20, timeout), /timeout/);
    let nextAdmitted = false;
    const next = admission.enter(['k2'], 1_000, timeout).then((leave) => {
      nextAdmitted = true;
      return leave;
    });
    await sleep(20);
    assert.equal(nextAdmitted, false, 'the timed-out caller let its successor overtake the holder');
    holder();
    (await next)();
    other();
    assert.equal(admission.size, 0);
  });
});
