/*
 * Compiled (never run) by openapi.e2e-spec.ts against the types openapi-typescript generates
 * from /docs-json into ./generated/api.ts: one typed call per module, so a schema that types a
 * field wrongly (customerRef as an object, an integer as a string, a lost union) breaks the build
 * of a real client the way it would break a user's.
 */
import type { components, paths } from './generated/api';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Ok<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never }[keyof R]
  : never;
type PathParams<O> = O extends { parameters: { path?: infer A } } ? A : never;

/** A minimal typed fetch: path, method, params and body are checked against the document. */
declare function call<P extends keyof paths, M extends Method>(
  path: P,
  method: M,
  init: { params?: PathParams<Op<P, M>>; body?: JsonBody<Op<P, M>>; headers?: Record<string, string> },
): Promise<Ok<Op<P, M>>>;

type Problem = components['schemas']['ProblemDetailsDto'];

export async function everyModule(): Promise<void> {
  // auth
  const session = await call('/api/v1/auth/signup', 'post', {
    body: { tenantName: 'Acme', email: 'ada@acme.example', password: 'correct-horse-battery', displayName: 'Ada' },
  });
  const token: string = session.accessToken;

  // users
  const users = await call('/api/v1/users', 'get', { headers: { authorization: `Bearer ${token}` } });
  const total: number = users.total;

  // inventory
  const item = await call('/api/v1/inventory/items', 'post', { body: { sku: 'BOLT-1', name: 'Bolt', unit: 'pcs', quantityOnHand: 100 } });
  const allocation = await call('/api/v1/inventory/items/{id}/allocate', 'post', { params: { id: item.id }, body: { quantity: 3, orderReference: 'SO-1' } });
  const allocated: number = allocation.quantity;

  // documents: customerRef is a string (or null to clear it)
  await call('/api/v1/documents', 'post', { body: { title: 'MSA', category: 'contracts', type: 'contract', customerRef: 'CUST-2001', fields: { renewal: 'annual' } } });
  const updated = await call('/api/v1/documents/{id}', 'patch', { params: { id: '665f1c2e8b3e4a0012345678' }, body: { customerRef: 'CUST-2001' }, headers: { 'if-match': '"1"' } });
  const version: number = updated.version;
  await call('/api/v1/documents/{id}', 'patch', { params: { id: updated.id }, body: { customerRef: null }, headers: { 'if-match': `"${version}"` } });

  // settings: value is a real union
  const list = await call('/api/v1/settings/{key}', 'put', { params: { key: 'dropdown_customers' }, body: { value: ['acme', 'globex'] }, headers: { 'if-match': '"0"' } });
  const options = list.value;
  if (Array.isArray(options)) options.map((o: string) => o.toUpperCase());
  else if (typeof options === 'string') options.toUpperCase();
  await call('/api/v1/settings/{key}', 'put', { params: { key: 'currency' }, body: { value: 'SAR' }, headers: { 'if-match': `"${list.version}"` } });

  // notifications
  const unread: number = (await call('/api/v1/notifications', 'get', {})).unreadCount;

  // finance: any ISO 4217 code, and the exponent to format amounts with
  const account = await call('/api/v1/finance/accounts', 'post', { body: { name: 'Riyadh operating', currency: 'SAR', openingBalance: 125_050 } });
  const shown: string = (account.balance / 10 ** account.minorUnits).toFixed(account.minorUnits);

  // payroll
  const employee = await call('/api/v1/payroll/employees', 'post', { body: { name: 'Grace', email: 'grace@acme.example', leaveBalances: { annual: 25, sick: 10 } } });
  const leave = await call('/api/v1/payroll/leave-requests', 'post', { body: { employeeId: employee.id, type: 'annual', from: '2025-03-03', to: '2025-03-07' } });

  // versioning
  const versions = await call('/api/v1/versioning/{ownerType}/{ownerId}/versions', 'get', { params: { ownerType: 'documents', ownerId: updated.id } });

  // errors: the extension members are declared, with their types
  const problem = {} as Problem;
  const state: string | undefined = problem.currentState;
  const current: number | undefined = problem.currentVersion;

  void [token, total, allocated, unread, shown, leave, versions, state, current];
}
