import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId, IsString, MaxLength, MinLength, registerDecorator, ValidationArguments } from 'class-validator';
import { IsMoney } from '../money';

/** The property must differ from `other` (a transfer needs two accounts). */
function IsNotEqualTo(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotEqualTo',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: `$property must differ from ${other}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => value !== (args.object as Record<string, unknown>)[other],
      },
    });
}

/** Body of `POST /finance/transfers`. */
export class CreateTransferDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The account debited (money leaves it).' })
  @IsMongoId()
  fromAccountId: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345679', description: 'The account credited; must differ from fromAccountId.' })
  @IsMongoId()
  @IsNotEqualTo('fromAccountId')
  toAccountId: string;

  @IsMoney({ example: 80_000 })
  amount: number;

  @ApiProperty({ example: 'Move funds to the escrow account', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;
}
