import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { findBodyLimitBreach, JSON_BODY_LIMITS } from './json-body';

describe('findBodyLimitBreach', () => {
  it('accepts ordinary bodies, at the limits included', () => {
    assert.equal(findBodyLimitBreach({ a: [1, 'x', null, true], b: { c: -Number.MAX_SAFE_INTEGER, d: 1.5 } }), undefined);
    assert.equal(findBodyLimitBreach({ tags: Array(JSON_BODY_LIMITS.maxArrayItems).fill('t') }), undefined);
    let deep: unknown = 1;
    for (let i = 0; i < JSON_BODY_LIMITS.maxDepth; i++) deep = { a: deep };
    assert.equal(findBodyLimitBreach(deep), undefined);
    assert.equal(findBodyLimitBreach('text'), undefined);
  });

  it('names the first breach with its path: depth, array length, unsafe number', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    assert.equal(findBodyLimitBreach(deep)?.field, Array(JSON_BODY_LIMITS.maxDepth).fill('0').join('.'));
    assert.deepEqual(findBodyLimitBreach({ lines: [{ ids: Array(1001).fill('x') }] }), {
      field: 'lines.0.ids',
      message: 'arrays of more than 1000 items are not accepted',
    });
    for (const n of [2 ** 53, -(2 ** 53), 1e308, Number.MAX_VALUE]) assert.equal(findBodyLimitBreach({ q: [0, { n }] })?.field, 'q.1.n', String(n));
  });
});
