import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { UsersModule } from '../users/users.module';
import { DocumentNotificationsSubscriber } from './document-notifications.subscriber';
import { Notification, NotificationSchema } from './notification.schema';
import { NotificationRepository } from './notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { RecipientDirectoryService } from './recipient-directory.service';

/** In-app notifications, fed by outbox subscribers (at-least-once delivery, deduplicated). */
@Module({
  imports: [MongooseModule.forFeature([{ name: Notification.name, schema: NotificationSchema }]), UsersModule],
  controllers: [NotificationsController],
  providers: [NotificationRepository, NotificationsService, RecipientDirectoryService, DocumentNotificationsSubscriber],
})
export class NotificationsModule {}
