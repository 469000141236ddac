import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { expectPayrollConsistent, getEmployee, monday, addDays, newEmployee, newLeaveRequest } from '../support/factories/payroll';

describe('Payroll leave requests (e2e + races)', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let manager: TestUser;
  let clerk: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    manager = await ctx.newUser(acme, { roles: [Role.Manager] });
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
  });
  afterAll(() => ctx?.close());
  afterEach(() => expectPayrollConsistent(manager));

  const leave = '/api/v1/payroll/leave-requests';
  const fiveDays = (week: number) => ({ from: monday(week), to: addDays(monday(week), 4) });

  it('12 days, 10 concurrent 5-day requests in different weeks: exactly 2 reserved; 10 concurrent rejects of one return its days once', async () => {
    const ada = await newEmployee(clerk, { leaveBalances: { annual: 12, sick: 0 } });

    const requests = await race(10, (i) => clerk.http.post(leave, { employeeId: ada.id, type: 'annual', ...fiveDays(i), days: 5 }));
    expectCounts(requests, { 201: 2, 409: 8 });
    for (const o of requests.with(409)) assert.equal((o.value as { body: { code: string } }).body.code, 'insufficient-balance');
    const after = await getEmployee(clerk, ada.id);
    assert.equal(after.leaveBalances.annual, 2);
    assert.deepEqual(after.leave.annual, { entitlement: 12, reserved: 10, consumed: 0, available: 2 });

    const winner = (requests.with(201)[0].value as { body: { id: string } }).body.id;
    const rejects = await race(10, () => manager.http.post(`${leave}/${winner}/reject`, { reason: 'busy week' }));
    expectCounts(rejects, { 200: 1, 409: 9 });
    for (const o of rejects.with(409)) assert.equal((o.value as { body: { code: string } }).body.code, 'invalid-state');
    const final = await getEmployee(clerk, ada.id);
    assert.equal(final.leaveBalances.annual, 7);
    assert.deepEqual(final.leave.annual, { entitlement: 12, reserved: 5, consumed: 0, available: 7 });
    assert.equal((await clerk.http.get(`${leave}/${winner}`)).body.status, 'rejected');
  });

  it('10 concurrent overlapping requests for one employee: exactly one is created', async () => {
    const bob = await newEmployee(clerk, { leaveBalances: { annual: 100, sick: 0 } });
    // Each request overlaps every other (they all contain the Wednesday of week 20).
    const res = await race(10, (i) =>
      clerk.http.post(leave, { employeeId: bob.id, type: 'annual', from: addDays(monday(20), -(i % 3)), to: addDays(monday(20), 2 + (i % 4)) }),
    );
    expectCounts(res, { 201: 1, 409: 9 });
    for (const o of res.with(409)) assert.equal((o.value as { body: { code: string } }).body.code, 'overlapping-leave');
    const created = (res.with(201)[0].value as { body: { days: number } }).body;
    const final = await getEmployee(clerk, bob.id);
    assert.deepEqual(final.leave.annual, { entitlement: 100, reserved: created.days, consumed: 0, available: 100 - created.days });
    const list = await clerk.http.get(leave, { query: { employeeId: bob.id } });
    assert.equal(list.body.total, 1);
  });

  it('overlap also counts across leave types, but not against rejected or cancelled leave', async () => {
    const cy = await newEmployee(clerk);
    const first = await newLeaveRequest(clerk, { employeeId: cy.id, ...fiveDays(30) });
    const sick = await clerk.http.post(leave, { employeeId: cy.id, type: 'sick', from: addDays(monday(30), 2), to: addDays(monday(30), 2) });
    assert.equal(sick.status, 409);
    assert.equal(sick.body.code, 'overlapping-leave');
    assert.equal(sick.body.conflictingRequestId, first.id);
    assert.equal((await clerk.http.post(`${leave}/${first.id}/cancel`)).status, 200);
    await newLeaveRequest(clerk, { employeeId: cy.id, type: 'sick', from: addDays(monday(30), 2), to: addDays(monday(30), 2) });
  });

  it('approve consumes the reservation once; cancel of approved leave returns it once', async () => {
    const dee = await newEmployee(clerk, { leaveBalances: { annual: 10, sick: 5 } });
    const req = await newLeaveRequest(clerk, { employeeId: dee.id, ...fiveDays(40) });
    assert.equal(req.status, 'pending');
    assert.equal(req.days, 5);

    const approvals = await race(10, () => manager.http.post(`${leave}/${req.id}/approve`));
    expectCounts(approvals, { 200: 1, 409: 9 });
    assert.deepEqual((await getEmployee(clerk, dee.id)).leave.annual, { entitlement: 10, reserved: 0, consumed: 5, available: 5 });

    const cancels = await race(10, () => clerk.http.post(`${leave}/${req.id}/cancel`));
    expectCounts(cancels, { 200: 1, 409: 9 });
    assert.deepEqual((await getEmployee(clerk, dee.id)).leave.annual, { entitlement: 10, reserved: 0, consumed: 0, available: 10 });
    assert.equal((await manager.http.post(`${leave}/${req.id}/reject`, { reason: 'late' })).status, 409);
  });

  it('approve and reject racing on one request: exactly one decision, days moved once', async () => {
    const eve = await newEmployee(clerk, { leaveBalances: { annual: 10, sick: 0 } });
    const req = await newLeaveRequest(clerk, { employeeId: eve.id, ...fiveDays(41) });
    const res = await race(10, (i) => (i % 2 ? manager.http.post(`${leave}/${req.id}/approve`) : manager.http.post(`${leave}/${req.id}/reject`, { reason: 'no' })));
    expectCounts(res, { 200: 1, 409: 9 });
    const status = (await clerk.http.get(`${leave}/${req.id}`)).body.status;
    const bal = (await getEmployee(clerk, eve.id)).leave.annual;
    assert.deepEqual(bal, status === 'approved' ? { entitlement: 10, reserved: 0, consumed: 5, available: 5 } : { entitlement: 10, reserved: 0, consumed: 0, available: 10 });
  });

  it('bad input → 400 and nothing written (dates reversed, days mismatch, no working day, bad dates)', async () => {
    const fay = await newEmployee(clerk, { leaveBalances: { annual: 10, sick: 0 } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from: monday(50), to: addDays(monday(50), -1) }, 'to'],
      [{ ...fiveDays(50), days: 4 }, 'days'],
      [{ from: addDays(monday(50), 5), to: addDays(monday(50), 6) }, 'to'],
      [{ from: '2030-02-30', to: '2030-03-01' }, 'from'],
      [{ from: monday(50), to: `${monday(50)}T00:00:00Z` }, 'to'],
      [{ ...fiveDays(50), days: '5' }, 'days'],
      [{ ...fiveDays(50), type: 'holiday' }, 'type'],
      [{ ...fiveDays(50), employeeId: 'nope' }, 'employeeId'],
    ];
    for (const [body, field] of cases) {
      const res = await clerk.http.post(leave, { employeeId: fay.id, type: 'annual', ...body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'validation-failed');
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${JSON.stringify(body)} → ${res.text}`);
    }
    assert.equal((await clerk.http.get(leave, { query: { employeeId: fay.id } })).body.total, 0);
    assert.deepEqual((await getEmployee(clerk, fay.id)).leave.annual, { entitlement: 10, reserved: 0, consumed: 0, available: 10 });
    assert.equal((await manager.http.post(`${leave}/not-an-id/approve`)).status, 400);
    assert.equal((await clerk.http.post(leave, { employeeId: '65a1b2c3d4e5f60718293a4b', type: 'annual', ...fiveDays(50) })).status, 404);
  });

  it('clerks request and cancel; only managers and admins decide', async () => {
    const gus = await newEmployee(clerk);
    const req = await newLeaveRequest(clerk, { employeeId: gus.id, ...fiveDays(60) });
    assert.equal((await clerk.http.post(`${leave}/${req.id}/approve`)).status, 403);
    assert.equal((await clerk.http.post(`${leave}/${req.id}/reject`, { reason: 'x' })).status, 403);
    assert.equal((await acme.http.post(`${leave}/${req.id}/approve`)).status, 200);
  });
});
