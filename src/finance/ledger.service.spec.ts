import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { Types } from 'mongoose';
import { assertBalanced, balanceDelta, LedgerService, PostingLine, UnbalancedPostingError } from './ledger.service';

const asset = { _id: new Types.ObjectId(), type: 'asset' as const };
const equity = { _id: new Types.ObjectId(), type: 'equity' as const };

describe(LedgerService.name, () => {
  it('accepts a balanced entry of two or more lines', () => {
    assert.doesNotThrow(() => assertBalanced([{ account: asset, debit: 100 }, { account: equity, credit: 100 }]));
    assert.doesNotThrow(() =>
      assertBalanced([{ account: asset, debit: 100 }, { account: equity, credit: 60 }, { account: equity, credit: 40 }]),
    );
  });

  it('refuses single-line, unbalanced, zero, fractional, two-sided and out-of-range lines', () => {
    const bad: PostingLine[][] = [
      [{ account: asset, debit: 100 }],
      [{ account: asset, debit: 100 }, { account: equity, credit: 99 }],
      [{ account: asset, debit: 0 }, { account: equity, credit: 0 }],
      [{ account: asset, debit: 1.5 }, { account: equity, credit: 1.5 }],
      [{ account: asset, debit: 5, credit: 5 }, { account: equity, credit: 0 }],
      [{ account: asset, debit: -5 }, { account: equity, credit: -5 }],
      [
        { account: asset, debit: Number.MAX_SAFE_INTEGER },
        { account: asset, debit: 1 },
        { account: equity, credit: Number.MAX_SAFE_INTEGER },
        { account: equity, credit: 1 },
      ],
    ];
    for (const lines of bad) assert.throws(() => assertBalanced(lines), UnbalancedPostingError, JSON.stringify(lines));
  });

  it('moves balances on each account type’s normal side', () => {
    assert.equal(balanceDelta('asset', { debit: 100 }), 100);
    assert.equal(balanceDelta('asset', { credit: 100 }), -100);
    for (const type of ['equity', 'liability', 'revenue'] as const) {
      assert.equal(balanceDelta(type, { credit: 100 }), 100);
      assert.equal(balanceDelta(type, { debit: 100 }), -100);
    }
  });
});
