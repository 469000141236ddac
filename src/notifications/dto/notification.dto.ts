import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.schema';
import type { StoredNotification } from '../notification.repository';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** A notification as its recipient sees it. */
export class NotificationDto {
  @ApiProperty({ example: '665f1c2e8b3e4a00123456cc' })
  id: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES, example: 'approval-requested' })
  type: NotificationType;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  documentId: string;

  @ApiProperty({ example: '"Master services agreement — ACME" is waiting for your approval.' })
  message: string;

  @ApiProperty({ example: '665f1c2e8b3e4a00123456aa', description: 'User id of whoever caused it.' })
  actorId: string;

  @ApiProperty({ example: false })
  read: boolean;

  @ApiPropertyOptional({ example: '2025-01-15T10:06:00.000Z' })
  readAt?: string;

  @ApiProperty({ example: '2025-01-15T10:05:00.000Z' })
  createdAt: string;

  static from(n: StoredNotification): NotificationDto {
    const { type, documentId, message, actorId, readAt } = n;
    return Object.assign(new NotificationDto(), {
      id: String(n._id),
      type,
      documentId,
      message,
      actorId,
      read: readAt !== null && readAt !== undefined,
      ...(readAt ? { readAt: new Date(readAt).toISOString() } : {}),
      createdAt: new Date(n.createdAt).toISOString(),
    });
  }
}

/** `GET /notifications`: one page, the total and the unread count from one snapshot. */
export class NotificationPageDto extends PageDto(NotificationDto) {
  @ApiInteger(2)
  unreadCount: number;
}
