import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { mapBounded } from '@app/concurrency';
import { eventually, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext } from '../support/context';
import { getDocument, ifMatch, newDocument, newPendingDocument, requestApproval } from '../support/factories/documents';
import { request } from 'undici';
import type { HttpClient } from '@app/concurrency/testing';

interface Notification {
  id: string;
  type: string;
  documentId: string;
}

describe('Documents: approval workflow', () => {
  let ctx: TestContext;
  let clerk: HttpClient;
  let managerA: HttpClient;
  let managerB: HttpClient;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tenant = await ctx.newTenant();
    clerk = (await ctx.newUser(tenant, { roles: [Role.Clerk] })).http;
    managerA = (await ctx.newUser(tenant, { roles: [Role.Manager] })).http;
    managerB = (await ctx.newUser(tenant, { roles: [Role.Manager] })).http;
  });
  afterAll(() => ctx?.close());

  /** All of a user's notifications (bounded: the suite creates well under 500). */
  async function notificationsOf(http: HttpClient): Promise<Notification[]> {
    const out: Notification[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await http.get('/api/v1/notifications', { query: { page, pageSize: 100 } });
      assert.equal(res.status, 200, res.text);
      out.push(...res.body.items);
      if (res.body.items.length < 100) break;
    }
    return out;
  }

  it('draft → pending → approved: each step needs If-Match, returns the new ETag and writes history', async () => {
    const doc = await newDocument(clerk);
    assert.equal((await clerk.post(`/api/v1/documents/${doc.id}/request-approval`)).status, 428);
    const pending = await clerk.post(`/api/v1/documents/${doc.id}/request-approval`, undefined, { headers: ifMatch(1) });
    assert.equal(pending.status, 200, pending.text);
    assert.equal(pending.body.status, 'pending');
    assert.equal(pending.headers.etag, '"2"');

    assert.equal((await clerk.post(`/api/v1/documents/${doc.id}/approve`, {}, { headers: ifMatch(2) })).status, 403);
    const approved = await managerA.post(`/api/v1/documents/${doc.id}/approve`, { comment: 'fine' }, { headers: ifMatch(2) });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'approved');
    assert.equal(approved.headers.etag, '"3"');

    const again = await managerB.post(`/api/v1/documents/${doc.id}/reject`, { reason: 'late' }, { headers: ifMatch(3) });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'invalid-state');
    assert.equal(again.body.currentState, 'approved');
    const edit = await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'after approval' }, { headers: ifMatch(3) });
    assert.equal(edit.status, 409);

    const history = await clerk.get(`/api/v1/documents/${doc.id}/approvals`);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.entries.map((e: { action: string; comment?: string }) => [e.action, e.comment]),
      [
        ['approval-requested', undefined],
        ['approved', 'fine'],
      ],
    );
  });

  it('reject needs a reason; editing a rejected document returns it to draft, which can be requested again', async () => {
    const doc = await newPendingDocument(clerk);
    const noReason = await managerA.post(`/api/v1/documents/${doc.id}/reject`, {}, { headers: ifMatch(doc.version) });
    assert.equal(noReason.status, 400);
    assert.equal((await getDocument(clerk, doc.id)).status, 'pending');
    const rejected = await managerA.post(`/api/v1/documents/${doc.id}/reject`, { reason: 'missing cap' }, { headers: ifMatch(doc.version) });
    assert.equal(rejected.status, 200, rejected.text);
    assert.equal(rejected.body.status, 'rejected');
    const edited = await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'with cap' }, { headers: ifMatch(rejected.body.version) });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.body.status, 'draft');
    const again = await clerk.post(`/api/v1/documents/${doc.id}/request-approval`, undefined, { headers: ifMatch(edited.body.version) });
    assert.equal(again.status, 200);
    const history = (await clerk.get(`/api/v1/documents/${doc.id}/approvals`)).body.entries.map((e: { action: string }) => e.action);
    assert.deepEqual(history, ['approval-requested', 'rejected', 'approval-requested']);
  });

  it('approve vs reject on the same version, 20 rounds at once → never both; one decision per history; one notification per decision', async () => {
    const docs = await mapBounded(Array.from({ length: 20 }, (_, i) => i), { concurrency: 8 }, () => newPendingDocument(clerk));
    const before = (await notificationsOf(clerk)).filter((n) => n.type !== 'approval-requested').length;
    // Every round's two decisions race each other, and all rounds run at once.
    const result = await race(40, (i) => {
      const doc = docs[i >> 1];
      return i % 2 === 0
        ? managerA.post(`/api/v1/documents/${doc.id}/approve`, { comment: `round ${i >> 1}` }, { headers: ifMatch(doc.version) })
        : managerB.post(`/api/v1/documents/${doc.id}/reject`, { reason: `round ${i >> 1}` }, { headers: ifMatch(doc.version) });
    });
    const decided = new Map<string, 'approved' | 'rejected'>();
    for (let round = 0; round < 20; round++) {
      const [approve, reject] = [result.outcomes[2 * round], result.outcomes[2 * round + 1]];
      const statuses = [approve.status, reject.status];
      assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${JSON.stringify(statuses)}`);
      const loser = approve.status === 200 ? reject : approve;
      assert.ok(loser.status === 412 || loser.status === 409, `round ${round}: loser got ${loser.status}`);
      decided.set(docs[round].id, approve.status === 200 ? 'approved' : 'rejected');
    }
    await mapBounded(docs, { concurrency: 8 }, async (doc) => {
      const final = await getDocument(clerk, doc.id);
      assert.equal(final.status, decided.get(doc.id));
      assert.equal(final.version, doc.version + 1);
      const entries = (await clerk.get(`/api/v1/documents/${doc.id}/approvals`)).body.entries as Array<{ action: string }>;
      const decisions = entries.filter((e) => e.action === 'approved' || e.action === 'rejected');
      assert.equal(decisions.length, 1, `${doc.id}: ${JSON.stringify(entries)}`);
      assert.equal(decisions[0].action, decided.get(doc.id));
    });

    // Delivery is asynchronous (outbox relay) and at least once: wait for all 20, then make
    // sure a late redelivery did not add a 21st.
    const mine = async () => (await notificationsOf(clerk)).filter((n) => n.type !== 'approval-requested' && decided.has(n.documentId));
    await eventually(async () => assert.equal((await mine()).length, 20), { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    const decisions = await mine();
    assert.equal(decisions.length, 20);
    assert.equal(new Set(decisions.map((n) => n.documentId)).size, 20);
    for (const n of decisions) assert.equal(n.type, decided.get(n.documentId) === 'approved' ? 'document-approved' : 'document-rejected');
    assert.equal((await notificationsOf(clerk)).filter((n) => n.type !== 'approval-requested').length, before + 20);
  });

  it('two concurrent approval requests of one draft → one 200, one 412; one history entry', async () => {
    const doc = await newDocument(clerk);
    const result = await race(10, () => clerk.post(`/api/v1/documents/${doc.id}/request-approval`, undefined, { headers: ifMatch(1) }));
    assert.equal(result.counts['200'], 1, JSON.stringify(result.counts));
    assert.equal(result.counts['412'], 9, JSON.stringify(result.counts));
    const entries = (await clerk.get(`/api/v1/documents/${doc.id}/approvals`)).body.entries;
    assert.equal(entries.length, 1);
  });

  it('approval events appear on the tenant SSE stream (GET /api/v1/events)', async () => {
    const doc = await newDocument(clerk);
    const abort = new AbortController();
    const res = await request(`${ctx.baseUrl}/api/v1/events`, {
      headers: { authorization: `Bearer ${managerA.token}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    try {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      const pending = await requestApproval(clerk, doc);
      const approved = await managerA.post(`/api/v1/documents/${doc.id}/approve`, {}, { headers: ifMatch(pending.version) });
      assert.equal(approved.status, 200);
      // Read frames until both events of this document have arrived (bounded by the timeout).
      const seen: string[] = [];
      let buffer = '';
      const deadline = setTimeout(() => abort.abort(new Error('SSE events did not arrive in time')), 30_000);
      try {
        for await (const chunk of res.body) {
          buffer += chunk.toString();
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (type && data && (JSON.parse(data) as { aggregateId?: string }).aggregateId === doc.id) seen.push(type);
          }
          if (seen.length >= 2) break;
        }
      } finally {
        clearTimeout(deadline);
      }
      assert.deepEqual(seen, ['documents.approval-requested', 'documents.approved']);
    } finally {
      abort.abort();
      res.body.destroy();
    }
  });
});
