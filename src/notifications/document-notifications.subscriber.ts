import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { OutboxService } from '@app/concurrency';
import { DocumentEvents } from '../documents/document-events';
import { DOCUMENT_NOTIFICATIONS_SUBSCRIBER, NotificationsService } from './notifications.service';

/** Subscribes the notifications to the documents module's approval events (via the outbox relay). */
@Injectable()
export class DocumentNotificationsSubscriber implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.outbox.subscribe({
      name: DOCUMENT_NOTIFICATIONS_SUBSCRIBER,
      types: Object.values(DocumentEvents),
      handler: (event) => this.notifications.onDocumentEvent(event),
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
