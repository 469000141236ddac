import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { PageWindow } from './page-query.dto';

/** The envelope of every list route: one page of `items`, and `total` over all pages. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The Swagger model of a page of `item`, for a module's page DTO to extend so the route
 * documents its item type:
 *
 * ```ts
 * export class ItemPageDto extends PageDto(ItemDto) {}
 * @ApiOkResponse({ type: ItemPageDto })
 * ```
 */
export function PageDto<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: 'integer', example: 42, description: 'Items matching the query on all pages, counted in the same snapshot as `items`.' })
    total: number;

    @ApiProperty({ type: 'integer', example: 1 })
    page: number;

    @ApiProperty({ type: 'integer', example: 20 })
    pageSize: number;
  }
  Object.defineProperty(PageOfItems, 'name', { value: `${item.name}Page` });
  return PageOfItems;
}

/** Builds the envelope from one read's items and total (no paging internals such as `skip`). */
export function toPage<T>(window: PageWindow, items: T[], total: number): Page<T> {
  return { items, total, page: window.page, pageSize: window.pageSize };
}
