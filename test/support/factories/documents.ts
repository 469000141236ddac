/**
 * Documents factories for e2e suites (documents, versioning, …): create documents and move
 * them through the workflow via the real HTTP API, failing loudly when the API refuses.
 */
import assert from 'node:assert/strict';
import { mapBounded } from '@app/concurrency';
import type { HttpClient } from '@app/concurrency/testing';

/** Anything that can call the API as some user: a client, or a tenant/user holding one. */
export type Caller = HttpClient | { http: HttpClient };

export interface DocumentBody {
  title: string;
  category: string;
  type: string;
  customerRef?: string;
  tags?: string[];
  fields?: Record<string, unknown>;
}

/** A document as the API returns it. */
export interface DocumentView {
  id: string;
  title: string;
  category: string;
  type: string;
  customerRef?: string;
  tags: string[];
  status: 'draft' | 'pending' | 'approved' | 'rejected';
  fields: Record<string, unknown>;
  requestedBy?: string;
  createdBy: string;
  version: number;
}

function clientOf(caller: Caller): HttpClient {
  return 'http' in caller && typeof (caller as { http?: unknown }).http === 'object' ? (caller as { http: HttpClient }).http : (caller as HttpClient);
}

/** `If-Match` header for a version. */
export const ifMatch = (version: number): { 'if-match': string } => ({ 'if-match': `"${version}"` });

let seq = 0;

/** A valid create-document body (every field set, so partial updates can prove what they keep). */
export function documentBody(overrides: Partial<DocumentBody> = {}): DocumentBody {
  seq += 1;
  return {
    title: `Contract ${seq}`,
    category: 'contracts',
    type: 'msa',
    customerRef: `CUST-${1000 + seq}`,
    tags: ['legal'],
    fields: { amountCents: 125_000, renewal: 'annual' },
    ...overrides,
  };
}

/** Creates one document in the caller's tenant (201 asserted). */
export async function newDocument(tenant: Caller, overrides: Partial<DocumentBody> = {}): Promise<DocumentView> {
  const res = await clientOf(tenant).post('/api/v1/documents', documentBody(overrides));
  assert.equal(res.status, 201, `create document: ${res.text}`);
  return res.body as DocumentView;
}

/** Creates `count` documents with bounded concurrency. */
export function newDocuments(tenant: Caller, count: number, overrides: Partial<DocumentBody> = {}): Promise<DocumentView[]> {
  return mapBounded(Array.from({ length: count }, (_, i) => i), { concurrency: 8 }, () => newDocument(tenant, overrides));
}

/** Reads one document (200 asserted). */
export async function getDocument(tenant: Caller, id: string): Promise<DocumentView> {
  const res = await clientOf(tenant).get(`/api/v1/documents/${id}`);
  assert.equal(res.status, 200, `get document: ${res.text}`);
  return res.body as DocumentView;
}

/** Moves a draft to pending as the given caller (200 asserted). */
export async function requestApproval(caller: Caller, doc: Pick<DocumentView, 'id' | 'version'>): Promise<DocumentView> {
  const res = await clientOf(caller).post(`/api/v1/documents/${doc.id}/request-approval`, undefined, { headers: ifMatch(doc.version) });
  assert.equal(res.status, 200, `request approval: ${res.text}`);
  return res.body as DocumentView;
}

/** A new document already waiting for approval, requested by `requester`. */
export async function newPendingDocument(requester: Caller, overrides: Partial<DocumentBody> = {}): Promise<DocumentView> {
  return requestApproval(requester, await newDocument(requester, overrides));
}
