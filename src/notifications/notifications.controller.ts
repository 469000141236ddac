import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ANY_ROLE } from '../auth/role';
import { PageQueryDto } from '../common/http/page-query.dto';
import { MarkReadResultDto } from './dto/mark-read-result.dto';
import { MarkReadDto } from './dto/mark-read.dto';
import { NotificationPageDto } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

const BAD_INPUT = {
  status: 400,
  code: 'validation-failed',
  description: 'Invalid body, query or path; nothing was written.',
  extensions: { errors: [{ field: 'ids.0', message: 'each value in ids must be a mongodb id' }] },
} as const;

/** The caller's own notifications. */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authenticated({ roles: ANY_ROLE })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ summary: 'My notifications, newest first, with the unread count' })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<NotificationPageDto> {
    return this.notifications.list(user, query);
  }

  @Post('read')
  @HttpCode(200)
  @Authenticated({ roles: ANY_ROLE })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ operationId: 'markNotificationsRead', summary: 'Mark my notifications read (idempotent)' })
  @ApiOkResponse({ type: MarkReadResultDto })
  @ApiProblemResponse({ status: 404, code: 'not-found', description: 'An id is not one of your notifications; nothing was marked.' })
  markRead(@CurrentUser() user: AuthUser, @Body() dto: MarkReadDto): Promise<MarkReadResultDto> {
    return this.notifications.markRead(user, dto.ids);
  }
}
