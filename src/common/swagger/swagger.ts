import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Scheme name the `@Authenticated()` decorator refers to. */
export const BEARER_AUTH = 'bearer';

/** Extension `@Authenticated` puts on an operation: the roles allowed (read into its description). */
export const ROLES_EXTENSION = 'x-roles';

/**
 * The tags in the order a newcomer uses them (sign up first), each with its one line. Swagger UI
 * lists the groups in this order.
 */
const TAGS: ReadonlyArray<[name: string, description: string]> = [
  ['auth', 'Start here: sign up (a tenant and its admin), log in, refresh tokens, sessions, password reset. Paste `accessToken` into **Authorize**.'],
  ['users', 'The users of your tenant and their roles (admin, manager, accountant, clerk).'],
  ['inventory', 'Items, stock receipts and allocations that never oversell, sales orders with numbers and job-card stages.'],
  ['documents', 'Documents with If-Match edits, bulk edits and an approval workflow (draft → pending → approved / rejected).'],
  ['settings', 'Tenant settings: versioned values and list settings (dropdown options) whose concurrent adds all land.'],
  ['notifications', 'Your notifications (approvals and decisions), marked read idempotently.'],
  ['finance', 'Accounts, transfers, retainers, invoices and payments on a double-entry ledger, in minor units of any ISO 4217 currency.'],
  ['payroll', 'Employees, leave balances that never go negative, leave requests, weekly timesheets and team dashboards.'],
  ['versioning', 'File versions of a document or order, numbered 1, 2, 3… with exactly one current.'],
  ['events', "The server-sent event stream of your tenant's changes (from the transactional outbox)."],
  ['health', 'Liveness and readiness probes for orchestrators (no authentication).'],
];

/**
 * `createItem`, `listItems`, `getItem`… from the controller and method names, so generated
 * clients get readable names; a route that reads better otherwise sets `operationId` itself.
 */
export function operationIdOf(controllerKey: string, methodKey: string): string {
  const plural = controllerKey.replace(/Controller$/, '');
  const singular = plural.replace(/ies$/, 'y').replace(/s$/, '');
  if (methodKey === 'list') return `list${plural}`;
  if (methodKey === 'findOne') return `get${singular}`;
  return `${methodKey}${singular}`;
}

/** Builds the OpenAPI document (also used by tests to check every route is documented). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Race-safe business API')
    .setDescription(
      [
        'A NestJS modular monolith on MongoDB where lost updates, double approvals, negative stock,',
        'duplicate numbers and lost money cannot happen.',
        '',
        '**Try it:** call `POST /api/v1/auth/signup` (or `login`), copy `accessToken`, press **Authorize**',
        'and paste it. Versioned resources return an `ETag`; send it back as `If-Match` on changes',
        '(missing → 428, stale → 412). POSTs marked with `Idempotency-Key` can be retried safely.',
        'Errors are RFC 9457 Problem Details with a stable `code`.',
      ].join('\n'),
    )
    .setVersion('1.0')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: operationIdOf });
  return completeDocument(document);
}

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Schema = { $ref?: string; properties?: Record<string, { type?: string }>; allOf?: Schema[] };
type Response = { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: Schema }> };
type Parameter = { name: string; in: string; description?: string };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The header every response with a versioned body carries (the global ETagInterceptor sets it). */
const ETAG_HEADER = {
  description: 'Strong entity tag: the version of the resource in the body, quoted. Send it back as If-Match to change the resource.',
  schema: { type: 'string', example: '"1"' },
};

/**
 * What the decorators cannot say route by route, said once for the whole document:
 * - the ETag header on every 2xx whose body is a versioned resource (the global interceptor
 *   sends it for any body with an integer `version`, unless the route is `@NoETag()`);
 * - a description on every response, `{id}` parameter and operation (who may call it, whether
 *   it needs If-Match or takes an Idempotency-Key);
 * - `security: []` on the public routes: the boot-time route audit makes every route either
 *   `@Authenticated` (which documents the bearer scheme) or `@Public()`, so a route without a
 *   security requirement is a public one. (Nest drops an empty requirement set by a decorator.)
 */
function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const isVersioned = (schema: Schema | undefined): boolean => {
    if (!schema) return false;
    if (schema.$ref) return isVersioned(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.some(isVersioned)) return true;
    return schema.properties?.version?.type === 'integer';
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as (Operation & Record<string, unknown>) | undefined;
      if (!operation) continue;
      operation.security ??= [];
      const sendsETag = operation['x-etag'] !== false;
      delete operation['x-etag'];
      for (const [status, response] of Object.entries(operation.responses) as Array<[string, Response]>) {
        if (!status.startsWith('2')) continue;
        const schema = response.content?.['application/json']?.schema;
        if (!response.description) response.description = describeBody(status, schema);
        if (sendsETag && isVersioned(schema)) response.headers = { ETag: ETAG_HEADER, ...response.headers };
      }
      for (const parameter of (operation.parameters ?? []) as Parameter[]) {
        if (parameter.in === 'path' && parameter.name === 'id' && !parameter.description) {
          const resource = singularWords(path.split('/{id}')[0].split('/').pop() ?? 'resource');
          parameter.description = `The ${resource} id (24 hex characters). Another tenant's is a 404, like a missing one.`;
        }
      }
      operation.description = [operation.description, describeOperation(operation)].filter(Boolean).join('\n\n');
    }
  }
  return document;
}

/** "The document page.", "Created: the user." from the response schema's name. */
function describeBody(status: string, schema: Schema | undefined): string {
  const name = schema?.$ref?.split('/').pop()?.replace(/(Response)?Dto$/, '');
  const what = name ? `the ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}` : 'done';
  if (status === '201') return `Created: ${what}.`;
  if (status === '202') return `Accepted: ${what}.`;
  if (status === '204') return 'Done; no body.';
  return `${what[0].toUpperCase()}${what.slice(1)}.`;
}

function singularWords(segment: string): string {
  return segment.replace(/-/g, ' ').replace(/ies$/, 'y').replace(/s$/, '');
}

/** Who may call it and what it needs, from the route's own documented parts. */
function describeOperation(operation: Operation & Record<string, unknown>): string {
  const names = new Set(((operation.parameters ?? []) as Parameter[]).map((p) => p.name));
  const roles = operation[ROLES_EXTENSION] as string[] | undefined;
  const lines = [
    roles ? `Roles: ${roles.join(', ')}.` : 'No authentication.',
    names.has('If-Match') ? 'Conditional: send the ETag you read as If-Match (missing → 428, stale → 412).' : undefined,
    names.has('If-None-Match') ? 'Send the ETag you hold as If-None-Match to get 304 when nothing changed.' : undefined,
    names.has('Idempotency-Key') ? 'Set an Idempotency-Key to retry safely: a retry returns the first response without a second effect.' : undefined,
  ];
  return lines.filter(Boolean).join(' ');
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true, tryItOutEnabled: true },
    customSiteTitle: 'Race-safe business API',
  });
}
