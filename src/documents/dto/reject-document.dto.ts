import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** Body of `POST /documents/:id/reject`. */
export class RejectDocumentDto {
  @ApiProperty({ example: 'Liability cap is missing.', minLength: 1, maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason: string;
}
