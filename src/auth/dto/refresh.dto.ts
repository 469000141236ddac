import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ example: 'q0M2u3c1Jx4b0wY6mQw9tZ8pVn3kR5sH1aLdE7fG2iA', description: 'The refresh token from signup, login or the previous refresh. Single use.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  refreshToken: string;
}
