import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { addDays, expectPayrollConsistent, monday, newEmployee, newTimesheet, submittedTimesheet } from '../support/factories/payroll';

describe('Payroll timesheets (e2e + races)', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let manager: TestUser;
  let manager2: TestUser;
  let clerk: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    manager = await ctx.newUser(acme, { roles: [Role.Manager] });
    manager2 = await ctx.newUser(acme, { roles: [Role.Manager] });
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
  });
  afterAll(() => ctx?.close());
  afterEach(() => expectPayrollConsistent(manager));

  const ts = '/api/v1/payroll/timesheets';
  const ifMatch = (version: number) => ({ headers: { 'if-match': `"${version}"` } });

  it('creates a draft with its total and ETag', async () => {
    const emp = await newEmployee(clerk);
    const res = await clerk.http.post(ts, {
      employeeId: emp.id,
      periodStart: monday(1),
      entries: [
        { date: addDays(monday(1), 1), hours: 7.5 },
        { date: monday(1), hours: 8.25 },
      ],
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'draft');
    assert.equal(res.body.totalHours, 15.75);
    assert.equal(res.body.version, 1);
    assert.equal(res.headers.etag, '"1"');
    assert.equal(res.body._id, undefined);
    assert.deepEqual(res.body.entries.map((e: { date: string }) => e.date), [monday(1), addDays(monday(1), 1)]);
    const got = await clerk.http.get(`${ts}/${res.body.id}`);
    assert.equal(got.headers.etag, '"1"');
    assert.equal((await clerk.http.get(`${ts}/${res.body.id}`, { headers: { 'if-none-match': '"1"' } })).status, 304);
  });

  it('10 concurrent submits: one 200, nine 409 invalid-state', async () => {
    const emp = await newEmployee(clerk);
    const draft = await newTimesheet(clerk, { employeeId: emp.id, periodStart: monday(2) });
    const res = await race(10, () => clerk.http.post(`${ts}/${draft.id}/submit`));
    expectCounts(res, { 200: 1, 409: 9 });
    for (const o of res.with(409)) assert.equal((o.value as { body: { code: string } }).body.code, 'invalid-state');
    const final = await clerk.http.get(`${ts}/${draft.id}`);
    assert.equal(final.body.status, 'submitted');
    assert.equal(final.body.version, 2);
  });

  it('at most one submitted timesheet per employee and week: concurrent submits of different drafts → one wins, the rest 409 duplicate', async () => {
    const emp = await newEmployee(clerk);
    const drafts = await Promise.all([0, 1, 2, 3, 4].map(() => newTimesheet(clerk, { employeeId: emp.id, periodStart: monday(3) })));
    const res = await race(drafts.length, (i) => clerk.http.post(`${ts}/${drafts[i].id}/submit`));
    expectCounts(res, { 200: 1, 409: 4 });
    for (const o of res.with(409)) assert.equal((o.value as { body: { code: string } }).body.code, 'duplicate');
    const submitted = await clerk.http.get(ts, { query: { employeeId: emp.id, status: 'submitted' } });
    assert.equal(submitted.body.total, 1);
    // The losers are still drafts (the index rolled their transition back).
    assert.equal((await clerk.http.get(ts, { query: { employeeId: emp.id, status: 'draft' } })).body.total, 4);
  });

  it('two managers approving at once with one If-Match: exactly one approval', async () => {
    const emp = await newEmployee(clerk);
    const sheet = await submittedTimesheet(clerk, { employeeId: emp.id, periodStart: monday(4) });
    const res = await race(2, (i) => (i === 0 ? manager : manager2).http.post(`${ts}/${sheet.id}/approve`, undefined, ifMatch(sheet.version)));
    expectCounts(res, { 200: 1, 412: 1 });
    const final = await clerk.http.get(`${ts}/${sheet.id}`);
    assert.equal(final.body.status, 'approved');
    assert.equal(final.body.version, sheet.version + 1);
  });

  it('approve and reject racing with the same If-Match (10 each way): exactly one decision', async () => {
    const emp = await newEmployee(clerk);
    const sheet = await submittedTimesheet(clerk, { employeeId: emp.id, periodStart: monday(5) });
    const res = await race(10, (i) =>
      i % 2
        ? manager.http.post(`${ts}/${sheet.id}/approve`, undefined, ifMatch(sheet.version))
        : manager2.http.post(`${ts}/${sheet.id}/reject`, { reason: 'missing Friday' }, ifMatch(sheet.version)),
    );
    expectCounts(res, { 200: 1, 412: 9 });
    const final = await clerk.http.get(`${ts}/${sheet.id}`);
    assert.ok(['approved', 'rejected'].includes(final.body.status));
    assert.equal(final.body.version, sheet.version + 1);
  });

  it('approve/reject need If-Match (428), a current one (412), a submitted timesheet (409), and a manager (403)', async () => {
    const emp = await newEmployee(clerk);
    const draft = await newTimesheet(clerk, { employeeId: emp.id, periodStart: monday(6) });
    assert.equal((await manager.http.post(`${ts}/${draft.id}/approve`)).status, 428);
    assert.equal((await manager.http.post(`${ts}/${draft.id}/approve`, undefined, ifMatch(1))).body.code, 'invalid-state');
    assert.equal((await clerk.http.post(`${ts}/${draft.id}/approve`, undefined, ifMatch(1))).status, 403);
    await clerk.http.post(`${ts}/${draft.id}/submit`);
    const stale = await manager.http.post(`${ts}/${draft.id}/approve`, undefined, ifMatch(1));
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 2);
    const rejected = await manager.http.post(`${ts}/${draft.id}/reject`, { reason: 'hours missing' }, ifMatch(2));
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.reason, 'hours missing');
    // A rejected week can be submitted again with a new timesheet.
    await submittedTimesheet(clerk, { employeeId: emp.id, periodStart: monday(6) });
  });

  it('PATCH edits drafts only, under If-Match', async () => {
    const emp = await newEmployee(clerk);
    const draft = await newTimesheet(clerk, { employeeId: emp.id, periodStart: monday(7) });
    const entries = [{ date: monday(7), hours: 10 }];
    assert.equal((await clerk.http.patch(`${ts}/${draft.id}`, { entries })).status, 428);
    const ok = await clerk.http.patch(`${ts}/${draft.id}`, { entries }, ifMatch(1));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.totalHours, 10);
    assert.equal(ok.headers.etag, '"2"');
    assert.equal((await clerk.http.patch(`${ts}/${draft.id}`, { entries }, ifMatch(1))).status, 412);
    const concurrent = await race(5, () => clerk.http.patch(`${ts}/${draft.id}`, { entries }, ifMatch(2)));
    expectCounts(concurrent, { 200: 1, 412: 4 });
    await clerk.http.post(`${ts}/${draft.id}/submit`);
    const late = await clerk.http.patch(`${ts}/${draft.id}`, { entries }, ifMatch(4));
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'invalid-state');
  });

  it('bad input → 400 and nothing written (hours 25, not a Monday, entry outside the week, same day twice)', async () => {
    const emp = await newEmployee(clerk);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ periodStart: monday(8), entries: [{ date: monday(8), hours: 25 }] }, 'entries.0.hours'],
      [{ periodStart: monday(8), entries: [{ date: monday(8), hours: -1 }] }, 'entries.0.hours'],
      [{ periodStart: monday(8), entries: [{ date: monday(8), hours: 7.3 }] }, 'entries.0.hours'],
      [{ periodStart: monday(8), entries: [{ date: monday(8), hours: '8' }] }, 'entries.0.hours'],
      [{ periodStart: addDays(monday(8), 1), entries: [] }, 'periodStart'],
      [{ periodStart: monday(8), entries: [{ date: addDays(monday(8), 7), hours: 8 }] }, 'entries.0.date'],
      [{ periodStart: monday(8), entries: [{ date: monday(8), hours: 8 }, { date: monday(8), hours: 1 }] }, 'entries.1.date'],
      [{ periodStart: '2030-13-01', entries: [] }, 'periodStart'],
    ];
    for (const [body, field] of cases) {
      const res = await clerk.http.post(ts, { employeeId: emp.id, ...body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${JSON.stringify(body)} → ${res.text}`);
    }
    assert.equal((await clerk.http.get(ts, { query: { employeeId: emp.id } })).body.total, 0);
    const draft = await newTimesheet(clerk, { employeeId: emp.id, periodStart: monday(8) });
    const bad = await clerk.http.patch(`${ts}/${draft.id}`, { entries: [{ date: monday(8), hours: 25 }] }, ifMatch(1));
    assert.equal(bad.status, 400);
    assert.equal((await clerk.http.get(`${ts}/${draft.id}`)).body.version, 1);
    assert.equal((await clerk.http.post(ts, { employeeId: '65a1b2c3d4e5f60718293a4b', periodStart: monday(8), entries: [] })).status, 404);
  });
});
