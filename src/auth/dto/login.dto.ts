import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NormalizeEmail } from '../../common/http/normalize';
import { PASSWORD_MAX_LENGTH } from '../../users/dto/password.constraints';

/** Matches the signup example, so Swagger's two "Try it out" in a row just work. */
export class LoginDto {
  @ApiProperty({ example: 'ada@acme.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** No minimum here: a wrong password, of whatever length, is a 401 like any other. */
  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}
