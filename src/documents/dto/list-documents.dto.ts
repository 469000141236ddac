import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { DOCUMENT_STATUSES, DocumentStatus } from '../document.schema';

/** Query of `GET /documents`: equality filters and a page. */
export class ListDocumentsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DOCUMENT_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(DOCUMENT_STATUSES)
  status?: DocumentStatus;

  @ApiPropertyOptional({ example: 'contracts' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ example: 'msa' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  type?: string;

  @ApiPropertyOptional({ example: 'priority', description: 'Documents carrying this tag.' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  tag?: string;

  @ApiPropertyOptional({ example: 'CUST-1042' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customerRef?: string;
}
