import { Injectable } from '@nestjs/common';
import { MissingTenantScopeError } from '../common/tenancy/tenant-scope.plugin';
import { TenantContext } from '../common/tenancy/tenant-context';
import { OrderRepository } from './order.repository';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * The one inventory capability other modules may use: does a sales order exist in the
 * current request's tenant? (finance invoices orders, versioning files versions under them.)
 */
@Injectable()
export class OrderLookupService {
  constructor(private readonly orders: OrderRepository) {}

  /**
   * True when `orderId` names an order (confirmed or cancelled) of the current request's
   * tenant; false for a malformed id, an unknown order or another tenant's order. Joins the
   * caller's transaction, if any. Throws outside an authenticated request (no tenant).
   */
  async exists(orderId: string): Promise<boolean> {
    const tenantId = TenantContext.current();
    if (!tenantId) throw new MissingTenantScopeError('Order', 'exists');
    if (typeof orderId !== 'string' || !OBJECT_ID.test(orderId)) return false;
    return this.orders.exists({ _id: orderId, tenantId });
  }
}
