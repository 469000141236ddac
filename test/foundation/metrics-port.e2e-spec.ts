import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MetricsServer } from '../../src/common/metrics/metrics-server';
import { startTestApp, TestApp } from '../support/test-app';

const TOKEN = 'metrics-token-for-the-e2e-suite';

describe('GET /metrics with METRICS_PORT set', () => {
  let t: TestApp;
  let metricsUrl: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
    metricsUrl = `http://127.0.0.1:${t.app.get(MetricsServer).port}/metrics`;
  });
  afterAll(() => t?.close());

  it('is not served on the API port', async () => {
    const res = await t.http.get('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 404);
  });

  it('is served on the metrics port, to the bearer of the token only', async () => {
    await t.http.get('/health/live');
    assert.equal((await fetch(metricsUrl)).status, 401);
    const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /http_requests_total\{method="GET",route="\/health\/live",status="200"\}/);
  });
});
