import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { InvalidStateError, mapBounded, Transactional, VersionMismatchError } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { DocumentEdit, DocumentRepository } from './document.repository';
import { DOCUMENT_STATUSES } from './document.schema';
import { BulkConflict, BulkUpdateRejectedError } from './documents.errors';
import { BulkItemDto, BulkSetDto, BulkUpdateDocumentsDto } from './dto/bulk-update-documents.dto';
import { BulkItemResultDto, BulkUpdateResultDto } from './dto/bulk-update-result.dto';
import { CreateDocumentDto } from './dto/create-document.dto';
import { DocumentPageDto } from './dto/document-page.dto';
import { DocumentStatsDto, StatusCountsDto } from './dto/document-stats.dto';
import { DocumentDto } from './dto/document.dto';
import { ListDocumentsDto } from './dto/list-documents.dto';
import { UpdateDocumentDto } from './dto/update-document.dto';

/** Optional fields that `null` clears. */
const CLEARABLE = new Set(['customerRef']);
/** In-flight item updates of a partial bulk request (bounded fan-out). */
const PARTIAL_BULK_CONCURRENCY = 8;

/**
 * Builds the change from the keys the client actually sent: absent keys never appear in the
 * update (so they are never blanked), `null` on an optional field becomes `$unset`, and the
 * custom `fields{}` are merged key by key (a `null` value removes that key). No document is
 * loaded and assigned onto: the update itself says what changes.
 */
export function toDocumentEdit(dto: UpdateDocumentDto | BulkSetDto): DocumentEdit {
  const edit: DocumentEdit = { set: {}, unset: [] };
  for (const [key, value] of Object.entries(dto)) {
    // class-transformer instances carry declared-but-absent properties as undefined.
    if (value === undefined) continue;
    if (key === 'fields') {
      for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        if (fieldValue === null) edit.unset.push(`fields.${name}`);
        else edit.set[`fields.${name}`] = fieldValue;
      }
    } else if (value === null && CLEARABLE.has(key)) {
      edit.unset.push(key);
    } else {
      edit.set[key] = value;
    }
  }
  return edit;
}

function isEmpty(edit: DocumentEdit): boolean {
  return Object.keys(edit.set).length === 0 && edit.unset.length === 0;
}

/** The outcome of one bulk item whose guarded update missed; undefined for unexpected errors. */
function conflictOf(id: string, error: unknown): BulkConflict | undefined {
  if (error instanceof VersionMismatchError) return { id, reason: 'version-mismatch', currentVersion: error.currentVersion };
  if (error instanceof NotFoundError) return { id, reason: 'not-found' };
  if (error instanceof InvalidStateError) return { id, reason: 'invalid-state', currentState: String(error.extensions.currentState) };
  return undefined;
}

/** Documents: create, read, edit under If-Match, delete, bulk edits and statistics. */
@Injectable()
export class DocumentsService {
  constructor(private readonly documents: DocumentRepository) {}

  /** Creates a draft owned by the caller's tenant. */
  async create(actor: AuthUser, dto: CreateDocumentDto): Promise<DocumentDto> {
    const doc = await this.documents.create({
      tenantId: actor.tenantId,
      title: dto.title,
      category: dto.category,
      type: dto.type,
      customerRef: dto.customerRef ?? undefined,
      tags: dto.tags ?? [],
      fields: dto.fields ?? {},
      createdBy: actor.userId,
    });
    return DocumentDto.from(doc);
  }

  /** One page of the tenant's documents, newest first; items and total from one snapshot. */
  async list(actor: AuthUser, query: ListDocumentsDto): Promise<DocumentPageDto> {
    const filter = { status: query.status, category: query.category, type: query.type, tag: query.tag, customerRef: query.customerRef };
    return mapPage(await this.documents.list(actor.tenantId, filter, pageWindow(query)), (d) => DocumentDto.from(d));
  }

  /** One document; another tenant's is a 404. */
  async get(actor: AuthUser, id: string): Promise<DocumentDto> {
    const doc = await this.documents.findOne({ tenantId: actor.tenantId, _id: id });
    if (!doc) throw new NotFoundError('Document');
    return DocumentDto.from(doc);
  }

