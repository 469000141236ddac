import { ApiProperty } from '@nestjs/swagger';

/**
 * An integer member of a response: the schema says `integer` (never `number`), so generated
 * clients and the contract test see whole numbers. Counts, quantities, versions, minor units.
 */
export function ApiInteger(example: number, description?: string): PropertyDecorator {
  return ApiProperty({ type: 'integer', example, ...(description === undefined ? {} : { description }) });
}
