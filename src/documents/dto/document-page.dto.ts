import { ApiProperty } from '@nestjs/swagger';
import { DocumentDto } from './document.dto';

/** One page of documents; `items` and `total` come from one consistent read. */
export class DocumentPageDto {
  @ApiProperty({ type: [DocumentDto] })
  items: DocumentDto[];

  @ApiProperty({ example: 1 })
  page: number;

  @ApiProperty({ example: 20 })
  pageSize: number;

  @ApiProperty({ example: 42, description: 'Documents matching the filters (all pages).' })
  total: number;
}
