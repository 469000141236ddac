import { Injectable } from '@nestjs/common';
import { Transactional } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { ConsistencyResponseDto, ConsistencyViolationDto } from './dto/consistency-response.dto';
import { DashboardResponseDto, TeamSummaryDto } from './dto/dashboard-response.dto';
import { EmployeeRepository } from './employee.repository';
import { LEAVE_TYPES } from './employee.schema';
import { LeaveRequestRepository } from './leave-request.repository';
import { addDays, monthBounds } from './payroll-dates';
import { TimesheetRepository } from './timesheet.repository';

/**
 * Read models over payroll: the team dashboard and the consistency report. Each runs in one
 * read-only snapshot transaction, so every figure is read at the same instant, and issues a
 * fixed number of aggregations whatever the number of employees (no per-employee queries).
 * The queries run one after another: operations of one transaction must not overlap, and a
 * handful of sequential aggregations is a bounded fan-out of one.
 */
@Injectable()
export class PayrollReportsService {
  constructor(
    private readonly employees: EmployeeRepository,
    private readonly timesheets: TimesheetRepository,
    private readonly leave: LeaveRequestRepository,
  ) {}

  /**
   * Per manager, for the month: team size, submitted (awaiting approval) and approved hours
   * dated in the month, pending approvals, and approved leave days falling in the month.
   * Five aggregations/finds in one snapshot.
   */
  @Transactional({ name: 'payroll.dashboard' })
  async dashboard(actor: AuthUser, period: string): Promise<DashboardResponseDto> {
    const tenantId = actor.tenantId;
    const { first, last } = monthBounds(period);
    // A week starting up to six days before the 1st still has days in the month.
    const weekFrom = addDays(first, -6);
    const teams = await this.employees.teams(tenantId);
    const managers = await this.employees.names(tenantId, teams.map((t) => t.managerId));
    const hours = await this.timesheets.monthHours(tenantId, weekFrom, first, last);
    const pendingTimesheets = await this.timesheets.pendingInMonth(tenantId, weekFrom, last);
    const leave = await this.leave.monthSummary(tenantId, period, first, last);

    const names = new Map(managers.map((m) => [String(m._id), m.name]));
    const summaries = new Map<string, TeamSummaryDto>();
    const teamOf = new Map<string, TeamSummaryDto>();
    for (const team of teams) {
      const managerId = String(team.managerId);
      const summary: TeamSummaryDto = {
        managerId,
        managerName: names.get(managerId) ?? null,
        teamSize: team.teamSize,
        submittedHours: 0,
        approvedHours: 0,
        pendingApprovals: 0,
        pendingTimesheets: 0,
        pendingLeaveRequests: 0,
        leaveDaysTaken: 0,
      };
      summaries.set(managerId, summary);
      for (const member of team.memberIds) teamOf.set(String(member), summary);
    }
    for (const row of hours) {
      const team = teamOf.get(String(row.employeeId));
      if (!team) continue;
      team.submittedHours += row.submittedHours;
      team.approvedHours += row.approvedHours;
    }
    for (const row of pendingTimesheets) {
      const team = teamOf.get(String(row.employeeId));
      if (team) team.pendingTimesheets += row.pending;
    }
    for (const row of leave) {
      const team = teamOf.get(String(row.employeeId));
      if (!team) continue;
      team.leaveDaysTaken += row.daysTaken;
      team.pendingLeaveRequests += row.pending;
    }
    for (const team of summaries.values()) team.pendingApprovals = team.pendingTimesheets + team.pendingLeaveRequests;
    return { period, asOf: new Date().toISOString(), teams: [...summaries.values()] };
  }

  /**
   * Checks the module's invariants in one snapshot: for every employee and leave type,
   * available = entitlement − reserved − consumed with no negative term, reserved = days of
   * pending requests and consumed = days of approved ones; no employee has overlapping live
   * leave; no employee has two submitted/approved timesheets for one week.
   */
  @Transactional({ name: 'payroll.consistency' })
  async consistency(actor: AuthUser): Promise<ConsistencyResponseDto> {
    const tenantId = actor.tenantId;
    const balances = await this.employees.allBalances(tenantId);
    const totals = await this.leave.liveTotals(tenantId);
    const live = await this.leave.liveByEmployee(tenantId);
    const duplicates = await this.timesheets.duplicatePeriods(tenantId);
    const violations: ConsistencyViolationDto[] = [];

    const held = new Map<string, number>();
    for (const t of totals) held.set(`${String(t.employeeId)}/${t.type}/${t.status}`, t.days);
    for (const employee of balances) {
      const employeeId = String(employee._id);
      for (const type of LEAVE_TYPES) {
        const b = employee.leave[type];
        const v = (kind: string, detail: string) => violations.push({ kind, employeeId, leaveType: type, detail });
        if (b.available !== b.entitlement - b.reserved - b.consumed) {
          v('balance-mismatch', `available ${b.available} ≠ entitlement ${b.entitlement} − reserved ${b.reserved} − consumed ${b.consumed}`);
        }
        if (Math.min(b.entitlement, b.reserved, b.consumed, b.available) < 0) v('negative-balance', `a term is negative: ${JSON.stringify(b)}`);
        const pending = held.get(`${employeeId}/${type}/pending`) ?? 0;
        if (b.reserved !== pending) v('reserved-mismatch', `reserved ${b.reserved} ≠ ${pending} day(s) of pending requests`);
        const approved = held.get(`${employeeId}/${type}/approved`) ?? 0;
        if (b.consumed !== approved) v('consumed-mismatch', `consumed ${b.consumed} ≠ ${approved} day(s) of approved requests`);
      }
    }

    // Sorted by employee then start date: a request overlaps an earlier one iff it starts on
    // or before the latest end seen so far for that employee.
    let employee = '';
    let latestEnd = '';
    let latestId = '';
    for (const r of live) {
      const employeeId = String(r.employeeId);
      if (employeeId !== employee) {
        employee = employeeId;
        latestEnd = '';
      }
      if (latestEnd && r.from <= latestEnd) {
        violations.push({ kind: 'overlapping-leave', employeeId, detail: `request ${String(r._id)} (${r.from}..${r.to}) overlaps request ${latestId}` });
      }
      if (r.to > latestEnd) {
        latestEnd = r.to;
        latestId = String(r._id);
      }
    }

    for (const d of duplicates) {
      violations.push({ kind: 'duplicate-submitted-timesheet', employeeId: String(d.employeeId), detail: `${d.count} submitted/approved timesheets for the week of ${d.periodStart}` });
    }
    return { ok: violations.length === 0, violations, checkedAt: new Date().toISOString() };
  }
}
