import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { NormalizeEmail } from '../../common/http/normalize';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ada@acme.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;
}
