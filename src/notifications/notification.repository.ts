import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { Notification } from './notification.schema';

/** A lean notification. */
export type StoredNotification = Notification;
export type NewNotification = Pick<Notification, 'tenantId' | 'recipientId' | 'eventId' | 'type' | 'documentId' | 'message' | 'actorId'>;

/** Every mongoose call on the `notifications` collection. */
@Injectable()
export class NotificationRepository extends TenantScopedRepository<Notification, StoredNotification> {
  constructor(@InjectModel(Notification.name) private readonly notifications: Model<Notification>) {
    super(notifications);
  }

  /** Inserts (joining the caller's transaction, if any). */
  async insertMany(rows: NewNotification[]): Promise<void> {
    if (rows.length > 0) await this.notifications.create(rows, { ordered: true });
  }

  count(filter: TenantFilter<Notification>): Promise<number> {
    return this.notifications.countDocuments(filter).exec();
  }

  /** Marks the given notifications read; already-read ones keep their first readAt (idempotent). */
  async markRead(tenantId: string, recipientId: string, ids: string[], at: Date): Promise<number> {
    const result = await this.notifications
      .updateMany({ tenantId, recipientId, _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, readAt: null }, { $set: { readAt: at } })
      .exec();
    return result.modifiedCount;
  }

  /** How many of the ids exist and belong to this recipient. */
  countOwned(tenantId: string, recipientId: string, ids: string[]): Promise<number> {
    return this.count({ tenantId, recipientId, _id: { $in: ids.map((id) => new Types.ObjectId(id)) } });
  }
}
