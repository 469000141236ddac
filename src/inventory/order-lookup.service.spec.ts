import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ClsServiceManager } from 'nestjs-cls';
import { TenantContext } from '../common/tenancy/tenant-context';
import { MissingTenantScopeError } from '../common/tenancy/tenant-scope.plugin';
import { OrderLookupService } from './order-lookup.service';
import type { OrderRepository } from './order.repository';

function inTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  return ClsServiceManager.getClsService().run(() => {
    TenantContext.set(tenantId);
    return fn();
  });
}

describe(OrderLookupService.name, () => {
  const asked: unknown[] = [];
  const repo = { exists: async (filter: unknown) => (asked.push(filter), true) } as unknown as OrderRepository;
  const lookup = new OrderLookupService(repo);

  it("asks for the order within the current request's tenant", async () => {
    assert.equal(await inTenant('t1', () => lookup.exists('665f1c2e8b3e4a0012345678')), true);
    assert.deepEqual(asked.at(-1), { _id: '665f1c2e8b3e4a0012345678', tenantId: 't1' });
  });

  it('answers false for a malformed id without querying', async () => {
    const before = asked.length;
    assert.equal(await inTenant('t1', () => lookup.exists('not-an-id')), false);
    assert.equal(asked.length, before);
  });

  it('refuses to run outside a request (no tenant to scope by)', async () => {
    await assert.rejects(lookup.exists('665f1c2e8b3e4a0012345678'), MissingTenantScopeError);
  });
});
