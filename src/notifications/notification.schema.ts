import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

export const NOTIFICATION_TYPES = ['approval-requested', 'document-approved', 'document-rejected'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** One message to one user. Created only by outbox subscribers; users only mark them read. */
@Schema({ collection: 'notifications', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class Notification extends TenantOwned {
  _id: Types.ObjectId;

  /** User id of the recipient (the one canonical user reference). */
  @Prop({ type: String, required: true, immutable: true })
  recipientId: string;

  /** The outbox event it came from: with recipientId, unique — redelivery cannot duplicate it. */
  @Prop({ type: String, required: true, immutable: true })
  eventId: string;

  @Prop({ type: String, required: true, enum: NOTIFICATION_TYPES, immutable: true })
  type: NotificationType;

  @Prop({ type: String, required: true, immutable: true })
  documentId: string;

  @Prop({ type: String, required: true })
  message: string;

  /** User id of whoever caused it. */
  @Prop({ type: String, required: true })
  actorId: string;

  @Prop({ type: Date, default: null })
  readAt: Date | null;

  createdAt: Date;
}

export const NotificationSchema = SchemaFactory.createForClass(Notification);
// At-least-once delivery: the second delivery of an event cannot notify anyone twice.
NotificationSchema.index({ tenantId: 1, eventId: 1, recipientId: 1 }, { unique: true });
// "Mine, newest first" and the unread count.
NotificationSchema.index({ tenantId: 1, recipientId: 1, createdAt: -1 });
NotificationSchema.index({ tenantId: 1, recipientId: 1, readAt: 1 });
