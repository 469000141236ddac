import { Prop, Schema } from '@nestjs/mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/**
 * A manager's decision on something an employee submitted (a leave request, a timesheet):
 * set by the same guarded transition that changes the status. Schemas inherit these fields.
 */
@Schema()
export abstract class Decided extends TenantOwned {
  /** User id of whoever approved, rejected or cancelled it. */
  @Prop({ type: String })
  decidedBy?: string;

  @Prop({ type: Date })
  decidedAt?: Date;

  /** Why it was rejected. */
  @Prop({ type: String })
  reason?: string;
}
