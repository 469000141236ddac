import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import {
  addDays,
  employeeBody,
  expectPayrollConsistent,
  getEmployee,
  monday,
  newEmployee,
  newLeaveRequest,
  newTimesheet,
  submittedTimesheet,
} from '../support/factories/payroll';
import { expectCrossTenant404, expectNotListedCrossTenant, intruderOf } from '../support/tenant-isolation';

describe('Payroll employees, adjustments and tenant isolation (e2e)', () => {
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

  const employees = '/api/v1/payroll/employees';

  it('creates an employee: 201 with id, available balances, version and ETag', async () => {
    const boss = await newEmployee(clerk, { name: 'Grace' });
    const res = await clerk.http.post(employees, { name: ' Ada ', email: ' Ada@Example.COM ', managerId: boss.id, leaveBalances: { annual: 12, sick: 3 } });
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.id, /^[0-9a-f]{24}$/);
    assert.equal(res.body._id, undefined);
    assert.equal(res.body.name, 'Ada');
    assert.equal(res.body.email, 'ada@example.com');
    assert.equal(res.body.managerId, boss.id);
    assert.deepEqual(res.body.leaveBalances, { annual: 12, sick: 3 });
    assert.deepEqual(res.body.leave.annual, { entitlement: 12, reserved: 0, consumed: 0, available: 12 });
    assert.equal(res.body.version, 1);
    assert.equal(res.headers.etag, '"1"');
    const dup = await clerk.http.post(employees, employeeBody({ email: 'ADA@example.com' }));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, 'duplicate');
    for (const query of [{ pageSize: 101 }, { pageSize: 'x' }, { limit: 1 }]) assert.equal((await clerk.http.get(employees, { query })).status, 400, JSON.stringify(query));
    const page = await clerk.http.get(employees, { query: { pageSize: 1, page: 2 } });
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 1);
    assert.deepEqual([page.body.page, page.body.pageSize], [2, 1]);
    assert.ok(page.body.total >= 2);
  });

  it('bad input → 400 and nothing written; an unknown manager → 404', async () => {
    const before = (await clerk.http.get(employees)).body.total;
    for (const body of [
      employeeBody({ leaveBalances: { annual: -1, sick: 0 } }),
      employeeBody({ leaveBalances: { annual: 1.5, sick: 0 } }),
      employeeBody({ leaveBalances: { annual: '5', sick: 0 } as never }),
      { ...employeeBody(), leaveBalances: undefined },
      employeeBody({ email: 'not-an-email' }),
      employeeBody({ managerId: 'nope' }),
      { ...employeeBody(), extra: 1 },
    ]) {
      const res = await clerk.http.post(employees, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
    }
    const unknownManager = await clerk.http.post(employees, employeeBody({ managerId: '65a1b2c3d4e5f60718293a4b' }));
    assert.equal(unknownManager.status, 404);
    assert.equal((await clerk.http.get(employees)).body.total, before);
  });

  it('PATCH needs If-Match; changes profile fields only; concurrent PATCHes with one version → one wins', async () => {
    const emp = await newEmployee(clerk);
    const boss = await newEmployee(clerk);
    const path = `${employees}/${emp.id}`;
    assert.equal((await clerk.http.patch(path, { name: 'X' })).status, 428);
    assert.equal((await clerk.http.patch(path, { leaveBalances: { annual: 99, sick: 99 } }, { headers: { 'if-match': '"1"' } })).status, 400);
    assert.equal((await clerk.http.patch(path, { managerId: emp.id }, { headers: { 'if-match': '"1"' } })).status, 400);
    const res = await race(5, (i) => clerk.http.patch(path, { name: `Name ${i}`, managerId: boss.id }, { headers: { 'if-match': '"1"' } }));
    expectCounts(res, { 200: 1, 412: 4 });
    const now = await getEmployee(clerk, emp.id);
    assert.equal(now.version, 2);
    assert.equal(now.managerId, boss.id);
    assert.deepEqual(now.leaveBalances, { annual: 25, sick: 10 });
    const cleared = await clerk.http.patch(path, { managerId: null }, { headers: { 'if-match': '"2"' } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.body.managerId, null);
    assert.equal(cleared.body.name, now.name);
  });

  it('leave adjustments: audited, guarded, transactional; never below the available days', async () => {
    const emp = await newEmployee(clerk, { leaveBalances: { annual: 10, sick: 0 } });
    await newLeaveRequest(clerk, { employeeId: emp.id, from: monday(10), to: addDays(monday(10), 4) });
    const path = `${employees}/${emp.id}/leave-adjustments`;
    assert.equal((await clerk.http.post(path, { type: 'annual', delta: 2, reason: 'carry-over' })).status, 403);
    assert.equal((await manager.http.post(path, { type: 'annual', delta: 0, reason: 'noop' })).status, 400);
    const add = await manager.http.post(path, { type: 'annual', delta: 2, reason: 'carry-over' });
    assert.equal(add.status, 201, add.text);
    assert.deepEqual({ e: add.body.entitlementAfter, a: add.body.availableAfter, by: add.body.by }, { e: 12, a: 7, by: manager.userId });
    // 7 available: of ten concurrent −2 adjustments exactly three fit.
    const removals = await race(10, () => manager.http.post(path, { type: 'annual', delta: -2, reason: 'correction' }));
    expectCounts(removals, { 201: 3, 409: 7 });
    for (const o of removals.with(409)) assert.equal((o.value as { body: { code: string } }).body.code, 'insufficient-balance');
    const now = await getEmployee(clerk, emp.id);
    assert.deepEqual(now.leave.annual, { entitlement: 6, reserved: 5, consumed: 0, available: 1 });
    // A retried adjustment with the same Idempotency-Key applies once.
    const key = { headers: { 'idempotency-key': `adj-${emp.id}` } };
    const first = await manager.http.post(path, { type: 'annual', delta: 3, reason: 'bonus days' }, key);
    const retry = await manager.http.post(path, { type: 'annual', delta: 3, reason: 'bonus days' }, key);
    assert.equal(first.status, 201);
    assert.equal(retry.status, 201);
    assert.equal(retry.body.id, first.body.id);
    assert.equal((await getEmployee(clerk, emp.id)).leave.annual.available, 4);
    const trail = await clerk.http.get(path);
    assert.equal(trail.status, 200);
    assert.deepEqual(trail.body.map((a: { delta: number }) => a.delta), [2, -2, -2, -2, 3]);
  });

  it('another tenant gets 404 on every payroll route that names a resource, and changes nothing', async () => {
    const emp = await newEmployee(acme);
    const req = await newLeaveRequest(acme, { employeeId: emp.id, from: monday(11), to: addDays(monday(11), 1) });
    const draft = await newTimesheet(acme, { employeeId: emp.id, periodStart: monday(12) });
    const sheet = await submittedTimesheet(acme, { employeeId: emp.id, periodStart: monday(13) });
    const e = `${employees}/${emp.id}`;
    const l = `/api/v1/payroll/leave-requests/${req.id}`;
    const d = `/api/v1/payroll/timesheets/${draft.id}`;
    const s = `/api/v1/payroll/timesheets/${sheet.id}`;

    await expectCrossTenant404(ctx, acme, { method: 'GET', path: e });
    await expectCrossTenant404(ctx, acme, { method: 'PATCH', path: e, body: { name: 'Hijacked' } });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${e}/leave-adjustments`, body: { type: 'annual', delta: 5, reason: 'gift' }, readPath: e });
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${e}/leave-adjustments` });
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: l });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${l}/approve`, readPath: l });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${l}/reject`, body: { reason: 'x' }, readPath: l });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${l}/cancel`, readPath: l });
    await expectCrossTenant404(ctx, acme, { method: 'GET', path: d });
    await expectCrossTenant404(ctx, acme, { method: 'PATCH', path: d, body: { entries: [] } });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${d}/submit`, readPath: d });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${s}/approve`, readPath: s });
    await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${s}/reject`, body: { reason: 'x' }, readPath: s });

    // Ids in bodies: another tenant's employee is as missing as no employee at all.
    const intruder = await intruderOf(ctx);
    const body404 = async (path: string, body: unknown) => {
      const res = await intruder.http.post(path, body);
      assert.equal(res.status, 404, `${path} with another tenant's id: ${res.text}`);
    };
    await body404('/api/v1/payroll/leave-requests', { employeeId: emp.id, type: 'annual', from: monday(14), to: monday(14) });
    await body404('/api/v1/payroll/timesheets', { employeeId: emp.id, periodStart: monday(14), entries: [] });
    await body404(employees, employeeBody({ managerId: emp.id }));
    assert.deepEqual((await getEmployee(acme, emp.id)).leave.annual, { entitlement: 25, reserved: 2, consumed: 0, available: 23 });

    // Lists, the dashboard and the consistency report are scoped to the caller's tenant.
    await expectNotListedCrossTenant(ctx, { path: employees, id: emp.id });
    await expectNotListedCrossTenant(ctx, { path: '/api/v1/payroll/leave-requests', id: req.id });
    await expectNotListedCrossTenant(ctx, { path: '/api/v1/payroll/timesheets', id: sheet.id });
    await newEmployee(acme, { managerId: emp.id });
    const dash = await intruder.http.get('/api/v1/payroll/dashboard', { query: { period: '2030-03' } });
    assert.equal(dash.status, 200);
    assert.ok(!dash.body.teams.some((t: { managerId: string }) => t.managerId === emp.id));
    await expectPayrollConsistent(intruder);
  });

  it('documents every payroll route in Swagger with bearer auth, responses and errors', async () => {
    const doc = (await ctx.http.get('/docs-json')).body;
    const routes = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>)
      .filter(([path]) => path.startsWith('/api/v1/payroll'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    assert.equal(routes.length, 21, routes.map((r) => r.route).join('\n'));
    for (const { route, op } of routes) {
      assert.ok(op.security?.length, `${route}: no bearer auth`);
      assert.ok(op.responses['200'] ?? op.responses['201'], `${route}: no success response`);
      assert.ok(op.responses['401'] && op.responses['403'], `${route}: 401/403 not documented`);
    }
  });

  it('roles: clerks create and read; dashboard and consistency are for managers and admins', async () => {
    assert.equal((await clerk.http.get('/api/v1/payroll/dashboard', { query: { period: '2030-01' } })).status, 403);
    assert.equal((await clerk.http.get('/api/v1/payroll/consistency')).status, 403);
    assert.equal((await ctx.http.get(employees)).status, 401);
    const accountant = await ctx.newUser(acme, { roles: [Role.Accountant] });
    assert.equal((await accountant.http.post(employees, employeeBody())).status, 403);
  });
});
