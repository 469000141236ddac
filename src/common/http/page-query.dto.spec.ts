import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';
import { PageQueryDto, pageWindow } from './page-query.dto';
import { toPage } from './page.dto';

/** Validates like the global pipe does (whitelist + forbidNonWhitelisted, no implicit conversion). */
function parse<T extends object>(cls: new () => T, plain: unknown): { value: T; fields: string[] } {
  const value = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { value, fields: errors.map((e) => e.property) };
}

class FilteredQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  status?: string;
}

describe(PageQueryDto.name, () => {
  it('converts query strings explicitly, from decimal digits only, and refuses non-integers and out-of-range values', () => {
    assert.deepEqual(parse(PageQueryDto, { page: '2', pageSize: '10' }), { value: Object.assign(new PageQueryDto(), { page: 2, pageSize: 10 }), fields: [] });
    assert.deepEqual(parse(PageQueryDto, { page: '1', pageSize: '100' }).fields, []);
    for (const page of ['two', '0', '-1', '1.5', '', '100001', '0x10', '1e3', '1.0', ' 1', '+1', '1 ']) assert.deepEqual(parse(PageQueryDto, { page }).fields, ['page'], page);
    for (const pageSize of ['x', '0', '1.5', '101', '1000']) assert.deepEqual(parse(PageQueryDto, { pageSize }).fields, ['pageSize'], pageSize);
    assert.deepEqual(parse(PageQueryDto, { limit: '10' }).fields, ['limit'], 'the old names are unknown fields');
    assert.deepEqual(parse(PageQueryDto, { offset: '10' }).fields, ['offset'], 'the old names are unknown fields');
  });

  it('a module query extends it and keeps its own filters', () => {
    assert.deepEqual(parse(FilteredQueryDto, { page: '3', pageSize: '5', status: 'open' }).fields, []);
    assert.deepEqual(parse(FilteredQueryDto, { pageSize: '101', status: 'open' }).fields, ['pageSize']);
  });

  it('defaults to page 1 of 20 and builds the { items, total, page, pageSize } envelope without skip', () => {
    assert.deepEqual(pageWindow({}), { page: 1, pageSize: 20, skip: 0 });
    const window = pageWindow({ page: 3, pageSize: 10 });
    assert.deepEqual(window, { page: 3, pageSize: 10, skip: 20 });
    assert.deepEqual(toPage(window, ['a'], 21), { items: ['a'], total: 21, page: 3, pageSize: 10 });
  });
});
