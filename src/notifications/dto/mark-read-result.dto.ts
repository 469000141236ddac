import { ApiProperty } from '@nestjs/swagger';

/** Response of `POST /notifications/read`. */
export class MarkReadResultDto {
  @ApiProperty({ type: 'integer', example: 1, description: 'How many were unread before this call (0 on a repeat: the call is idempotent).' })
  updated: number;
}
