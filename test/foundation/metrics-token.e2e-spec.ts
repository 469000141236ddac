import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { startTestApp, TestApp } from '../support/test-app';

const TOKEN = 'metrics-token-for-the-e2e-suite';

describe('GET /metrics with METRICS_TOKEN set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => t?.close());

  it('refuses a scrape without the token, or with another one, as 401 Problem Details', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-metrics-token' }, { authorization: TOKEN }]) {
      const res = await t.http.get('/metrics', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.doesNotMatch(res.text, /http_requests_total/);
    }
  });

  it('serves the metrics to the bearer of the token', async () => {
    const res = await t.http.get('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.text, /http_requests_total\{method="GET",route="\/metrics",status="401"\}/);
  });
});
