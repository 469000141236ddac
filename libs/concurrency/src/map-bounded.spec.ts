import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded } from './map-bounded';

describe(mapBounded.name, () => {
  it('never has more than `concurrency` calls in flight and keeps input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded(Array.from({ length: 40 }, (_, i) => i), { concurrency: 4 }, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(Math.random() * 5);
      inFlight--;
      return n * 2;
    });
    assert.equal(peak, 4);
    assert.deepEqual(out, Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it('stops starting items after the first failure and rethrows it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapBounded([1, 2, 3, 4, 5, 6, 7, 8], { concurrency: 2 }, async (n) => {
        started.push(n);
        await sleep(2);
        if (n === 2) throw new Error('two');
        return n;
      }),
      /two/,
    );
    assert.ok(started.length <= 4, `started ${started.join(',')}`);
  });

  it('rejects a non-positive concurrency and handles empty input', async () => {
    await assert.rejects(mapBounded([1], { concurrency: 0 }, async (n) => n), RangeError);
    assert.deepEqual(await mapBounded([], { concurrency: 3 }, async (n) => n), []);
  });

  it('is honoured by the code base: no Promise.all/allSettled over a computed list in src/ or the library', () => {
    const root = join(__dirname, '..', '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !path.includes(`${join('src', 'testing')}`)) {
          const lines = readFileSync(path, 'utf8').split('\n');
          lines.forEach((line, i) => {
            // A literal list ([a(), b()]) is bounded by construction; anything else must say why.
            if (!/^\s*(\*|\/\/)/.test(line) && /Promise\.(all|allSettled)\(\s*(?!\[)/.test(line) && !/bounded/i.test(`${lines[i - 1] ?? ''}${line}`)) {
              offenders.push(`${relative(root, path)}:${i + 1}: ${line.trim()}`);
            }
          });
        }
      }
    };
    walk(join(root, 'src'));
    walk(join(root, 'libs', 'concurrency', 'src'));
    assert.deepEqual(offenders, [], 'use mapBounded(items, { concurrency }, fn) instead (or mark a provably bounded list with a "bounded" comment)');
  });
});
