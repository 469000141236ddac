/**
 * Inventory factories for e2e suites (inventory, finance, versioning, bench): create items and
 * orders through the real HTTP API, failing loudly when the API refuses.
 */
import assert from 'node:assert/strict';
import type { HttpClient, HttpResponse } from '@app/concurrency/testing';

/** Anything that can call the API as some user: a client, or a tenant/user holding one. */
export type Caller = HttpClient | { http: HttpClient };

/** An item as the API returns it. */
export interface ItemView {
  id: string;
  sku: string;
  name: string;
  unit: string;
  /** Physical stock: quantityAllocated + quantityAvailable. */
  quantityOnHand: number;
  quantityAllocated: number;
  /** What can still be allocated. */
  quantityAvailable: number;
  version: number;
}

/** An order line as the API returns it. */
export interface OrderLineView {
  itemId: string;
  sku: string;
  quantity: number;
  allocationId: string;
}

/** A sales order as the API returns it. */
export interface OrderView {
  id: string;
  orderNumber: string;
  customerName: string;
  notes: string;
  status: 'confirmed' | 'cancelled';
  stage: 'queued' | 'slitting' | 'winding' | 'packing' | 'done';
  lines: OrderLineView[];
  version: number;
}

/** An allocation as the API returns it. */
export interface AllocationView {
  id: string;
  itemId: string;
  quantity: number;
  orderReference: string;
  orderId?: string;
  status: 'open' | 'released';
  remaining: number;
}

/** The consistency report. */
export interface ConsistencyView {
  ok: boolean;
  itemsChecked: number;
  violations: Array<{ itemId: string; sku: string; rule: string; expected: number; actual: number }>;
}

export const INVENTORY = '/api/v1/inventory';

/** The HTTP client of a caller. */
export function clientOf(caller: Caller): HttpClient {
  return 'http' in caller && typeof (caller as { http?: unknown }).http === 'object' ? (caller as { http: HttpClient }).http : (caller as HttpClient);
}

/** `If-Match` header for a version. */
export const ifMatch = (version: number): { 'if-match': string } => ({ 'if-match': `"${version}"` });

function expectStatus(res: HttpResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
}

let seq = 0;

/** A unique SKU (per process; tenants are fresh per test anyway). */
export function nextSku(prefix = 'SKU'): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}`;
}

/**
 * Creates an item in the caller's tenant (201 asserted). The caller must be a manager or an
 * admin (a tenant's own client is its admin). Defaults: 100 on hand, a unique SKU.
 */
export async function newItem(tenant: Caller, options: { quantityOnHand?: number; sku?: string; name?: string; unit?: string } = {}): Promise<ItemView> {
  const sku = options.sku ?? nextSku();
  const res = await clientOf(tenant).post<ItemView>(`${INVENTORY}/items`, {
    sku,
    name: options.name ?? `Item ${sku}`,
    quantityOnHand: options.quantityOnHand ?? 100,
    ...(options.unit ? { unit: options.unit } : {}),
  });
  expectStatus(res, 201, 'newItem');
  return res.body;
}

/**
 * Creates a confirmed sales order in the caller's tenant (201 asserted): its lines are
 * allocated, so the items need the stock. Pass `lines: [{ itemId, quantity }]`.
 */
export async function newOrder(
  tenant: Caller,
  options: { lines: Array<{ itemId: string; quantity: number }>; customerName?: string; notes?: string },
): Promise<OrderView> {
  const res = await clientOf(tenant).post<OrderView>(`${INVENTORY}/orders`, {
    customerName: options.customerName ?? 'Acme Packaging Ltd',
    lines: options.lines,
    ...(options.notes === undefined ? {} : { notes: options.notes }),
  });
  expectStatus(res, 201, 'newOrder');
  return res.body;
}

/** Re-reads an item (200 asserted). */
export async function getItem(tenant: Caller, id: string): Promise<ItemView> {
  const res = await clientOf(tenant).get<ItemView>(`${INVENTORY}/items/${id}`);
  expectStatus(res, 200, 'getItem');
  return res.body;
}

/** Re-reads an order (200 asserted). */
export async function getOrder(tenant: Caller, id: string): Promise<OrderView> {
  const res = await clientOf(tenant).get<OrderView>(`${INVENTORY}/orders/${id}`);
  expectStatus(res, 200, 'getOrder');
  return res.body;
}

/** The tenant's consistency report; the caller must be a manager or an admin. */
export async function inventoryConsistency(tenant: Caller): Promise<ConsistencyView> {
  const res = await clientOf(tenant).get<ConsistencyView>(`${INVENTORY}/consistency`);
  expectStatus(res, 200, 'consistency');
  return res.body;
}

/** Asserts the tenant's stock invariants hold (quantityAvailable = Σ movements ≥ 0, quantityAllocated = Σ open allocations, onHand = allocated + available). */
export async function assertInventoryConsistent(tenant: Caller): Promise<void> {
  const report = await inventoryConsistency(tenant);
  assert.deepEqual(report.violations, [], 'inventory invariants violated');
  assert.equal(report.ok, true);
}
