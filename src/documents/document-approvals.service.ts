import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { OutboxService, Transactional } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { DocumentRepository, DocumentTransition, StoredDocument } from './document.repository';
import { ApprovalEntry } from './document.schema';
import { DocumentApprovalEventPayload, DocumentEvents, DocumentEventType } from './document-events';
import { ApprovalEntryDto, ApprovalHistoryDto } from './dto/approval-history.dto';
import { DocumentDto } from './dto/document.dto';

/**
 * The approval workflow: draft → pending → approved | rejected. Each step is ONE guarded
 * transition (If-Match version AND allowed from-state in the filter) that also appends the
 * history entry; the outbox event is written in the same transaction. So of an approve and a
 * reject racing on one version exactly one lands, the other gets 412 (or 409), and the
 * history never holds two decisions for one request.
 */
@Injectable()
export class DocumentApprovalsService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** draft → pending; the caller becomes the requester (who hears about the decision). */
  @Transactional()
  async requestApproval(actor: AuthUser, id: string, expectedVersion: number): Promise<DocumentDto> {
    return this.step(actor, id, expectedVersion, DocumentEvents.ApprovalRequested, {
      from: ['draft'],
      to: 'pending',
      set: { requestedBy: actor.userId },
      entry: { action: 'approval-requested', by: actor.userId, at: new Date() },
    });
  }

  /** pending → approved. */
  @Transactional()
  async approve(actor: AuthUser, id: string, expectedVersion: number, comment?: string): Promise<DocumentDto> {
    return this.step(actor, id, expectedVersion, DocumentEvents.Approved, {
      from: ['pending'],
      to: 'approved',
      entry: { action: 'approved', by: actor.userId, at: new Date(), ...(comment === undefined ? {} : { comment }) },
    });
  }

  /** pending → rejected (editing it later returns it to draft). */
  @Transactional()
  async reject(actor: AuthUser, id: string, expectedVersion: number, reason: string): Promise<DocumentDto> {
    return this.step(actor, id, expectedVersion, DocumentEvents.Rejected, {
      from: ['pending'],
      to: 'rejected',
      entry: { action: 'rejected', by: actor.userId, at: new Date(), reason },
    });
  }

  /** The approval history, oldest first. */
  async history(actor: AuthUser, id: string): Promise<ApprovalHistoryDto> {
    const entries = await this.documents.findHistory({ tenantId: actor.tenantId, _id: id });
    if (!entries) throw new NotFoundError('Document');
    return { documentId: id, entries: entries.map((e) => ApprovalEntryDto.from(e)) };
  }

  /** Runs inside the caller's transaction: the guarded transition, then its outbox event. */
  private async step(actor: AuthUser, id: string, expectedVersion: number, type: DocumentEventType, step: DocumentTransition): Promise<DocumentDto> {
    const doc = await this.documents.transition({ tenantId: actor.tenantId, _id: id }, expectedVersion, step);
    await this.outbox.add({ tenantId: actor.tenantId, type, aggregateId: id, payload: eventPayload(doc, actor, step.entry) });
    return DocumentDto.from(doc);
  }
}

function eventPayload(doc: StoredDocument, actor: AuthUser, entry: ApprovalEntry): DocumentApprovalEventPayload {
  return {
    documentId: String(doc._id),
    title: doc.title,
    version: doc.version,
    actorId: actor.userId,
    requestedBy: doc.requestedBy ?? actor.userId,
    ...(entry.comment === undefined ? {} : { comment: entry.comment }),
    ...(entry.reason === undefined ? {} : { reason: entry.reason }),
  };
}
