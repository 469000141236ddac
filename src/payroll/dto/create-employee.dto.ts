import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsInt, IsMongoId, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { NormalizeEmail, Trim } from '../../common/http/normalize';

/** Opening leave entitlements, in whole working days. */
export class LeaveBalancesInputDto {
  @ApiProperty({ type: 'integer', example: 25, minimum: 0, maximum: 366 })
  @IsInt()
  @Min(0)
  @Max(366)
  annual: number;

  @ApiProperty({ type: 'integer', example: 10, minimum: 0, maximum: 366 })
  @IsInt()
  @Min(0)
  @Max(366)
  sick: number;
}

export class CreateEmployeeDto {
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'ada@example.com', description: 'Unique within the tenant (case-insensitive).' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678', description: 'An existing employee of your tenant (else 404).' })
  @IsOptional()
  @IsMongoId()
  managerId?: string;

  @ApiProperty({ type: LeaveBalancesInputDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => LeaveBalancesInputDto)
  leaveBalances: LeaveBalancesInputDto;
}
