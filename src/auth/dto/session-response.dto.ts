import { ApiProperty } from '@nestjs/swagger';

/** A live login session of the caller. */
export class SessionResponseDto {
  @ApiProperty({ example: '665f1c2e8b3e4a00123456aa' })
  id: string;

  @ApiProperty({ example: true, description: 'The session of the token making this request.' })
  current: boolean;

  @ApiProperty({ example: '2025-01-31T09:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2025-01-31T10:15:00.000Z', description: 'Login or last refresh.' })
  lastUsedAt: string;

  @ApiProperty({ example: '2025-03-02T10:15:00.000Z', description: 'When the current refresh token expires.' })
  expiresAt: string;

  @ApiProperty({ example: 'Mozilla/5.0 (X11; Linux x86_64)', nullable: true, type: String })
  userAgent: string | null;

  @ApiProperty({ example: '203.0.113.7', nullable: true, type: String })
  ip: string | null;
}

export class SessionListResponseDto {
  @ApiProperty({ type: [SessionResponseDto] })
  items: SessionResponseDto[];
}
