import { Controller, Headers, MessageEvent, Sse } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxService } from '@app/concurrency';
import { Observable } from 'rxjs';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly outbox: OutboxService) {}

  /**
   * The caller's tenant events as Server-Sent Events, in delivery order. Events come from the
   * transactional outbox, so an event is only ever sent for a change that committed.
   */
  @Sse()
  @Authenticated()
  @ApiOperation({ operationId: 'streamEvents', summary: "Stream the tenant's events (SSE); resume with Last-Event-ID" })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id.', example: '42' })
  @ApiOkResponse({ description: '`text/event-stream`: `id`, `event` (the event type) and `data` (JSON) per event.' })
  stream(@CurrentUser() user: AuthUser, @Headers('last-event-id') lastEventId?: string): Observable<MessageEvent> {
    return this.outbox.stream({ tenantId: user.tenantId, afterId: lastEventId });
  }
}
