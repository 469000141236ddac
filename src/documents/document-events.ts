/**
 * Events the documents module publishes through the transactional outbox (written in the same
 * transaction as the state change they announce). Subscribers receive each at least once.
 */
export const DocumentEvents = {
  ApprovalRequested: 'documents.approval-requested',
  Approved: 'documents.approved',
  Rejected: 'documents.rejected',
} as const;
export type DocumentEventType = (typeof DocumentEvents)[keyof typeof DocumentEvents];

/** Payload of every approval event. User references are user ids. */
export interface DocumentApprovalEventPayload {
  documentId: string;
  title: string;
  /** The version the document reached with this step. */
  version: number;
  /** Who acted (requester or decider). */
  actorId: string;
  /** Who asked for the approval: the recipient of the decision. */
  requestedBy: string;
  comment?: string;
  reason?: string;
}
