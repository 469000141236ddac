import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchOutcome, GroupCommit } from './group-commit';

const options = { name: 'test', maxBatch: 3 };

describe(GroupCommit.name, () => {
  it('runs a lone submission at once and queues the ones that arrive meanwhile into the next batch, at most maxBatch each', async () => {
    const batches: number[][] = [];
    const groups = new GroupCommit(async (_key, _options, _size, run) => {
      await sleep(5);
      return run();
    });
    const body = async (inputs: readonly number[]): Promise<Array<BatchOutcome<number>>> => {
      batches.push([...inputs]);
      return inputs.map((value) => ({ ok: true, value: value * 10 }));
    };
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => groups.submit('k', n, body, options)));
    assert.deepEqual(results, [10, 20, 30, 40, 50, 60]);
    assert.deepEqual(batches, [[1], [2, 3, 4], [5, 6]]);
  });

  it('gives each caller its own outcome, and every caller of a batch its error when the batch fails', async () => {
    let failNext = false;
    const groups = new GroupCommit((_key, _options, _size, run) => run());
    const body = async (inputs: readonly number[]): Promise<Array<BatchOutcome<number>>> => {
      await sleep(1);
      if (failNext) throw new Error('batch failed');
      return inputs.map((value) => (value % 2 ? { ok: true, value } : { ok: false, error: new Error(`even ${value}`) }));
    };
    const mixed = await Promise.allSettled([1, 2, 3].map((n) => groups.submit('k', n, body, options)));
    assert.deepEqual(
      mixed.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [1, 'even 2', 3],
    );
    failNext = true;
    const failed = await Promise.allSettled([1, 3].map((n) => groups.submit('k', n, body, options)));
    assert.deepEqual(
      failed.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['batch failed', 'batch failed'],
    );
  });

  it('keeps keys apart and runs each batch in the async context of its first caller', async () => {
    const context = new AsyncLocalStorage<string>();
    const seen: string[] = [];
    const groups = new GroupCommit((key, _options, _size, run) => {
      seen.push(`${key}:${context.getStore()}`);
      return run();
    });
    const body = async (inputs: readonly string[]): Promise<Array<BatchOutcome<string>>> => inputs.map((value) => ({ ok: true, value }));
    await Promise.all([
      context.run('request-a', () => groups.submit('a', 'x', body, options)),
      context.run('request-b', () => groups.submit('b', 'y', body, options)),
    ]);
    assert.deepEqual(seen.sort(), ['a:request-a', 'b:request-b']);
  });
});
