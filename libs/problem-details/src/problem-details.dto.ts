import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Base of every Problem Details `type`: relative, resolved against the API origin. */
export const PROBLEM_TYPE_BASE = '/problems/';

/** The Problem Details `type` URI for a stable error `code` (e.g. `/problems/version-mismatch`). */
export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

/** Media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One field-level problem inside `errors[]`. */
export class ProblemFieldErrorDto {
  @ApiProperty({ example: 'lines.0.quantity' })
  field!: string;

  @ApiProperty({ example: 'must be a positive integer' })
  message!: string;
}

/**
 * RFC 9457 Problem Details body as sent by the ProblemDetailsFilter, for Swagger.
 * Error-specific extension members (`currentVersion`, `currentState`, `fields`, …) are optional.
 */
export class ProblemDetailsDto {
  @ApiProperty({ example: '/problems/version-mismatch', description: 'Relative URI identifying the problem type; its last segment is `code`.' })
  type!: string;

  @ApiProperty({ example: 'Version mismatch' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 412 })
  status!: number;

  @ApiPropertyOptional({ example: 'The resource is at version 4, not 3. Reload it and retry.' })
  detail?: string;

  @ApiProperty({ example: '/api/v1/items/665f1c2e8b3e4a0012345678', description: 'The request path.' })
  instance!: string;

  @ApiProperty({ example: 'version-mismatch', description: 'Stable machine-readable error code.' })
  code!: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: 'Field-level problems (validation).' })
  errors?: ProblemFieldErrorDto[];

  @ApiPropertyOptional({ type: 'integer', example: 4, description: 'With `version-mismatch`: the version the resource is at now.' })
  currentVersion?: number;

  @ApiPropertyOptional({ type: 'string', example: 'approved', description: 'With `invalid-state`: the state the resource is in now.' })
  currentState?: string;

  @ApiPropertyOptional({ type: [String], example: ['sku'], description: 'With `duplicate`: the conflicting field(s).' })
  fields?: string[];
}
