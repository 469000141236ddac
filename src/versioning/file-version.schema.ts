import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { wireFormatPlugin } from '../common/database/wire-format';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { OWNER_TYPES, OwnerType } from './owner-type';

export const FILE_VERSION_MODEL = 'FileVersion';

/**
 * One version of the file attached to an owner. Immutable once written except `isCurrent`,
 * which only the upload transaction flips (old current → false, new one → true).
 */
@Schema({ collection: 'file_versions', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class FileVersion extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true, enum: OWNER_TYPES, immutable: true })
  ownerType: OwnerType;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true, immutable: true })
  ownerId: Types.ObjectId;

  /** 1, 2, 3, … per owner: drawn from the toolkit's sequences inside the upload transaction. */
  @Prop({ type: Number, required: true, min: 1, immutable: true })
  version: number;

  @Prop({ type: Boolean, required: true })
  isCurrent: boolean;

  @Prop({ type: String, required: true, immutable: true })
  fileName: string;

  @Prop({ type: String, required: true, immutable: true })
  contentType: string;

  @Prop({ type: Number, required: true, min: 0, immutable: true })
  sizeBytes: number;

  /** `sha256:<64 hex>`; computed by the server when it stored the bytes. */
  @Prop({ type: String, required: true, immutable: true })
  checksum: string;

  /** The GridFS file holding the bytes; absent for metadata-only versions. */
  @Prop({ type: MongooseSchema.Types.ObjectId, immutable: true })
  fileId?: Types.ObjectId;

  /** Set when the version was created by restoring an older one. */
  @Prop({ type: Number, immutable: true })
  restoredFrom?: number;

  @Prop({ type: String, required: true, immutable: true })
  createdBy: string;

  createdAt: Date;
}

export const FileVersionSchema = SchemaFactory.createForClass(FileVersion);
FileVersionSchema.plugin(wireFormatPlugin);
// Safety nets behind the sequence: a number is used once per owner (no duplicates even if a
// caller bypassed the sequence), and at most one version per owner is current.
FileVersionSchema.index({ tenantId: 1, ownerType: 1, ownerId: 1, version: 1 }, { unique: true, name: 'one_row_per_version_number' });
FileVersionSchema.index(
  { tenantId: 1, ownerType: 1, ownerId: 1 },
  { unique: true, name: 'one_current_version_per_owner', partialFilterExpression: { isCurrent: true } },
);
// Restores share a file; the orphan check after a failed upload looks files up by id.
FileVersionSchema.index({ fileId: 1 }, { sparse: true, name: 'by_file' });
