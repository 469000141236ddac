import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext } from '../support/context';
import { DocumentView, getDocument, ifMatch, newDocuments, newPendingDocument } from '../support/factories/documents';
import type { HttpClient } from '@app/concurrency/testing';

const BULK = '/api/v1/documents/bulk';

describe('Documents: bulk update', () => {
  let ctx: TestContext;
  let clerk: HttpClient;

  beforeAll(async () => {
    ctx = await createTestContext();
    clerk = (await ctx.newUser(await ctx.newTenant(), { roles: [Role.Clerk] })).http;
  });
  afterAll(() => ctx?.close());

  const itemsOf = (docs: DocumentView[]) => docs.map((d) => ({ id: d.id, version: d.version }));
  const reload = (docs: DocumentView[]) => Promise.all(docs.map((d) => getDocument(clerk, d.id)));

  it('atomic: every item at its version → 200, all updated, other fields kept', async () => {
    const docs = await newDocuments(clerk, 5);
    const res = await clerk.patch(BULK, { items: itemsOf(docs), set: { category: 'archive', tags: ['archived'] } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.mode, 'atomic');
    assert.equal(res.body.updated, 5);
    for (const [i, after] of (await reload(docs)).entries()) {
      assert.equal(after.category, 'archive');
      assert.deepEqual(after.tags, ['archived']);
      assert.equal(after.version, docs[i].version + 1);
      assert.equal(after.title, docs[i].title);
      assert.equal(after.customerRef, docs[i].customerRef);
      assert.deepEqual(after.fields, docs[i].fields);
    }
  });

  it('atomic with stale versions → 412 listing every conflicting id with its current version, nothing written', async () => {
    const docs = await newDocuments(clerk, 6);
    for (const stale of [docs[1], docs[4]]) {
      const res = await clerk.patch(`/api/v1/documents/${stale.id}`, { title: 'moved on' }, { headers: ifMatch(1) });
      assert.equal(res.status, 200);
    }
    const res = await clerk.patch(BULK, { items: itemsOf(docs), set: { category: 'archive' }, mode: 'atomic' });
    assert.equal(res.status, 412, res.text);
    assert.equal(res.body.code, 'version-mismatch');
    assert.deepEqual(
      res.body.conflicts.map((c: { id: string; currentVersion: number; reason: string }) => [c.id, c.reason, c.currentVersion]).sort(),
      [
        [docs[1].id, 'version-mismatch', 2],
        [docs[4].id, 'version-mismatch', 2],
      ].sort(),
    );
    for (const [i, after] of (await reload(docs)).entries()) {
      assert.equal(after.category, docs[i].category, 'nothing may be written');
      assert.equal(after.version, i === 1 || i === 4 ? 2 : 1);
    }
  });

  it('partial: reports updated | version-mismatch | not-found | invalid-state per item', async () => {
    const [fresh, stale] = await newDocuments(clerk, 2);
    await clerk.patch(`/api/v1/documents/${stale.id}`, { title: 'moved on' }, { headers: ifMatch(1) });
    const pending = await newPendingDocument(clerk);
    const missing = '0123456789abcdef01234567';
    const res = await clerk.patch(BULK, {
      mode: 'partial',
      set: { customerRef: null },
      items: [
        { id: fresh.id, version: 1 },
        { id: stale.id, version: 1 },
        { id: missing, version: 1 },
        { id: pending.id, version: pending.version },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.updated, 1);
    assert.deepEqual(
      res.body.results.map((r: { id: string; outcome: string; version?: number }) => [r.id, r.outcome, r.version]),
      [
        [fresh.id, 'updated', 2],
        [stale.id, 'version-mismatch', 2],
        [missing, 'not-found', undefined],
        [pending.id, 'invalid-state', undefined],
      ],
    );
    assert.equal((await getDocument(clerk, fresh.id)).customerRef, undefined);
    assert.equal((await getDocument(clerk, stale.id)).customerRef, stale.customerRef);
  });

  it('a bulk edit racing single PATCHes never overwrites them: per round exactly one side wins the contested document', async () => {
    const rounds = 10;
    const sets = await Promise.all(Array.from({ length: rounds }, () => newDocuments(clerk, 5)));
    const outcomes = await Promise.all(
      sets.map((docs) =>
        Promise.all([
          clerk.patch(BULK, { items: itemsOf(docs), set: { category: 'bulk' } }),
          clerk.patch(`/api/v1/documents/${docs[2].id}`, { category: 'single' }, { headers: ifMatch(1) }),
        ]),
      ),
    );
    for (const [round, [bulk, single]] of outcomes.entries()) {
      const docs = await reload(sets[round]);
      if (bulk.status === 200) {
        assert.equal(single.status, 412, `round ${round}: both won`);
        assert.ok(docs.every((d) => d.category === 'bulk' && d.version === 2));
      } else {
        assert.equal(bulk.status, 412, `round ${round}: bulk ${bulk.status} ${bulk.text}`);
        assert.equal(single.status, 200);
        assert.deepEqual(bulk.body.conflicts.map((c: { id: string }) => c.id), [sets[round][2].id]);
        assert.equal(docs[2].category, 'single');
        assert.ok(docs.filter((_, i) => i !== 2).every((d) => d.category === 'contracts' && d.version === 1), 'atomic bulk must write nothing');
      }
    }
  });

  it('bad input → 400 and nothing written; /documents/bulk is not taken for an id', async () => {
    const [doc] = await newDocuments(clerk, 1);
    const item = { id: doc.id, version: 1 };
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ id: i.toString(16).padStart(24, '0'), version: 1 }));
    const bad: unknown[] = [
      {},
      { items: [], set: { category: 'x' } },
      { items: tooMany, set: { category: 'x' } },
      { items: [item, item], set: { category: 'x' } },
      { items: [item], set: {} },
      { items: [item], set: { status: 'approved' } },
      { items: [item], set: { title: 'not bulk-editable' } },
      { items: [item] },
      { items: [{ id: 'nope', version: 1 }], set: { category: 'x' } },
      { items: [{ id: doc.id, version: '1' }], set: { category: 'x' } },
      { items: [item], set: { category: 'x' }, mode: 'yolo' },
    ];
    for (const body of bad) {
      const res = await clerk.patch(BULK, body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 120)} → ${res.status} ${res.text}`);
    }
    assert.deepEqual(await getDocument(clerk, doc.id), doc);
    // Exactly 500 items pass validation (only the empty `set` is refused), without running 500 updates.
    const fiveHundred = Array.from({ length: 500 }, (_, i) => ({ id: i.toString(16).padStart(24, '0'), version: 1 }));
    const atLimit = await clerk.patch(BULK, { items: fiveHundred, set: {} });
    assert.equal(atLimit.status, 400);
    assert.deepEqual(atLimit.body.errors.map((e: { field: string }) => e.field), ['set']);
  });
});
