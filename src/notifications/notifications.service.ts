import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { OutboxEvent, OutboxService } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { DocumentApprovalEventPayload, DocumentEvents } from '../documents/document-events';
import { MarkReadResultDto } from './dto/mark-read-result.dto';
import { NotificationDto, NotificationPageDto } from './dto/notification.dto';
import { NewNotification, NotificationRepository } from './notification.repository';
import { NotificationType } from './notification.schema';
import { RecipientDirectoryService } from './recipient-directory.service';

/** The outbox subscriber name: also the dedupe scope of processOnce. */
export const DOCUMENT_NOTIFICATIONS_SUBSCRIBER = 'notifications.documents';

const TYPE_OF: Record<string, NotificationType> = {
  [DocumentEvents.ApprovalRequested]: 'approval-requested',
  [DocumentEvents.Approved]: 'document-approved',
  [DocumentEvents.Rejected]: 'document-rejected',
};

/** In-app notifications: created from outbox events, read and acknowledged by their recipient. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly recipients: RecipientDirectoryService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Outbox handler for document approval events: approval requested → every manager and
   * admin but the requester; decision → the requester. Delivery is at least once, so the
   * work runs under processOnce (marker per event) and the unique (event, recipient) index
   * backs it up: a redelivered event notifies nobody twice.
   */
  async onDocumentEvent(event: OutboxEvent): Promise<void> {
    const type = TYPE_OF[event.type];
    if (!type) return;
    const payload = event.payload as DocumentApprovalEventPayload;
    await this.outbox.processOnce({ eventId: event.id, subscriber: DOCUMENT_NOTIFICATIONS_SUBSCRIBER }, async () => {
      const recipientIds =
        type === 'approval-requested'
          ? (await this.recipients.approverIds(event.tenantId)).filter((id) => id !== payload.actorId)
          : [payload.requestedBy];
      const rows: NewNotification[] = recipientIds.map((recipientId) => ({
        tenantId: event.tenantId,
        recipientId,
        eventId: event.id,
        type,
        documentId: payload.documentId,
        message: messageOf(type, payload),
        actorId: payload.actorId,
      }));
      await this.notifications.insertMany(rows);
    });
  }

  /** The caller's notifications, newest first, with the unread count (one snapshot). */
  async list(actor: AuthUser, query: PageQueryDto): Promise<NotificationPageDto> {
    const filter = { tenantId: actor.tenantId, recipientId: actor.userId };
    const page = await this.notifications.page(filter, pageWindow(query), { createdAt: -1, _id: -1 }, { counts: { unread: { readAt: null } } });
    return { ...mapPage(page, (n) => NotificationDto.from(n)), unreadCount: page.counts.unread };
  }

  /**
   * Marks the caller's notifications read. Idempotent: already-read ones stay as they are.
   * Any id that is not the caller's (absent, another user's or another tenant's) → 404, nothing written.
   */
  async markRead(actor: AuthUser, ids: string[]): Promise<MarkReadResultDto> {
    // Notifications are never deleted, so ownership checked here still holds at the update.
    const owned = await this.notifications.countOwned(actor.tenantId, actor.userId, ids);
    if (owned !== ids.length) throw new NotFoundError('Notification');
    const updated = await this.notifications.markRead(actor.tenantId, actor.userId, ids, new Date());
    return { updated };
  }
}

function messageOf(type: NotificationType, p: DocumentApprovalEventPayload): string {
  switch (type) {
    case 'approval-requested':
      return `"${p.title}" is waiting for your approval.`;
    case 'document-approved':
      return `"${p.title}" was approved.` + (p.comment ? ` Comment: ${p.comment}` : '');
    case 'document-rejected':
      return `"${p.title}" was rejected. Reason: ${p.reason ?? ''}`;
  }
}
