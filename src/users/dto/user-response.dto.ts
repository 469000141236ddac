import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../../auth/role';
import type { UserRecord } from '../users.repository';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** A user as the API shows it: never a password or a hash. */
export class UserResponseDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345670' })
  tenantId: string;

  @ApiProperty({ example: 'grace@acme.example' })
  email: string;

  @ApiProperty({ example: 'Grace Hopper' })
  displayName: string;

  @ApiProperty({ enum: Role, isArray: true, example: [Role.Clerk] })
  roles: Role[];

  @ApiInteger(1, 'Also the ETag ("1"); send it as If-Match to change the user.')
  version: number;

  @ApiProperty({ example: '2025-01-31T09:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2025-01-31T09:30:00.000Z' })
  updatedAt: string;

  /** Explicit field-by-field mapping: a new secret field on the schema cannot leak by default. */
  static from(user: UserRecord): UserResponseDto {
    return {
      id: user._id.toHexString(),
      tenantId: user.tenantId,
      email: user.email,
      displayName: user.displayName,
      roles: [...user.roles],
      version: user.version,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}

export class UserListResponseDto extends PageDto(UserResponseDto) {}
