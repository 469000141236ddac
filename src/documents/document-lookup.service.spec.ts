import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ClsServiceManager } from 'nestjs-cls';
import { TenantContext } from '../common/tenancy/tenant-context';
import type { DocumentRepository } from './document.repository';
import { DocumentLookupService } from './document-lookup.service';

const ID = '665f1c2e8b3e4a0012345678';

function lookup(found: boolean) {
  const filters: unknown[] = [];
  const repo = { exists: async (filter: unknown) => (filters.push(filter), found) } as unknown as DocumentRepository;
  return { filters, service: new DocumentLookupService(repo) };
}

describe(DocumentLookupService.name, () => {
  it("asks about the current request's tenant only", async () => {
    const { filters, service } = lookup(true);
    const cls = ClsServiceManager.getClsService();
    const result = await cls.run(async () => {
      TenantContext.set('tenant-a');
      return service.exists(ID);
    });
    assert.equal(result, true);
    assert.deepEqual(filters, [{ tenantId: 'tenant-a', _id: ID }]);
  });

  it('a malformed id is simply absent (no query)', async () => {
    const { filters, service } = lookup(true);
    assert.equal(await service.exists('not-an-id', 'tenant-a'), false);
    assert.equal(await service.exists('aaaaaaaaaaaa', 'tenant-a'), false);
    assert.equal(filters.length, 0);
  });

  it('refuses to answer without a tenant', async () => {
    const { service } = lookup(true);
    await assert.rejects(service.exists(ID), /needs a tenant/);
  });
});
