import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getConnectionToken } from '@nestjs/mongoose';
import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import type { HttpResponse } from '@app/concurrency/testing';
import { addDays, Employee, expectPayrollConsistent, newEmployee, newEmployees, newLeaveRequest, newTimesheet, submittedTimesheet } from '../support/factories/payroll';

const READS = new Set(['find', 'aggregate', 'count', 'distinct']);

describe('Payroll team dashboard (e2e)', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let manager: TestUser;
  let managers: Employee[];
  let members: Employee[][];

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    manager = await ctx.newUser(acme, { roles: [Role.Manager] });
    managers = await Promise.all([0, 1, 2, 3].map((i) => newEmployee(acme, { name: `Manager ${i}` })));
    // 200 team members, 50 per manager, created over the API with bounded concurrency.
    members = [];
    for (const m of managers) members.push(await newEmployees(acme, 50, { managerId: m.id }, 16));
  });
  afterAll(() => ctx?.close());
  afterEach(() => expectPayrollConsistent(manager));

  /** Runs `fn` and returns the payroll read commands it sent through the driver. */
  async function payrollReadsDuring(fn: () => Promise<unknown>): Promise<CommandStartedEvent[]> {
    const client = ctx.app.get<Connection>(getConnectionToken()).getClient();
    const seen: CommandStartedEvent[] = [];
    const listener = (e: CommandStartedEvent) => {
      const collection = e.command[e.commandName];
      if (READS.has(e.commandName) && typeof collection === 'string' && collection.startsWith('payroll_')) seen.push(e);
    };
    client.on('commandStarted', listener);
    try {
      await fn();
    } finally {
      client.off('commandStarted', listener);
    }
    return seen;
  }

  it('answers per manager from one snapshot with a fixed number of queries, whatever the number of employees', async () => {
    const [a, b, c, d] = members[0];
    const period = '2030-04';
    // Week of Mon 2030-03-25: Mon–Sun 25–31 March, so none of its hours count in April.
    await submittedTimesheet(acme, { employeeId: a.id, periodStart: '2030-03-25' });
    // Week of Mon 2030-04-29: 29, 30 April count, 1–3 May do not.
    await submittedTimesheet(acme, { employeeId: a.id, periodStart: '2030-04-29', entries: [0, 1, 2, 3, 4].map((i) => ({ date: addDays('2030-04-29', i), hours: 7.5 })) });
    const approved = await submittedTimesheet(acme, { employeeId: b.id, periodStart: '2030-04-01' });
    assert.equal((await manager.http.post(`/api/v1/payroll/timesheets/${approved.id}/approve`, undefined, { headers: { 'if-match': `"${approved.version}"` } })).status, 200);
    await newTimesheet(acme, { employeeId: b.id, periodStart: '2030-04-08' }); // a draft: not counted
    const taken = await newLeaveRequest(acme, { employeeId: c.id, from: '2030-04-29', to: '2030-05-03' }); // 2 days in April, 3 in May
    assert.equal((await manager.http.post(`/api/v1/payroll/leave-requests/${taken.id}/approve`)).status, 200);
    await newLeaveRequest(acme, { employeeId: d.id, from: '2030-04-10', to: '2030-04-11' }); // pending

    let res!: HttpResponse;
    const commands = await payrollReadsDuring(async () => {
      res = await manager.http.get('/api/v1/payroll/dashboard', { query: { period } });
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.period, period);
    assert.equal(res.body.teams.length, 4);
    const team0 = res.body.teams.find((t: { managerId: string }) => t.managerId === managers[0].id);
    assert.deepEqual(team0, {
      managerId: managers[0].id,
      managerName: 'Manager 0',
      teamSize: 50,
      submittedHours: 15,
      approvedHours: 40,
      pendingApprovals: 2,
      pendingTimesheets: 1,
      pendingLeaveRequests: 1,
      leaveDaysTaken: 2,
    });
    for (const other of res.body.teams.filter((t: { managerId: string }) => t.managerId !== managers[0].id)) {
      assert.equal(other.teamSize, 50);
      assert.equal(other.submittedHours + other.approvedHours + other.pendingApprovals + other.leaveDaysTaken, 0);
    }

    // A bounded, constant number of queries (no per-employee or per-manager queries)…
    assert.ok(commands.length > 0 && commands.length <= 5, `dashboard sent ${commands.length} payroll reads: ${commands.map((c) => c.commandName).join(', ')}`);
    // …all in one transaction, whose first read fixed a snapshot.
    const lsids = new Set(commands.map((c) => JSON.stringify(c.command.lsid)));
    const txns = new Set(commands.map((c) => String(c.command.txnNumber)));
    assert.equal(lsids.size, 1, 'all reads share one session');
    assert.equal(txns.size, 1, 'all reads share one transaction');
    assert.equal(commands[0].command.startTransaction, true);
    assert.equal(commands[0].command.readConcern?.level, 'snapshot');

    // The same count for a tenant with two employees: independent of the employee count.
    const small = await ctx.newTenant();
    const boss = await newEmployee(small);
    await newEmployee(small, { managerId: boss.id });
    const smallCommands = await payrollReadsDuring(() => small.http.get('/api/v1/payroll/dashboard', { query: { period } }));
    assert.equal(smallCommands.length, commands.length);
    await expectPayrollConsistent(small);
  });

  it('400 for a malformed period, 403 for clerks', async () => {
    for (const period of ['2030-13', '2030-4', 'April', '']) {
      const res = await manager.http.get('/api/v1/payroll/dashboard', { query: { period } });
      assert.equal(res.status, 400, period);
    }
    assert.equal((await manager.http.get('/api/v1/payroll/dashboard')).status, 400);
    const clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
    assert.equal((await clerk.http.get('/api/v1/payroll/dashboard', { query: { period: '2030-04' } })).status, 403);
  });
});
