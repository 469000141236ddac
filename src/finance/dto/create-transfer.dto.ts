import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId, IsString, MaxLength, MinLength, registerDecorator, ValidationArguments } from 'class-validator';
import { IsMoney } from '../money';

/**
 * The id must name another object than `other` (a transfer needs two accounts). ObjectId hex
 * is case-insensitive: "AB12…" and "ab12…" are one account, so they are compared lower-cased.
 */
function IsOtherIdThan(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isOtherIdThan',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: `$property must differ from ${other}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => String(value).toLowerCase() !== String((args.object as Record<string, unknown>)[other]).toLowerCase(),
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
  @IsOtherIdThan('fromAccountId')
  toAccountId: string;

  @IsMoney({ example: 80_000 })
  amount: number;

  @ApiProperty({ example: 'Move funds to the escrow account', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;
}
