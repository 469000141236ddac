import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MongoEmulator } from '@app/mongo-emulator';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { ApiETag } from './api-etag.decorator';
import { ApiProblemResponse, ProblemDetailsDto } from '@app/problem-details';
import { IfMatchVersion } from './if-match-version.decorator';
import { Idempotent } from './idempotent.decorator';
import { RequireIfMatch } from './require-if-match.decorator';
import { startTestApp, TestApp } from './testing/test-app';

class ThingDto {
  id!: string;
  version!: number;
}

@Controller('things')
class ThingsController {
  @Get(':id')
  @ApiOkResponse({ type: ThingDto })
  @ApiETag()
  get(@Param('id') id: string): ThingDto {
    return { id, version: 1 };
  }

  @Patch(':id')
  @RequireIfMatch()
  @ApiProblemResponse({ status: 409, code: 'invalid-state', description: 'Not editable.' })
  update(@Param('id') id: string, @IfMatchVersion() version: number): ThingDto {
    return { id, version: version + 1 };
  }

  @Post()
  @Idempotent()
  @ApiProblemResponse({ status: 409, code: 'duplicate', description: 'Same name exists.' })
  create(@Body() _body: unknown): ThingDto {
    return { id: 'x', version: 1 };
  }
}

describe('Swagger decorators', () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let doc: ReturnType<typeof SwaggerModule.createDocument>;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({ uri: emu.uri, listen: false, controllers: [ThingsController] });
    doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  it('@RequireIfMatch documents the required If-Match header and the 412 / 428 Problem Details', () => {
    const op = doc.paths['/things/{id}'].patch!;
    const header = op.parameters?.find((p) => 'name' in p && p.name === 'If-Match') as { required?: boolean; in?: string; example?: unknown };
    assert.equal(header?.in, 'header');
    assert.equal(header?.required, true);
    assert.equal(header?.example ?? (header as { schema?: { example?: unknown } })?.schema?.example, '"1"', JSON.stringify(header));
    assert.ok(op.responses['412'] && op.responses['428'] && op.responses['409']);
    assert.match(JSON.stringify(op.responses['412']), /version-mismatch/);
    assert.match(JSON.stringify(op.responses['412']), new RegExp(ProblemDetailsDto.name));
  });

  it('@Idempotent documents the optional Idempotency-Key header, 409 in-progress (merged with other 409s) and 422', () => {
    const op = doc.paths['/things'].post!;
    const header = op.parameters?.find((p) => 'name' in p && p.name === 'Idempotency-Key') as { required?: boolean };
    assert.equal(header?.required, false);
    const conflict = JSON.stringify(op.responses['409']);
    assert.match(conflict, /idempotency-in-progress/);
    assert.match(conflict, /duplicate/);
    assert.match(JSON.stringify(op.responses['422']), /idempotency-key-reused/);
  });

  it('@ApiETag documents the ETag header on 200 (keeping its type), If-None-Match and 304', () => {
    const op = doc.paths['/things/{id}'].get!;
    const ok = op.responses['200'] as { headers?: Record<string, unknown>; content?: unknown };
    assert.ok(ok.headers?.ETag);
    assert.match(JSON.stringify(ok.content), /ThingDto/);
    assert.ok(op.responses['304']);
    assert.ok(op.parameters?.some((p) => 'name' in p && p.name === 'If-None-Match'));
  });
});
