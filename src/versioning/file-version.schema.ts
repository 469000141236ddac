import { Schema, Types } from 'mongoose';
import { wireFormatPlugin } from '../common/database/wire-format';
import type { TenantOwned } from '../common/tenancy/tenant-filter';
import { OWNER_TYPES, OwnerType } from './owner-type';

/**
 * One version of the file attached to an owner. Immutable once written except `isCurrent`,
 * which only the upload transaction flips (old current → false, new one → true).
 */
export interface FileVersionDoc extends TenantOwned {
  _id: Types.ObjectId;
  ownerType: OwnerType;
  ownerId: Types.ObjectId;
  /** 1, 2, 3, … per owner: drawn from the toolkit's sequences inside the upload transaction. */
  version: number;
  isCurrent: boolean;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** `sha256:<64 hex>`; computed by the server when it stored the bytes. */
  checksum: string;
  /** The GridFS file holding the bytes; absent for metadata-only versions. */
  fileId?: Types.ObjectId;
  /** Set when the version was created by restoring an older one. */
  restoredFrom?: number;
  createdBy: string;
  createdAt: Date;
}

export const FILE_VERSION_MODEL = 'FileVersion';

export const FileVersionSchema = new Schema<FileVersionDoc>(
  {
    ownerType: { type: String, required: true, enum: OWNER_TYPES, immutable: true },
    ownerId: { type: Schema.Types.ObjectId, required: true, immutable: true },
    version: { type: Number, required: true, min: 1, immutable: true },
    isCurrent: { type: Boolean, required: true },
    fileName: { type: String, required: true, immutable: true },
    contentType: { type: String, required: true, immutable: true },
    sizeBytes: { type: Number, required: true, min: 0, immutable: true },
    checksum: { type: String, required: true, immutable: true },
    fileId: { type: Schema.Types.ObjectId, immutable: true },
    restoredFrom: { type: Number, immutable: true },
    createdBy: { type: String, required: true, immutable: true },
  },
  { collection: 'file_versions', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
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
