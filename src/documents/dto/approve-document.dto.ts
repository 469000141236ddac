import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** Body of `POST /documents/:id/approve`. */
export class ApproveDocumentDto {
  @ApiPropertyOptional({ example: 'Terms checked, approved.', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  comment?: string;
}
