import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Public } from '../common/http/public.decorator';
import { AuthRouteAudit } from './auth-route-audit';
import { Authenticated } from './authenticated.decorator';

@Controller('fine')
class FineController {
  @Get() @Public() open(): void {}
  @Post() @Authenticated() closed(): void {}
  helper(): void {}
}

@Controller('oops')
class OopsController {
  @Get() forgotten(): void {}
  @Post() @Authenticated() fine(): void {}
}

async function audit(...controllers: Array<new () => object>): Promise<AuthRouteAudit> {
  @Module({ imports: [DiscoveryModule], controllers, providers: [AuthRouteAudit] })
  class AuditedModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AuditedModule] }).compile();
  return moduleRef.get(AuthRouteAudit);
}

describe(AuthRouteAudit.name, () => {
  it('finds routes that are neither @Public nor @Authenticated (plain methods are not routes)', async () => {
    assert.deepEqual((await audit(FineController, OopsController)).undeclaredRoutes(), ['OopsController.forgotten']);
  });

  it('fails the boot naming them', async () => {
    const auditor = await audit(OopsController);
    assert.throws(() => auditor.onApplicationBootstrap(), /OopsController\.forgotten/);
    const clean = await audit(FineController);
    assert.doesNotThrow(() => clean.onApplicationBootstrap());
  });
});
