import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.schema';
import type { StoredNotification } from '../notification.repository';
import { PageDto } from '../../common/http/page.dto';

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
    const dto = new NotificationDto();
    dto.id = String(n._id);
    dto.type = n.type;
    dto.documentId = n.documentId;
    dto.message = n.message;
    dto.actorId = n.actorId;
    dto.read = n.readAt !== null && n.readAt !== undefined;
    if (dto.read) dto.readAt = new Date(n.readAt as Date).toISOString();
    dto.createdAt = new Date(n.createdAt).toISOString();
    return dto;
  }
}

/** `GET /notifications`: one page, the total and the unread count from one snapshot. */
export class NotificationPageDto extends PageDto(NotificationDto) {
  @ApiProperty({ type: 'integer', example: 2 })
  unreadCount: number;
}
