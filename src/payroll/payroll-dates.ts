/**
 * Calendar arithmetic for payroll, on ISO dates (`YYYY-MM-DD`) in UTC. Dates travel and are
 * stored as these strings: they compare correctly as strings, so range queries need no Date.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a valid ISO date, or undefined (wrong shape or no such day). */
export function isoDateToDayNumber(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March: a round trip tells a real day from a rolled one.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Math.floor(ms / DAY_MS);
}

/** True for a real calendar day written as `YYYY-MM-DD`. */
export function isIsoDate(value: unknown): value is string {
  return isoDateToDayNumber(value) !== undefined;
}

/** The ISO date of a day number (inverse of {@link isoDateToDayNumber}). */
export function dayNumberToIsoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** True when the ISO date is a Monday. */
export function isMonday(date: string): boolean {
  const day = isoDateToDayNumber(date);
  return day !== undefined && weekdayOf(day) === 0;
}

/** The ISO date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const day = isoDateToDayNumber(date);
  if (day === undefined) throw new RangeError(`not an ISO date: ${date}`);
  return dayNumberToIsoDate(day + days);
}

/** Number of whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = isoDateToDayNumber(from);
  const b = isoDateToDayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not ISO dates: ${from}, ${to}`);
  return b - a;
}

function workingDaysOfDayNumbers(first: number, last: number): number {
  if (last < first) return 0;
  const total = last - first + 1;
  const weeks = Math.floor(total / 7);
  let count = weeks * 5;
  // The remainder is < 7 days: count its weekdays directly (constant time, any range length).
  for (let d = first + weeks * 7; d <= last; d++) if (weekdayOf(d) < 5) count++;
  return count;
}

/** Working days (Monday–Friday) in [from, to], both inclusive; 0 when `to` < `from`. */
export function workingDays(from: string, to: string): number {
  const a = isoDateToDayNumber(from);
  const b = isoDateToDayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not ISO dates: ${from}, ${to}`);
  return workingDaysOfDayNumbers(a, b);
}

/** Working days of [from, to] per calendar month (`YYYY-MM`), months with none left out. */
export function workingDaysByMonth(from: string, to: string): Array<{ month: string; days: number }> {
  const a = isoDateToDayNumber(from);
  const b = isoDateToDayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not ISO dates: ${from}, ${to}`);
  const out: Array<{ month: string; days: number }> = [];
  let start = a;
  while (start <= b) {
    const d = new Date(start * DAY_MS);
    const nextMonth = Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS);
    const end = Math.min(b, nextMonth - 1);
    const days = workingDaysOfDayNumbers(start, end);
    if (days > 0) out.push({ month: dayNumberToIsoDate(start).slice(0, 7), days });
    start = nextMonth;
  }
  return out;
}

/** True for `YYYY-MM` with a month 01–12. */
export function isIsoMonth(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_MONTH.exec(value);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** First and last ISO date of a `YYYY-MM` month. */
export function monthBounds(month: string): { first: string; last: string } {
  if (!isIsoMonth(month)) throw new RangeError(`not an ISO month: ${month}`);
  const [y, m] = month.split('-').map(Number);
  const first = Math.floor(Date.UTC(y, m - 1, 1) / DAY_MS);
  const next = Math.floor(Date.UTC(y, m, 1) / DAY_MS);
  return { first: dayNumberToIsoDate(first), last: dayNumberToIsoDate(next - 1) };
}
