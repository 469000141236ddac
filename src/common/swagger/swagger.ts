import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Scheme name the `@Authenticated()` decorator refers to. */
export const BEARER_AUTH = 'bearer';

/** Builds the OpenAPI document (also used by tests to check every route is documented). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .build();
  return SwaggerModule.createDocument(app, config);
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
