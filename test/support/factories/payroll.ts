/**
 * Payroll factories for e2e suites: create employees, leave requests and timesheets through
 * the real HTTP API (never the database), failing loudly when the API refuses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mapBounded } from '@app/concurrency';
import type { HttpClient } from '@app/concurrency/testing';

/** Anything that can call the API as some user: a client, or a tenant/user holding one. */
export type PayrollCaller = HttpClient | { http: HttpClient };

const clientOf = (c: PayrollCaller): HttpClient => ('http' in c ? c.http : c);

export interface EmployeeBody {
  name: string;
  email: string;
  managerId?: string;
  leaveBalances: { annual: number; sick: number };
}

/** An employee as the API returns it. */
export interface Employee {
  id: string;
  name: string;
  email: string;
  managerId: string | null;
  leaveBalances: { annual: number; sick: number };
  leave: Record<'annual' | 'sick', { entitlement: number; reserved: number; consumed: number; available: number }>;
  version: number;
}

let seq = 0;
const run = randomBytes(3).toString('hex');

/** A valid create-employee body; unique email per call. */
export function employeeBody(overrides: Partial<EmployeeBody> = {}): EmployeeBody {
  seq += 1;
  return { name: `Employee ${seq}`, email: `employee-${run}-${seq}@example.com`, leaveBalances: { annual: 25, sick: 10 }, ...overrides };
}

/** Creates one employee (201 asserted). */
export async function newEmployee(caller: PayrollCaller, overrides: Partial<EmployeeBody> = {}): Promise<Employee> {
  const res = await clientOf(caller).post('/api/v1/payroll/employees', employeeBody(overrides));
  assert.equal(res.status, 201, `create employee: ${res.text}`);
  return res.body as Employee;
}

/** Creates `count` employees through the API with bounded concurrency (a bulk factory for big fixtures). */
export async function newEmployees(caller: PayrollCaller, count: number, overrides: Partial<EmployeeBody> = {}, concurrency = 16): Promise<Employee[]> {
  return mapBounded(Array.from({ length: count }, (_, i) => i), { concurrency }, () => newEmployee(caller, overrides));
}

/** Reads an employee (200 asserted). */
export async function getEmployee(caller: PayrollCaller, id: string): Promise<Employee> {
  const res = await clientOf(caller).get(`/api/v1/payroll/employees/${id}`);
  assert.equal(res.status, 200, `get employee: ${res.text}`);
  return res.body as Employee;
}

/** Creates a leave request (201 asserted). */
export async function newLeaveRequest(
  caller: PayrollCaller,
  body: { employeeId: string; from: string; to: string; type?: 'annual' | 'sick'; days?: number },
): Promise<{ id: string; status: string; days: number; version: number }> {
  const res = await clientOf(caller).post('/api/v1/payroll/leave-requests', { type: 'annual', ...body });
  assert.equal(res.status, 201, `create leave request: ${res.text}`);
  return res.body;
}

/** Creates a draft timesheet (201 asserted); default: 8 h Monday–Friday of the week. */
export async function newTimesheet(
  caller: PayrollCaller,
  body: { employeeId: string; periodStart: string; entries?: Array<{ date: string; hours: number }> },
): Promise<{ id: string; status: string; totalHours: number; version: number }> {
  const entries = body.entries ?? [0, 1, 2, 3, 4].map((i) => ({ date: addDays(body.periodStart, i), hours: 8 }));
  const res = await clientOf(caller).post('/api/v1/payroll/timesheets', { ...body, entries });
  assert.equal(res.status, 201, `create timesheet: ${res.text}`);
  return res.body;
}

/** Creates and submits a timesheet (200 asserted); returns the submitted timesheet. */
export async function submittedTimesheet(
  caller: PayrollCaller,
  body: { employeeId: string; periodStart: string; entries?: Array<{ date: string; hours: number }> },
): Promise<{ id: string; status: string; totalHours: number; version: number }> {
  const draft = await newTimesheet(caller, body);
  const res = await clientOf(caller).post(`/api/v1/payroll/timesheets/${draft.id}/submit`);
  assert.equal(res.status, 200, `submit timesheet: ${res.text}`);
  return res.body;
}

/** The consistency report must be clean (asserted). */
export async function expectPayrollConsistent(caller: PayrollCaller): Promise<void> {
  const res = await clientOf(caller).get('/api/v1/payroll/consistency');
  assert.equal(res.status, 200, `consistency: ${res.text}`);
  assert.deepEqual(res.body.violations, [], 'payroll consistency violations');
  assert.equal(res.body.ok, true);
}

/** ISO date arithmetic for fixtures (UTC). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday `weeks` weeks after 2030-01-07 (a Monday): far-future weeks never collide with "today". */
export function monday(weeks: number): string {
  return addDays('2030-01-07', weeks * 7);
}