  /**
   * Partial update under If-Match: one guarded atomic update (expected version + editable
   * state). Only the keys sent change; editing a rejected document returns it to draft.
   * Stale → 412; pending or approved → 409 `invalid-state`.
   */
  async update(actor: AuthUser, id: string, expectedVersion: number, dto: UpdateDocumentDto): Promise<DocumentDto> {
    const edit = toDocumentEdit(dto);
    if (isEmpty(edit)) throw new ValidationFailedError([{ field: 'body', message: 'name at least one field to change' }]);
    const doc = await this.documents.edit({ tenantId: actor.tenantId, _id: id }, expectedVersion, edit);
    return DocumentDto.from(doc);
  }

  /** Deletes under If-Match (the version is in the delete's filter). */
  async remove(actor: AuthUser, id: string, expectedVersion: number): Promise<void> {
    await this.documents.deleteVersioned({ tenantId: actor.tenantId, _id: id }, expectedVersion);
  }

  /**
   * Applies one change to many documents, each guarded by the version the client read.
   * atomic (default): all or nothing in one transaction; partial: item by item, with a report.
   */
  async bulkUpdate(actor: AuthUser, dto: BulkUpdateDocumentsDto): Promise<BulkUpdateResultDto> {
    const edit = toDocumentEdit(dto.set);
    if (isEmpty(edit)) throw new ValidationFailedError([{ field: 'set', message: 'name at least one field to change' }]);
    const mode = dto.mode ?? 'atomic';
    const results = mode === 'atomic' ? await this.bulkAtomic(actor.tenantId, dto.items, edit) : await this.bulkPartial(actor.tenantId, dto.items, edit);
    return { mode, updated: results.filter((r) => r.outcome === 'updated').length, results };
  }

  /**
   * Every item is one guarded update inside ONE transaction. Misses are collected (not thrown
   * at the first) so the 412 can list every conflict; then the throw rolls back every write.
   */
  @Transactional()
  private async bulkAtomic(tenantId: string, items: BulkItemDto[], edit: DocumentEdit): Promise<BulkItemResultDto[]> {
    const results: BulkItemResultDto[] = [];
    const conflicts: BulkConflict[] = [];
    // Sequential on purpose: a session runs one operation at a time.
    for (const item of items) {
      try {
        const doc = await this.documents.edit({ tenantId, _id: item.id }, item.version, edit);
        results.push({ id: item.id, outcome: 'updated', version: doc.version });
      } catch (error) {
        const conflict = conflictOf(item.id, error);
        if (!conflict) throw error; // write conflicts etc.: the transaction runner retries
        conflicts.push(conflict);
      }
    }
    if (conflicts.length > 0) throw new BulkUpdateRejectedError(conflicts);
    return results;
  }

  /** Each item is its own guarded update; a miss is reported, never forced. */
  private bulkPartial(tenantId: string, items: BulkItemDto[], edit: DocumentEdit): Promise<BulkItemResultDto[]> {
    return mapBounded(items, { concurrency: PARTIAL_BULK_CONCURRENCY }, async (item): Promise<BulkItemResultDto> => {
      try {
        const doc = await this.documents.edit({ tenantId, _id: item.id }, item.version, edit);
        return { id: item.id, outcome: 'updated', version: doc.version };
      } catch (error) {
        const conflict = conflictOf(item.id, error);
        if (!conflict) throw error;
        return { id: item.id, outcome: conflict.reason, version: conflict.currentVersion, status: conflict.currentState };
      }
    });
  }

  /** Totals by status and category from one snapshot: Σ byStatus = total, always. */
  async stats(actor: AuthUser): Promise<DocumentStatsDto> {
    const asOf = new Date();
    const counts = await this.documents.counts(actor.tenantId);
    const byStatus = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as unknown as StatusCountsDto;
    for (const row of counts.byStatus) byStatus[row._id] = row.n;
    const byCategory: Record<string, number> = {};
    for (const row of counts.byCategory) byCategory[row._id] = row.n;
    return { total: counts.total, byStatus, byCategory, asOf: asOf.toISOString() };
  }
}
