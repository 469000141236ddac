import { ApiProperty } from '@nestjs/swagger';
import { ApiInteger } from '../../common/swagger/api-integer';

/** What login and refresh answer. */
export class TokenPairDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0aWQiOiI2NjVm…', description: 'JWT for `Authorization: Bearer …`; claims sub, tid, roles, sid.' })
  accessToken: string;

  @ApiProperty({ example: 'q0M2u3c1Jx4b0wY6mQw9tZ8pVn3kR5sH1aLdE7fG2iA', description: 'Opaque, single use: trade it at POST /auth/refresh for a new pair. Lives 30 days.' })
  refreshToken: string;

  @ApiInteger(900, 'Access-token lifetime in seconds.')
  expiresIn: number;
}

/** What signup answers: the new tenant, its first (admin) user, and a signed-in pair. */
export class SignupResponseDto extends TokenPairDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345670' })
  tenantId: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  userId: string;
}
