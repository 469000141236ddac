import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsCurrency, IsMoney } from '../money';
import { PAYMENT_METHODS, PaymentMethod } from '../payment.schema';

/** Body of `POST /finance/payments`. */
export class CreatePaymentDto {
  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345671', description: 'The invoice this pays (same tenant and currency).' })
  @IsOptional()
  @IsMongoId()
  invoiceId?: string;

  @ApiProperty({ example: 'Acme Ltd', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  customerName: string;

  @IsMoney({ example: 12_500 })
  amount: number;

  @IsCurrency()
  currency: string;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'bank_transfer' })
  @IsIn(PAYMENT_METHODS)
  method: PaymentMethod;
}
