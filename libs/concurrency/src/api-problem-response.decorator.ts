import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, DECORATORS, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, problemType, ProblemDetailsDto } from './problem-details.dto';

/** Options of {@link ApiProblemResponse}. */
export interface ApiProblemResponseOptions {
  /** HTTP status, e.g. 412. */
  status: number;
  /** The error `code`, e.g. `version-mismatch`. */
  code: string;
  /** When this happens, for the API reader. */
  description: string;
  /** Title shown in the example body. */
  title?: string;
  /** Extra example members, e.g. `{ currentVersion: 4 }`. */
  extensions?: Record<string, unknown>;
}

interface ResponseEntry {
  description?: string;
  content?: Record<string, { schema?: unknown; examples?: Record<string, unknown> }>;
}

/**
 * Documents one Problem Details error response (`application/problem+json`, schema
 * ProblemDetailsDto) of a route or controller. Several codes may share one status (e.g. 409
 * `invalid-state` and 409 `idempotency-in-progress`): their descriptions are joined and each
 * code is listed as a named example, whatever the decorator order.
 */
export function ApiProblemResponse(options: ApiProblemResponseOptions): MethodDecorator & ClassDecorator {
  const example = {
    type: problemType(options.code),
    title: options.title ?? options.code,
    status: options.status,
    detail: options.description,
    instance: '/api/v1/…',
    code: options.code,
    ...options.extensions,
  };
  const line = `\`${options.code}\`: ${options.description}`;
  const record = (holder: object): void => {
    const responses = { ...((Reflect.getMetadata(DECORATORS.API_RESPONSE, holder) ?? {}) as Record<string, ResponseEntry>) };
    const existing = responses[options.status];
    const examples = existing?.content?.[PROBLEM_CONTENT_TYPE]?.examples ?? {};
    responses[options.status] = {
      ...existing,
      description: existing?.description && !existing.description.includes(line) ? `${existing.description}\n\n${line}` : line,
      content: {
        ...existing?.content,
        [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsDto) }, examples: { ...examples, [options.code]: { summary: options.code, value: example } } },
      },
    };
    Reflect.defineMetadata(DECORATORS.API_RESPONSE, responses, holder);
  };
  const decorator = (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    record(descriptor ? (descriptor.value as object) : target);
    return descriptor ?? target;
  };
  return applyDecorators(ApiExtraModels(ProblemDetailsDto), decorator as MethodDecorator & ClassDecorator);
}
