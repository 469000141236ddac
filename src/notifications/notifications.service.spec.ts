import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import type { OutboxEvent, OutboxService } from '@app/concurrency';
import { DocumentEvents } from '../documents/document-events';
import type { NewNotification, NotificationRepository } from './notification.repository';
import { DOCUMENT_NOTIFICATIONS_SUBSCRIBER, NotificationsService } from './notifications.service';
import type { RecipientDirectoryService } from './recipient-directory.service';

function setup() {
  const inserted: NewNotification[] = [];
  const markers = new Set<string>();
  const repo = { insertMany: async (rows: NewNotification[]) => void inserted.push(...rows) } as unknown as NotificationRepository;
  const directory = { approverIds: async () => ['manager-1', 'admin-1', 'requester'] } as unknown as RecipientDirectoryService;
  // processOnce semantics: the marker (subscriber, event) makes a second delivery a no-op.
  const outbox = {
    processOnce: async ({ eventId, subscriber }: { eventId: string; subscriber: string }, fn: () => Promise<unknown>) => {
      const key = `${subscriber}:${eventId}`;
      if (markers.has(key)) return false;
      markers.add(key);
      await fn();
      return true;
    },
  } as unknown as OutboxService;
  return { inserted, markers, service: new NotificationsService(repo, directory, outbox) };
}

const event = (type: string, id = 'e1'): OutboxEvent => ({
  id,
  seq: 1,
  createdAt: new Date(),
  tenantId: 't1',
  type,
  aggregateId: 'd1',
  payload: { documentId: 'd1', title: 'Doc', version: 2, actorId: type === DocumentEvents.ApprovalRequested ? 'requester' : 'manager-1', requestedBy: 'requester', reason: 'no' },
});

describe(NotificationsService.name, () => {
  it('approval requested → every approver but the requester', async () => {
    const { inserted, service } = setup();
    await service.onDocumentEvent(event(DocumentEvents.ApprovalRequested));
    assert.deepEqual(inserted.map((n) => [n.recipientId, n.type, n.eventId]), [
      ['manager-1', 'approval-requested', 'e1'],
      ['admin-1', 'approval-requested', 'e1'],
    ]);
  });

  it('decision → the requester only, with the reason in the message', async () => {
    const { inserted, service } = setup();
    await service.onDocumentEvent(event(DocumentEvents.Rejected));
    assert.equal(inserted.length, 1);
    assert.equal(inserted[0].recipientId, 'requester');
    assert.equal(inserted[0].type, 'document-rejected');
    assert.match(inserted[0].message, /Reason: no/);
  });

  it('a redelivered event is processed once, under this subscriber name', async () => {
    const { inserted, markers, service } = setup();
    await service.onDocumentEvent(event(DocumentEvents.Approved));
    await service.onDocumentEvent(event(DocumentEvents.Approved));
    assert.equal(inserted.length, 1);
    assert.deepEqual([...markers], [`${DOCUMENT_NOTIFICATIONS_SUBSCRIBER}:e1`]);
  });

  it('ignores event types it does not know', async () => {
    const { inserted, markers, service } = setup();
    await service.onDocumentEvent(event('stock.allocated'));
    assert.equal(inserted.length, 0);
    assert.equal(markers.size, 0);
  });
});
