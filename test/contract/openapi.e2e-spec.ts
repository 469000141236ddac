/**
 * The OpenAPI document as tools meet it: Redocly's recommended ruleset finds no error and only
 * the warnings listed (each with its reason), and the types openapi-typescript generates from it
 * compile against a typed client call per module.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { createTestContext, TestContext } from '../support/context';

/**
 * The warnings the document keeps, by rule and location. Anything else fails the test.
 * - info-license: a private API of an UNLICENSED package; there is no licence to point to.
 * - operation-4xx-response on the probes: they take no input and need no credentials, so they
 *   have no 4xx to document (readiness answers 503 when the database is away).
 */
const ACCEPTED_WARNINGS = ['info-license #/info', 'operation-4xx-response #/paths/~1health~1live/get/responses', 'operation-4xx-response #/paths/~1health~1ready/get/responses'];

describe('OpenAPI contract', () => {
  let ctx: TestContext;
  let source: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const res = await ctx.http.get('/docs-json');
    assert.equal(res.status, 200);
    source = res.text;
  });
  afterAll(() => ctx?.close());

  it('passes Redocly lint (recommended): 0 errors, only the accepted warnings', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
    const shown = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.ruleId), [], shown.join('\n'));
    const warnings = problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`);
    assert.deepEqual(warnings.sort(), [...ACCEPTED_WARNINGS].sort(), shown.join('\n'));
    assert.ok(warnings.length <= 5);
  });

  it('openapi-typescript types compile against a typed client call per module', async () => {
    const dir = join(__dirname, 'generated');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(source)));
    const program = ts.createProgram([join(__dirname, 'typed-client.fixture.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    assert.deepEqual(diagnostics, []);
  });

  it('every operation has a unique verb-first operationId, a summary and a description; every response and {id} a description', () => {
    type Operation = {
      operationId: string;
      summary?: string;
      description?: string;
      responses: Record<string, { description?: string; headers?: Record<string, unknown> }>;
      parameters?: Array<{ name: string; in: string; description?: string; example?: unknown; schema?: { example?: unknown } }>;
    };
    const doc = JSON.parse(source) as { paths: Record<string, Record<string, Operation>>; tags: Array<{ name: string; description?: string }> };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    const ids = operations.map(({ op }) => op.operationId);
    assert.equal(new Set(ids).size, ids.length, 'duplicate operationId');
    for (const { route, op } of operations) {
      assert.match(op.operationId, /^[a-z]+[A-Za-z]*$/, `${route}: ${op.operationId}`);
      assert.doesNotMatch(op.operationId, /Controller/, route);
      assert.ok(op.summary && op.description, `${route}: summary/description`);
      for (const [status, response] of Object.entries(op.responses)) assert.ok(response.description, `${route} ${status}: no description`);
      for (const p of op.parameters ?? []) if (p.in === 'path') assert.ok(p.description, `${route}: {${p.name}} has no description`);
      // Swagger UI pre-fills examples: a shared key or a stale ETag in these would trip every user.
      for (const p of op.parameters ?? []) {
        if (p.name === 'If-None-Match' || p.name === 'Idempotency-Key') assert.equal(p.example ?? p.schema?.example, undefined, `${route}: ${p.name} example`);
      }
      // A conditional change that answers with the resource also sends the ETag to use next time.
      const withBody = Object.entries(op.responses).filter(([status, r]) => status.startsWith('2') && (r as { content?: unknown }).content);
      if (op.parameters?.some((p) => p.name === 'If-Match') && withBody.length) {
        assert.ok(withBody.some(([, r]) => r.headers?.ETag), `${route}: no ETag on its success response`);
      }
    }
    const settingPut = doc.paths['/api/v1/settings/{key}'].put.parameters!.find((p) => p.name === 'If-Match')!;
    assert.equal(settingPut.example ?? settingPut.schema?.example, '"0"');
    assert.ok(doc.paths['/api/v1/inventory/items'].post.responses['201'].headers?.ETag, 'create documents its ETag');
    assert.equal(doc.tags[0].name, 'auth');
    // Generated clients map integer and number alike, so the types are checked here.
    const schemas = (JSON.parse(source) as { components: { schemas: Record<string, { properties?: Record<string, { type?: string }> }> } }).components.schemas;
    for (const [name, schema] of Object.entries(schemas)) {
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (/^(version|quantity\w*|delta|days|sizeBytes|currentVersion|status|total|minorUnits)$/.test(key) && property.type === 'number') assert.fail(`${name}.${key} is an integer typed number`);
      }
    }
    assert.ok(doc.tags.every((t) => t.description));
    const used = new Set(operations.flatMap(({ op }) => (op as { tags?: string[] }).tags ?? []));
    assert.deepEqual([...used].filter((t) => !doc.tags.some((d) => d.name === t)), [], 'a tag used but not declared');
  });
});
