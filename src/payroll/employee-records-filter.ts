import { Types } from 'mongoose';
import type { TenantFilter } from '../common/tenancy/tenant-filter';

/**
 * The filter of a list of employee records (leave requests, timesheets): the caller's tenant,
 * narrowed to one employee and one status when the query names them.
 */
export function employeeRecordsFilter<T extends { employeeId: Types.ObjectId; status: string }>(
  tenantId: string,
  query: { employeeId?: string; status?: T['status'] },
): TenantFilter<T> {
  const filter = { tenantId } as TenantFilter<T>;
  if (query.employeeId) Object.assign(filter, { employeeId: new Types.ObjectId(query.employeeId) });
  if (query.status) Object.assign(filter, { status: query.status });
  return filter;
}
