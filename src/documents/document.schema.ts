import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { versionedPlugin } from '@app/concurrency';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/** Workflow states: draft → pending → approved | rejected (editing a rejected document returns it to draft). */
export const DOCUMENT_STATUSES = ['draft', 'pending', 'approved', 'rejected'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** States in which the content may change; an edit always lands in `draft`. */
export const EDITABLE_STATUSES: readonly DocumentStatus[] = ['draft', 'rejected'];

export const APPROVAL_ACTIONS = ['approval-requested', 'approved', 'rejected'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

/** One step of the approval history, pushed by the same atomic update that changes the state. */
@Schema({ _id: false })
export class ApprovalEntry {
  @Prop({ type: String, required: true, enum: APPROVAL_ACTIONS })
  action: ApprovalAction;

  /** User id of the actor. */
  @Prop({ type: String, required: true })
  by: string;

  @Prop({ type: Date, required: true })
  at: Date;

  @Prop({ type: String })
  comment?: string;

  @Prop({ type: String })
  reason?: string;
}
const ApprovalEntrySchema = SchemaFactory.createForClass(ApprovalEntry);

/** A tenant's document metadata record. */
@Schema({ collection: 'documents', timestamps: true, versionKey: false, minimize: false })
export class DocumentRecord extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true })
  title: string;

  @Prop({ type: String, required: true })
  category: string;

  @Prop({ type: String, required: true })
  type: string;

  @Prop({ type: String })
  customerRef?: string;

  @Prop({ type: [String], default: [] })
  tags: string[];

  @Prop({ type: String, required: true, enum: DOCUMENT_STATUSES, default: 'draft' })
  status: DocumentStatus;

  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  fields: Record<string, unknown>;

  @Prop({ type: [ApprovalEntrySchema], default: [] })
  history: ApprovalEntry[];

  /** User id of whoever last requested approval: the recipient of the decision. */
  @Prop({ type: String })
  requestedBy?: string;

  /** User id of the creator. */
  @Prop({ type: String, required: true, immutable: true })
  createdBy: string;

  /** Optimistic-concurrency version (added by versionedPlugin); also the ETag. */
  version: number;

  createdAt: Date;
  updatedAt: Date;
}

export const DocumentRecordSchema = SchemaFactory.createForClass(DocumentRecord);
DocumentRecordSchema.plugin(versionedPlugin);
// List filters and the newest-first page; stats group by status and category.
DocumentRecordSchema.index({ tenantId: 1, status: 1, createdAt: -1 });
DocumentRecordSchema.index({ tenantId: 1, category: 1, createdAt: -1 });
DocumentRecordSchema.index({ tenantId: 1, createdAt: -1 });
