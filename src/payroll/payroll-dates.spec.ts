import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { addDays, isIsoDate, isIsoMonth, isMonday, monthBounds, workingDays, workingDaysByMonth } from './payroll-dates';

function bruteForceWorkingDays(from: string, to: string): number {
  let n = 0;
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

describe('payroll-dates', () => {
  it('accepts only real calendar days as YYYY-MM-DD', () => {
    assert.ok(isIsoDate('2024-02-29'));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '2024-01-01T00:00:00Z', '', 20240101, null]) {
      assert.equal(isIsoDate(bad), false, String(bad));
    }
  });

  it('knows Mondays', () => {
    assert.ok(isMonday('2024-06-03'));
    assert.equal(isMonday('2024-06-04'), false);
    assert.equal(isMonday('not-a-date'), false);
  });

  it('counts Monday–Friday inclusive, matching a day-by-day count', () => {
    assert.equal(workingDays('2024-06-03', '2024-06-07'), 5);
    assert.equal(workingDays('2024-06-08', '2024-06-09'), 0);
    assert.equal(workingDays('2024-06-07', '2024-06-10'), 2);
    assert.equal(workingDays('2024-06-10', '2024-06-03'), 0);
    const start = '2023-12-20';
    for (let i = 0; i < 60; i++) {
      const from = addDays(start, i);
      for (const len of [0, 1, 3, 6, 7, 13, 30, 200]) {
        const to = addDays(from, len);
        assert.equal(workingDays(from, to), bruteForceWorkingDays(from, to), `${from}..${to}`);
      }
    }
  });

  it('splits working days by month', () => {
    assert.deepEqual(workingDaysByMonth('2024-05-30', '2024-06-04'), [
      { month: '2024-05', days: 2 },
      { month: '2024-06', days: 2 },
    ]);
    const parts = workingDaysByMonth('2024-01-15', '2024-04-10');
    assert.equal(parts.reduce((s, p) => s + p.days, 0), workingDays('2024-01-15', '2024-04-10'));
  });

  it('knows months and their bounds', () => {
    assert.ok(isIsoMonth('2024-02'));
    assert.equal(isIsoMonth('2024-13'), false);
    assert.equal(isIsoMonth('2024-2'), false);
    assert.deepEqual(monthBounds('2024-02'), { first: '2024-02-01', last: '2024-02-29' });
    assert.deepEqual(monthBounds('2023-12'), { first: '2023-12-01', last: '2023-12-31' });
  });
});
