import { FieldError, ValidationFailedError } from '@app/problem-details';
import type { FastifyInstance } from 'fastify';

/**
 * Shape limits every JSON body meets before any DTO code (class-transformer, class-validator)
 * touches it. Validators such as `@ArrayUnique` are quadratic and class-transformer recurses, so
 * a 1 MiB body of 100 000 tags or 10 000 nesting levels would block the event loop for seconds
 * or overflow the stack; this walk is linear, iterative, and stops at the first breach.
 */
export const JSON_BODY_LIMITS = {
  /** No DTO nests deeper than a handful of levels. */
  maxDepth: 32,
  /** Twice the largest `@ArrayMaxSize` of any DTO (500); the DTO still applies its own. */
  maxArrayItems: 1000,
} as const;

/**
 * The first breach of {@link JSON_BODY_LIMITS} in a parsed body, or undefined. Numbers beyond
 * ±(2^53 − 1) are refused too: JSON carries them, but they are not exact in JavaScript or in a
 * BSON double, so a quantity or an amount that large would be silently rounded when stored.
 */
export function findBodyLimitBreach(body: unknown, limits = JSON_BODY_LIMITS): FieldError | undefined {
  interface Node {
    value: unknown;
    depth: number;
    parent?: Node;
    key?: string;
  }
  const pathOf = (node: Node): string => {
    const keys: string[] = [];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(n.key);
    return keys.reverse().join('.');
  };
  const stack: Node[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === 'number') {
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        return { field: pathOf(node), message: `numbers beyond ±${Number.MAX_SAFE_INTEGER} are not accepted` };
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = node.depth + 1;
    if (depth > limits.maxDepth) return { field: pathOf(node), message: `the body is nested deeper than ${limits.maxDepth} levels` };
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayItems) {
        return { field: pathOf(node), message: `arrays of more than ${limits.maxArrayItems} items are not accepted` };
      }
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, parent: node, key: String(i) });
    } else {
      for (const key of Object.keys(value)) stack.push({ value: (value as Record<string, unknown>)[key], depth, parent: node, key });
    }
  }
  return undefined;
}

/**
 * Makes JSON the only body the API parses (besides multipart, which its plugin registers for the
 * upload route): Fastify's own JSON parser (prototype-poisoning protection included) followed by
 * {@link findBodyLimitBreach} → 400 `validation-failed`. Fastify's built-in text/plain parser is
 * removed and Nest's urlencoded parser is never registered (`bodyParser: false`), so any other
 * content type is a 415 `unsupported-media-type`.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, parsed?: unknown) => {
      if (error) return done(error, undefined);
      const breach = findBodyLimitBreach(parsed);
      if (breach) return done(new ValidationFailedError([breach], 'The request body exceeds a structural limit; see errors[].'), undefined);
      done(null, parsed);
    });
  });
}
