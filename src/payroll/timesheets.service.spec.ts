import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ValidationFailedError } from '@app/problem-details';
import { Role } from '../auth/role';
import type { AuthUser } from '../auth/auth-user';
import type { EmployeeRepository } from './employee.repository';
import type { TimesheetRepository } from './timesheet.repository';
import { entryErrors, TimesheetsService, totalOf } from './timesheets.service';

const actor: AuthUser = { userId: 'u1', tenantId: 't1', roles: [Role.Clerk], sessionId: 's1' };

function untouchable<T extends object>(): T {
  return new Proxy({} as T, { get: (_t, prop) => () => assert.fail(`repository.${String(prop)} called on invalid input`) });
}

describe(TimesheetsService.name, () => {
  const service = new TimesheetsService(untouchable<EmployeeRepository>(), untouchable<TimesheetRepository>());

  it('refuses a week that does not start on Monday before touching the database', async () => {
    await assert.rejects(
      service.create(actor, { employeeId: '65a1b2c3d4e5f60718293a4b', periodStart: '2030-01-08', entries: [] }),
      (e: unknown) => e instanceof ValidationFailedError && (e.extensions.errors as Array<{ field: string }>)[0].field === 'periodStart',
    );
  });

  it('accepts entries inside the week, one per day', () => {
    assert.deepEqual(entryErrors('2030-01-07', [{ date: '2030-01-07', hours: 8 }, { date: '2030-01-13', hours: 2 }]), []);
  });

  it('flags entries outside the week and repeated days', () => {
    const errors = entryErrors('2030-01-07', [
      { date: '2030-01-06', hours: 8 },
      { date: '2030-01-08', hours: 8 },
      { date: '2030-01-08', hours: 1 },
      { date: '2030-01-14', hours: 1 },
    ]);
    assert.deepEqual(errors.map((e) => e.field), ['entries.0.date', 'entries.2.date', 'entries.3.date']);
  });

  it('sums quarter hours exactly', () => {
    const entries = Array.from({ length: 7 }, (_, i) => ({ date: `2030-01-${String(7 + i).padStart(2, '0')}`, hours: 0.25 + i * 3.25 }));
    assert.equal(totalOf(entries), 7 * 0.25 + 3.25 * 21);
    assert.equal(totalOf([{ date: '2030-01-07', hours: 0.1 }, { date: '2030-01-08', hours: 0.2 }]) === 0.3, false, 'why hours are quarter-hour steps');
  });
});
