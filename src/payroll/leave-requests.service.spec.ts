import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ValidationFailedError } from '@app/problem-details';
import { Role } from '../auth/role';
import type { AuthUser } from '../auth/auth-user';
import type { EmployeeRepository } from './employee.repository';
import type { LeaveRequestRepository } from './leave-request.repository';
import { LeaveRequestsService } from './leave-requests.service';

const actor: AuthUser = { userId: 'u1', tenantId: 't1', roles: [Role.Clerk], sessionId: 's1' };
const employeeId = '65a1b2c3d4e5f60718293a4b';

/** Repositories that fail the test if touched: validation must happen before any write. */
function untouchable<T extends object>(): T {
  return new Proxy({} as T, {
    get: (_t, prop) => () => assert.fail(`repository.${String(prop)} called on invalid input`),
  });
}

describe(LeaveRequestsService.name, () => {
  const service = new LeaveRequestsService(untouchable<EmployeeRepository>(), untouchable<LeaveRequestRepository>());

  const rejects = async (body: Partial<{ from: string; to: string; days: number }>, field: string) => {
    await assert.rejects(
      service.create(actor, { employeeId, type: 'annual', from: '2030-01-07', to: '2030-01-11', ...body }),
      (e: unknown) => e instanceof ValidationFailedError && (e.extensions.errors as Array<{ field: string }>).some((x) => x.field === field),
    );
  };

  it('refuses reversed dates before touching the database', () => rejects({ from: '2030-01-11', to: '2030-01-07' }, 'to'));

  it('refuses a range without a working day', () => rejects({ from: '2030-01-12', to: '2030-01-13' }, 'to'));

  it('refuses a days count that does not match the range', () => rejects({ days: 4 }, 'days'));

  it('refuses ranges longer than a year', () => rejects({ to: '2031-03-01' }, 'to'));
});
