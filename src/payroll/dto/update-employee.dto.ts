import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsMongoId, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { NormalizeEmail, Trim } from '../../common/http/normalize';

/**
 * Profile fields only: fields left out stay as they are; `managerId: null` removes the
 * manager. Leave balances change only through leave requests or `leave-adjustments`.
 */
export class UpdateEmployeeDto {
  @ApiPropertyOptional({ example: 'Ada King', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'ada.king@example.com' })
  @IsOptional()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'An existing employee of your tenant, or null to clear.' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsMongoId()
  managerId?: string | null;
}
