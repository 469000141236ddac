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
  content?: Record<string, { schema?: ProblemSchema; examples?: Record<string, unknown> }>;
}

type JsonSchema = Record<string, unknown>;
type ProblemSchema = { $ref: string } | { allOf: [{ $ref: string }, { type: 'object'; properties: Record<string, JsonSchema> }] };

/** Members ProblemDetailsDto declares itself; any other example member is declared per response. */
const DECLARED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors', 'currentVersion', 'currentState', 'fields']);

/** The schema of an example value (integers stay integers, so generated clients type them right). */
function schemaOf(value: unknown): JsonSchema {
  if (Number.isInteger(value)) return { type: 'integer' };
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'string' || typeof value === 'boolean') return { type: typeof value };
  if (Array.isArray(value)) return { type: 'array', items: value.length ? schemaOf(value[0]) : {} };
  if (value && typeof value === 'object') return { type: 'object', properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaOf(v)])) };
  return {};
}

/**
 * ProblemDetailsDto, plus the extension members (RFC 9457 §3.2) this response's codes carry:
 * every member an example shows is declared, so the examples validate against the schema and
 * generated clients see e.g. `requested` / `available`.
 */
function problemSchema(existing: ProblemSchema | undefined, extensions: Record<string, unknown>): ProblemSchema {
  const base = { $ref: getSchemaPath(ProblemDetailsDto) };
  const properties = {
    ...(existing && 'allOf' in existing ? existing.allOf[1].properties : {}),
    ...Object.fromEntries(Object.entries(extensions).filter(([key]) => !DECLARED.has(key)).map(([key, value]) => [key, schemaOf(value)])),
  };
  return Object.keys(properties).length ? { allOf: [base, { type: 'object', properties }] } : base;
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
    const current = existing?.content?.[PROBLEM_CONTENT_TYPE];
    const examples = current?.examples ?? {};
    responses[options.status] = {
      ...existing,
      description: existing?.description && !existing.description.includes(line) ? `${existing.description}\n\n${line}` : line,
      content: {
        ...existing?.content,
        [PROBLEM_CONTENT_TYPE]: {
          schema: problemSchema(current?.schema, options.extensions ?? {}),
          examples: { ...examples, [options.code]: { summary: options.code, value: example } },
        },
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
