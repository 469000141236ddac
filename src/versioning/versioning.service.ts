import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { FieldError, MalformedBodyError, NotFoundError, PayloadTooLargeError, ValidationFailedError } from '@app/problem-details';
import { ContentionError, isDuplicateKeyError, SequencesService, Transactional } from '@app/concurrency';
import { validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { toFieldErrors } from '../common/http/validation.pipe';
import { DocumentLookupService } from '../documents/document-lookup.service';
import { OrderLookupService } from '../inventory/order-lookup.service';
import { FileDescriptionDto } from './dto/create-version.dto';
import { FileVersionDto, FileVersionListDto } from './dto/file-version.dto';
import { FileContentRepository } from './file-content.repository';
import { FileVersionRecord, FileVersionRepository, ownerFilter } from './file-version.repository';
import type { FileVersion } from './file-version.schema';
import { OwnerKey, ownerInTenant, OwnerRef, OwnerType } from './owner-type';
import type { IncomingFile, VersionUpload } from './version-upload.decorator';
import { NoStoredContentError } from './versioning.errors';
import { versioningMetrics } from './versioning.metrics';

/** Megabytes in the 413 message; the limit itself is the multipart plugin's (src/app.factory.ts). */
const UPLOAD_LIMIT_MIB = 25;

/** The immutable part of a version: what a restore copies. */
type VersionContent = Pick<FileVersion, 'fileName' | 'contentType' | 'sizeBytes' | 'checksum' | 'fileId' | 'restoredFrom'>;

type UploadSource = 'file' | 'metadata' | 'restore';

/**
 * File versions per owner (a document or a sales order): numbers 1, 2, 3, … with no duplicate
 * and no gap, exactly one current version, whatever runs concurrently.
 *
 * How: every new version is appended by {@link appendVersion}, ONE transaction that draws the
 * number from the toolkit's sequence, retires the previous current version and inserts the new
 * one. Concurrent appends to one owner conflict on the sequence's counter document and are
 * re-run by the toolkit; an append that fails rolls back its counter increment with it, so no
 * number is lost. Unique indexes (number per owner; one current per owner) are the safety net.
 */
@Injectable()
export class VersioningService {
  private readonly logger = new Logger(VersioningService.name);

  constructor(
    private readonly versions: FileVersionRepository,
    private readonly contents: FileContentRepository,
    private readonly sequences: SequencesService,
    private readonly documents: DocumentLookupService,
    private readonly orders: OrderLookupService,
  ) {}

  /**
   * Adds the next version of the owner's file and makes it current. JSON uploads record
   * metadata only. Multipart uploads store the bytes in GridFS first (outside the transaction:
   * GridFS cannot join it), computing size and checksum on the way, and then record the version;
   * when recording fails the stored file is deleted again (best effort), so a failed upload
   * leaves neither a version, nor a gap, nor (normally) a file behind.
   * 404 when the owner is not in the caller's tenant, 400 on a bad body, 413 over 25 MiB.
   */
  async upload(actor: AuthUser, key: OwnerKey, upload: VersionUpload): Promise<FileVersionDto> {
    const owner = ownerInTenant(actor.tenantId, key);
    await this.assertOwnerExists(owner);
    if (upload.kind === 'metadata') {
      const { fileName, contentType, sizeBytes, checksum } = upload.metadata;
      return this.record(actor, owner, { fileName, contentType, sizeBytes, checksum }, 'metadata');
    }
    const file = await upload.nextFile();
    if (!file) throw new ValidationFailedError([{ field: 'file', message: 'a multipart upload needs one file part' }]);
    const stored = await this.storeFile(owner, file);
    try {
      return await this.record(actor, owner, { fileName: file.fileName, contentType: file.contentType, ...stored }, 'file');
    } catch (error) {
      await this.deleteOrphan(owner, stored.fileId);
      throw error;
    }
  }

  /**
   * Appends a new version (the next number) that copies version `version`'s file and metadata,
   * and makes it current: history is never rewritten. Same transaction as an upload.
   */
  async restore(actor: AuthUser, key: OwnerKey, version: number): Promise<FileVersionDto> {
    const owner = ownerInTenant(actor.tenantId, key);
    await this.assertOwnerExists(owner);
    const source = await this.findVersion(owner, version);
    const { fileName, contentType, sizeBytes, checksum, fileId } = source;
    return this.record(actor, owner, { fileName, contentType, sizeBytes, checksum, ...(fileId ? { fileId } : {}), restoredFrom: source.version }, 'restore');
  }

  /** A page of the owner's versions by ascending number. */
  async list(actor: AuthUser, key: OwnerKey, query: PageQueryDto): Promise<FileVersionListDto> {
    const owner = ownerInTenant(actor.tenantId, key);
    await this.assertOwnerExists(owner);
    return mapPage(await this.versions.list(owner, pageWindow(query)), (v) => FileVersionDto.from(v));
  }

  /** The owner's current version (404 when it has none yet). */
  async current(actor: AuthUser, key: OwnerKey): Promise<FileVersionDto> {
    const owner = ownerInTenant(actor.tenantId, key);
    await this.assertOwnerExists(owner);
    const found = await this.versions.findOne({ ...ownerFilter(owner), isCurrent: true });
    if (!found) throw new NotFoundError('Current version', 'This owner has no versions yet.');
    return FileVersionDto.from(found);
  }

  /** One version by number. */
  async get(actor: AuthUser, key: OwnerKey, version: number): Promise<FileVersionDto> {
    const owner = ownerInTenant(actor.tenantId, key);
    await this.assertOwnerExists(owner);
    return FileVersionDto.from(await this.findVersion(owner, version));
  }

  /** The stored bytes of a version, with its content type; 404 `no-content` for metadata-only versions. */
  async download(actor: AuthUser, key: OwnerKey, version: number): Promise<StreamableFile> {
    const owner = ownerInTenant(actor.tenantId, key);
    await this.assertOwnerExists(owner);
    const found = await this.findVersion(owner, version);
    if (!found.fileId) throw new NoStoredContentError(found.version);
    return new StreamableFile(this.contents.open(found.fileId), {
      type: found.contentType,
      length: found.sizeBytes,
      disposition: contentDisposition(found.fileName),
    });
  }

  /**
   * THE numbering transaction (also re-run whole on write conflicts, so no side effects here).
   * Order matters: retire the old current version before inserting the new one, or the partial
   * unique index "one current per owner" would refuse the insert inside this very transaction.
   */
  @Transactional({ name: 'versioning.upload' })
  private async appendVersion(owner: OwnerRef, createdBy: string, content: VersionContent): Promise<FileVersionRecord> {
    const version = await this.sequences.next({ scope: sequenceScope(owner), name: 'file-version' });
    await this.versions.retireCurrent(owner);
    return this.versions.insert({
      tenantId: owner.tenantId,
      ownerType: owner.ownerType,
      ownerId: new Types.ObjectId(owner.ownerId),
      version,
      isCurrent: true,
      createdBy,
      ...content,
    });
  }

  /** Runs the numbering transaction and keeps the metrics. */
  private async record(actor: AuthUser, owner: OwnerRef, content: VersionContent, source: UploadSource): Promise<FileVersionDto> {
    try {
      const created = await this.appendVersion(owner, actor.userId, content);
      versioningMetrics.uploads.inc({ owner_type: owner.ownerType, source });
      return FileVersionDto.from(created);
    } catch (error) {
      if (error instanceof ContentionError) versioningMetrics.conflicts.inc({ reason: 'contention' });
      else if (isDuplicateKeyError(error)) versioningMetrics.conflicts.inc({ reason: 'duplicate' });
      throw error;
    }
  }

  /** Validates the part's headers, then streams it into GridFS; 413 (and nothing kept) over the limit. */
  private async storeFile(owner: OwnerRef, file: IncomingFile): Promise<{ fileId: Types.ObjectId; sizeBytes: number; checksum: string }> {
    const errors = fileDescriptionErrors(file);
    if (errors.length) {
      await file.discard();
      throw new ValidationFailedError(errors);
    }
    let stored;
    try {
      stored = await this.contents.store(file.stream, { fileName: file.fileName, contentType: file.contentType, owner });
    } catch (error) {
      // The client's body broke off or was malformed (the repository already removed the chunks).
      if (file.sourceError()) throw new MalformedBodyError('The upload ended before the file was complete.');
      throw error;
    }
    if (file.truncated()) {
      // The plugin stops the stream at the limit, so at most the limit was written; drop it.
      await this.deleteOrphan(owner, stored.fileId);
      throw new PayloadTooLargeError(`The file exceeds the upload limit of ${UPLOAD_LIMIT_MIB} MiB; nothing was stored.`);
    }
    return stored;
  }

  /**
   * Deletes a file this request stored but did not manage to reference. Only this request knows
   * the id and its transaction is over, so "still unreferenced?" cannot change under us; the
   * check covers a commit whose outcome was reported as an error although it succeeded.
   * Best effort: a failure leaves an unreferenced file (logged and counted), never a wrong answer.
   */
  private async deleteOrphan(owner: OwnerRef, fileId: Types.ObjectId): Promise<void> {
    try {
      if (await this.versions.exists({ tenantId: owner.tenantId, fileId })) return;
      await this.contents.delete(fileId);
      versioningMetrics.orphanCleanups.inc({ result: 'deleted' });
    } catch (error) {
      versioningMetrics.orphanCleanups.inc({ result: 'failed' });
      this.logger.warn(`could not delete orphan file ${String(fileId)}: ${String(error)}`);
    }
  }

  private async findVersion(owner: OwnerRef, version: number): Promise<FileVersionRecord> {
    const found = await this.versions.findOne({ ...ownerFilter(owner), version });
    if (!found) throw new NotFoundError('Version');
    return found;
  }

  /** 404 unless the owner exists in the caller's tenant (another tenant's owner looks missing). */
  private async assertOwnerExists(owner: OwnerRef): Promise<void> {
    const exists = owner.ownerType === 'documents' ? await this.documents.exists(owner.ownerId, owner.tenantId) : await this.orders.exists(owner.ownerId);
    if (!exists) throw new NotFoundError(ownerName(owner.ownerType));
  }
}

/** One counter per owner, so owners number independently. */
export function sequenceScope(owner: OwnerRef): string {
  return `${owner.tenantId}:${owner.ownerType}:${owner.ownerId}`;
}

function ownerName(ownerType: OwnerType): string {
  return ownerType === 'documents' ? 'Document' : 'Order';
}

/** A multipart part's filename and Content-Type, checked with the same rules as the JSON body. */
export function fileDescriptionErrors(file: { fileName: string; contentType: string }): FieldError[] {
  const dto = plainToInstance(FileDescriptionDto, { fileName: file.fileName, contentType: file.contentType });
  return toFieldErrors(validateSync(dto));
}

/**
 * `attachment` with the name twice: a plain ASCII fallback, and the exact name UTF-8 encoded
 * (RFC 6266 / RFC 8187), so no file name can break out of the header.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
