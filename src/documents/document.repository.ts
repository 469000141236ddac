import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { deleteVersioned, transition, VersionedDoc } from '@app/concurrency';
import { Model, UpdateQuery } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { Page } from '../common/http/page.dto';
import type { PageWindow } from '../common/http/page-query.dto';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { ApprovalEntry, DocumentRecord, DocumentStatus, EDITABLE_STATUSES } from './document.schema';

/** A lean document as the repository returns it. */
export type StoredDocument = VersionedDoc<DocumentRecord>;

/** Equality filters of the list. */
export interface DocumentListFilter {
  status?: DocumentStatus;
  category?: string;
  type?: string;
  tag?: string;
  customerRef?: string;
}

/** Raw counts of one stats snapshot. */
export interface DocumentCounts {
  total: number;
  byStatus: Array<{ _id: DocumentStatus; n: number }>;
  byCategory: Array<{ _id: string; n: number }>;
}

/** A content change: fields to set and optional fields to remove. */
export interface DocumentEdit {
  set: Record<string, unknown>;
  unset: string[];
}

/** A workflow step: the guarded state change and the history entry written with it. */
export interface DocumentTransition {
  from: readonly DocumentStatus[];
  to: DocumentStatus;
  set?: Record<string, unknown>;
  entry: ApprovalEntry;
}

const NOT_HISTORY = { history: 0 } as const;

/** Every mongoose call on the `documents` collection. */
@Injectable()
export class DocumentRepository extends TenantScopedRepository<DocumentRecord, StoredDocument> {
  constructor(@InjectModel(DocumentRecord.name) private readonly documents: Model<DocumentRecord>) {
    super(documents);
  }

  async create(doc: Pick<DocumentRecord, 'tenantId' | 'title' | 'category' | 'type' | 'customerRef' | 'tags' | 'fields' | 'createdBy'>): Promise<StoredDocument> {
    return this.insertOne(doc);
  }

  /** One document without its history, or null (absent or another tenant's). */
  override findOne(filter: TenantFilter<DocumentRecord>): Promise<StoredDocument | null> {
    return this.documents.findOne(filter).select(NOT_HISTORY).lean<StoredDocument>().exec();
  }

  /** The approval history of one document, or null when it does not exist. */
  async findHistory(filter: TenantFilter<DocumentRecord>): Promise<ApprovalEntry[] | null> {
    const doc = await this.documents.findOne(filter).select({ history: 1 }).lean<{ history?: ApprovalEntry[] }>().exec();
    return doc ? (doc.history ?? []) : null;
  }

  async exists(filter: TenantFilter<DocumentRecord>): Promise<boolean> {
    return (await this.documents.exists(filter).exec()) !== null;
  }

  /** One page of the tenant's documents matching `filter`, newest first, without their approval history. */
  list(tenantId: string, filter: DocumentListFilter, window: PageWindow): Promise<Page<StoredDocument>> {
    const match: TenantFilter<DocumentRecord> = { tenantId };
    if (filter.status) match.status = filter.status;
    if (filter.category) match.category = filter.category;
    if (filter.type) match.type = filter.type;
    if (filter.customerRef) match.customerRef = filter.customerRef;
    if (filter.tag) match.tags = filter.tag;
    return this.page(match, window, { createdAt: -1, _id: -1 }, { omit: Object.keys(NOT_HISTORY) });
  }

  /**
   * Counts by status and by category plus the total from ONE aggregation ($facet): every
   * number describes the same instant, so Σ byStatus = total even while writers run.
   */
  async counts(tenantId: string): Promise<DocumentCounts> {
    const [result] = await this.documents
      .aggregate<{ total: Array<{ n: number }>; byStatus: DocumentCounts['byStatus']; byCategory: DocumentCounts['byCategory'] }>([
        { $match: { tenantId } },
        {
          $facet: {
            total: [{ $count: 'n' }],
            byStatus: [{ $group: { _id: '$status', n: { $sum: 1 } } }],
            byCategory: [{ $group: { _id: '$category', n: { $sum: 1 } } }],
          },
        },
      ])
      .exec();
    return { total: result?.total[0]?.n ?? 0, byStatus: result?.byStatus ?? [], byCategory: result?.byCategory ?? [] };
  }

  /**
   * A content change under If-Match, as ONE guarded update: the filter requires the expected
   * version and an editable state, and the update returns a rejected document to draft.
   * Stale version → 412, pending/approved → 409 `invalid-state`, absent → 404.
   */
  edit(filter: TenantFilter<DocumentRecord>, expectedVersion: number, edit: DocumentEdit): Promise<StoredDocument> {
    const unset = Object.fromEntries(edit.unset.map((path) => [path, 1]));
    return transition<DocumentRecord, DocumentStatus>(this.documents, {
      filter,
      expectedVersion,
      from: EDITABLE_STATUSES,
      to: 'draft',
      set: edit.set,
      update: edit.unset.length > 0 ? ({ $unset: unset } as UpdateQuery<DocumentRecord>) : undefined,
      resource: 'Document',
    }).then(withoutHistory);
  }

  /** A workflow step under If-Match: state guard, version guard and history append in ONE update. */
  transition(filter: TenantFilter<DocumentRecord>, expectedVersion: number, step: DocumentTransition): Promise<StoredDocument> {
    return transition<DocumentRecord, DocumentStatus>(this.documents, {
      filter,
      expectedVersion,
      from: step.from,
      to: step.to,
      set: step.set,
      push: { history: step.entry },
      resource: 'Document',
    }).then(withoutHistory);
  }

  /**
   * Deletes under If-Match: the version is part of the delete's filter, so a concurrent change
   * makes the delete miss instead of destroying an edit nobody saw. Miss → 404 or 412.
   */
  deleteVersioned(filter: TenantFilter<DocumentRecord>, expectedVersion: number): Promise<void> {
    return deleteVersioned(this.documents, { filter, expectedVersion, resource: 'Document' });
  }
}

function withoutHistory(doc: StoredDocument): StoredDocument {
  const { history: _history, ...rest } = doc as StoredDocument & { history?: unknown };
  return rest as StoredDocument;
}
