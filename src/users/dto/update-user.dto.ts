import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../auth/role';
import { Trim } from '../../common/http/normalize';

/** A partial update: only the fields present change. Send the ETag you read as If-Match. */
export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Grace B. Hopper', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ enum: Role, isArray: true, example: [Role.Manager, Role.Clerk], description: 'Replaces the role set. A tenant always keeps at least one admin (409 `last-admin`).' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(4)
  @IsEnum(Role, { each: true })
  roles?: Role[];
}
