import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';

/** GET /api/v1/events: the SSE face of the outbox (the OutboxService comes from the global ConcurrencyModule). */
@Module({ controllers: [EventsController] })
export class EventsModule {}
