import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToDecimalInteger } from './normalize';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * `?page=&pageSize=` of every list route. Module list queries extend it with their own filters
 * (`class ListTimesheetsQueryDto extends PageQueryDto { … }`). Query strings are text and the
 * global pipe never converts implicitly, so each number is converted explicitly — from decimal
 * digits only — then validated: `two`, `1.5`, `0x10`, `1e3`, `0` or `101` → 400 `validation-failed`.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', example: 1, minimum: 1, maximum: 100_000, default: 1 })
  @IsOptional()
  @ToDecimalInteger()
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', example: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @ToDecimalInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

/** The resolved page: defaults applied, plus how many documents precede it. */
export interface PageWindow {
  page: number;
  pageSize: number;
  skip: number;
}

/** Applies the defaults of a {@link PageQueryDto}. */
export function pageWindow(query: PageQueryDto): PageWindow {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, skip: (page - 1) * pageSize };
}
