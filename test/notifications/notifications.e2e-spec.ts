import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ConcurrencyModels, OutboxEvent, toOutboxEvent } from '@app/concurrency';
import { eventually } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { DocumentEvents } from '../../src/documents/document-events';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { createTestContext, TestContext } from '../support/context';
import { ifMatch, newPendingDocument } from '../support/factories/documents';
import type { HttpClient } from '@app/concurrency/testing';
import { intruderOf } from '../support/tenant-isolation';

const N = '/api/v1/notifications';

interface Notification {
  id: string;
  type: string;
  documentId: string;
  read: boolean;
}

describe('Notifications from document approvals', () => {
  let ctx: TestContext;
  let clerk: HttpClient;
  let clerkId: string;
  let manager: HttpClient;
  let admin: HttpClient;
  let accountant: HttpClient;
  let outsider: HttpClient;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tenant = await ctx.newTenant();
    const clerkUser = await ctx.newUser(tenant, { roles: [Role.Clerk] });
    clerk = clerkUser.http;
    clerkId = clerkUser.userId;
    manager = (await ctx.newUser(tenant, { roles: [Role.Manager] })).http;
    admin = (await ctx.newUser(tenant, { roles: [Role.Admin] })).http;
    accountant = (await ctx.newUser(tenant, { roles: [Role.Accountant] })).http;
    outsider = (await ctx.newUser(await ctx.newTenant(), { roles: [Role.Manager] })).http;
  });
  afterAll(() => ctx?.close());

  const about = async (http: HttpClient, documentId: string): Promise<Notification[]> => {
    const res = await http.get(N, { query: { pageSize: 100 } });
    assert.equal(res.status, 200, res.text);
    return (res.body.items as Notification[]).filter((n) => n.documentId === documentId);
  };

  it('approval requested → every manager and admin once (not the requester, not other roles); decision → the requester', async () => {
    const doc = await newPendingDocument(clerk);
    await eventually(async () => {
      assert.equal((await about(manager, doc.id)).length, 1);
      assert.equal((await about(admin, doc.id)).length, 1);
    });
    assert.equal((await about(manager, doc.id))[0].type, 'approval-requested');
    assert.equal((await about(clerk, doc.id)).length, 0);
    assert.equal((await about(accountant, doc.id)).length, 0);
    assert.equal((await about(outsider, doc.id)).length, 0);

    const approved = await manager.post(`/api/v1/documents/${doc.id}/approve`, {}, { headers: ifMatch(doc.version) });
    assert.equal(approved.status, 200);
    await eventually(async () => assert.deepEqual((await about(clerk, doc.id)).map((n) => n.type), ['document-approved']));
    assert.equal((await about(manager, doc.id)).length, 1);
  });

  it('a redelivered event notifies nobody twice (subscriber is idempotent)', async () => {
    const doc = await newPendingDocument(clerk);
    await eventually(async () => assert.equal((await about(manager, doc.id)).length, 1));
    const rejected = await manager.post(`/api/v1/documents/${doc.id}/reject`, { reason: 'no' }, { headers: ifMatch(doc.version) });
    assert.equal(rejected.status, 200);
    await eventually(async () => assert.equal((await about(clerk, doc.id)).length, 1));
    // Redeliver the same events by hand, as the relay would after a crash before its ack.
    const service = ctx.app.get(NotificationsService);
    const stored = await ctx.app.get(ConcurrencyModels).outbox.find({ aggregateId: doc.id }).lean().exec();
    const events = stored.map((e) => toOutboxEvent(e));
    assert.ok(events.some((e: OutboxEvent) => e.type === DocumentEvents.Rejected));
    for (const event of events) {
      await service.onDocumentEvent(event);
      await service.onDocumentEvent(event);
    }
    assert.equal((await about(clerk, doc.id)).length, 1);
    assert.equal((await about(manager, doc.id)).length, 1);
  });

  it('lists mine with unreadCount; marking read is idempotent; ids that are not mine → 404 and nothing marked', async () => {
    const doc = await newPendingDocument(clerk);
    await eventually(async () => assert.equal((await about(manager, doc.id)).length, 1));
    const list = await manager.get(N);
    assert.equal(list.status, 200);
    const unread = list.body.unreadCount as number;
    assert.ok(unread >= 1);
    assert.equal(typeof list.body.total, 'number');
    const [mine] = await about(manager, doc.id);
    assert.equal(mine.read, false);

    // Someone else's notification (same tenant or another) is a 404, and the batch writes nothing.
    const [theirs] = await about(admin, doc.id);
    const mixed = await manager.post(`${N}/read`, { ids: [mine.id, theirs.id] });
    assert.equal(mixed.status, 404);
    assert.equal((await manager.get(N)).body.unreadCount, unread);
    // Ids name the notifications in the body: another tenant's admin gets the same 404 as for an id that exists nowhere.
    const intruder = await intruderOf(ctx);
    const cross = await intruder.http.post(`${N}/read`, { ids: [mine.id] });
    const nowhere = await intruder.http.post(`${N}/read`, { ids: ['0123456789abcdef01234567'] });
    assert.equal(cross.status, 404);
    assert.equal(cross.body.code, 'not-found');
    assert.deepEqual([cross.status, cross.body.detail], [nowhere.status, nowhere.body.detail]);
    assert.ok(!(await intruder.http.get(N)).body.items.some((n: Notification) => n.id === mine.id));
    assert.equal((await about(manager, doc.id))[0].read, false);

    const first = await manager.post(`${N}/read`, { ids: [mine.id] });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.updated, 1);
    const second = await manager.post(`${N}/read`, { ids: [mine.id] });
    assert.equal(second.status, 200);
    assert.equal(second.body.updated, 0);
    assert.equal((await manager.get(N)).body.unreadCount, unread - 1);
    assert.equal((await about(manager, doc.id))[0].read, true);
    assert.equal((await about(admin, doc.id))[0].read, false);
  });

  it('bad input → 400', async () => {
    for (const body of [{}, { ids: [] }, { ids: ['nope'] }, { ids: 'x' }, { ids: ['0123456789abcdef01234567'], extra: 1 }]) {
      assert.equal((await manager.post(`${N}/read`, body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await manager.get(N, { query: { pageSize: 1000 } })).status, 400);
    assert.equal((await manager.get(N, { query: { page: 'x' } })).status, 400);
  });

  it('user references are user ids', async () => {
    const doc = await newPendingDocument(clerk);
    assert.equal(doc.createdBy, clerkId);
    assert.equal(doc.requestedBy, clerkId);
    await eventually(async () => assert.equal((await about(manager, doc.id)).length, 1));
    const res = await manager.get(N, { query: { pageSize: 100 } });
    const n = (res.body.items as Array<Notification & { actorId: string }>).find((x) => x.documentId === doc.id);
    assert.equal(n?.actorId, clerkId);
  });
});
