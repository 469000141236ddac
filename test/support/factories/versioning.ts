/**
 * Versioning factories for e2e suites: owners (a document or a sales order), metadata and
 * multipart uploads through the real HTTP API, and the history invariant as one assertion.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { HttpClient, HttpResponse } from '@app/concurrency/testing';
import { newDocument } from './documents';
import { newItem, newOrder } from './inventory';

/** Anything that can call the API as some user: a client, or a tenant/user holding one. */
export type Caller = HttpClient | { http: HttpClient };

const clientOf = (c: Caller): HttpClient => ('http' in c && typeof (c as { http?: unknown }).http === 'object' ? (c as { http: HttpClient }).http : (c as HttpClient));

export type OwnerType = 'documents' | 'orders';

/** Something versions hang off. */
export interface Owner {
  ownerType: OwnerType;
  id: string;
}

/** A version as the API returns it. */
export interface VersionView {
  id: string;
  ownerType: OwnerType;
  ownerId: string;
  version: number;
  versionLabel: string;
  isCurrent: boolean;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  checksum: string;
  hasContent: boolean;
  restoredFrom?: number;
  createdBy: string;
  createdAt: string;
}

export interface VersionBody {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  checksum: string;
}

/** `/api/v1/versioning/<ownerType>/<id>/versions` */
export const versionsPath = (owner: Owner): string => `/api/v1/versioning/${owner.ownerType}/${owner.id}/versions`;

/** `sha256:<hex>` of some bytes, the API's checksum format. */
export const sha256 = (data: string | Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * Creates an owner in the caller's tenant through its module's API: a document, or a sales
 * order (with the stocked item it needs). The caller must be allowed to create items (manager
 * or admin) for orders.
 */
export async function newOwner(caller: Caller, ownerType: OwnerType = 'documents'): Promise<Owner> {
  if (ownerType === 'documents') return { ownerType, id: (await newDocument(caller)).id };
  const item = await newItem(caller, { quantityOnHand: 10 });
  const order = await newOrder(caller, { lines: [{ itemId: item.id, quantity: 1 }] });
  return { ownerType, id: order.id };
}

let seq = 0;

/** A valid metadata-only upload body; unique file name per call. */
export function versionBody(overrides: Partial<VersionBody> = {}): VersionBody {
  seq += 1;
  const fileName = `contract-${seq}.pdf`;
  return { fileName, contentType: 'application/pdf', sizeBytes: 1000 + seq, checksum: sha256(fileName), ...overrides };
}

/** POST a metadata-only version (no assertion: races count the statuses; the body is a VersionView or Problem Details). */
export function postVersion(caller: Caller, owner: Owner, body: unknown = versionBody()): Promise<HttpResponse> {
  return clientOf(caller).post(versionsPath(owner), body);
}

/** Uploads a metadata-only version (201 asserted). */
export async function newVersion(caller: Caller, owner: Owner, overrides: Partial<VersionBody> = {}): Promise<VersionView> {
  const res = await postVersion(caller, owner, versionBody(overrides));
  assert.equal(res.status, 201, `upload version: ${res.text}`);
  return res.body;
}

export interface FilePart {
  /** The part's field name (default `file`). */
  field?: string;
  /** Omitted → a part without a filename. */
  fileName?: string;
  contentType?: string;
  content: string | Buffer;
}

/** A multipart/form-data body (as raw bytes plus its Content-Type header) with the given parts. */
export function multipart(parts: Array<FilePart | { field: string; value: string }>): { rawBody: Buffer; headers: Record<string, string> } {
  const boundary = `----versioning${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('value' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`));
      continue;
    }
    const name = part.fileName === undefined ? '' : `; filename="${part.fileName}"`;
    chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.field ?? 'file'}"${name}\r\n`));
    chunks.push(Buffer.from(`Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { rawBody: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** POST a multipart upload of one file (no assertion). */
export function postFile(caller: Caller, owner: Owner, file: FilePart): Promise<HttpResponse> {
  return clientOf(caller).send('POST', versionsPath(owner), multipart([file]));
}

/** Uploads one file (201 asserted). */
export async function newFileVersion(caller: Caller, owner: Owner, file: Partial<FilePart> = {}): Promise<VersionView> {
  seq += 1;
  const res = await postFile(caller, owner, { fileName: `scan-${seq}.txt`, contentType: 'text/plain', content: `scan ${seq}\n`, ...file });
  assert.equal(res.status, 201, `upload file: ${res.text}`);
  return res.body;
}

/** Every version of the owner, ordered by number, page by page (200 asserted). */
export async function listVersions(caller: Caller, owner: Owner): Promise<{ items: VersionView[]; total: number }> {
  const items: VersionView[] = [];
  for (let page = 1; ; page++) {
    const res = await clientOf(caller).get(versionsPath(owner), { query: { page, pageSize: 100 } });
    assert.equal(res.status, 200, `list versions: ${res.text}`);
    items.push(...(res.body.items as VersionView[]));
    if (res.body.items.length < 100) return { items, total: res.body.total };
  }
}

/**
 * THE invariant of an owner's history: versions are exactly 1..n in order (no duplicate, no
 * gap), each labelled `v<number>`, and exactly one is current — the newest, which is also what
 * GET …/current answers.
 */
export async function expectHistory(caller: Caller, owner: Owner, n: number): Promise<VersionView[]> {
  const { items, total } = await listVersions(caller, owner);
  assert.deepEqual(
    items.map((v) => v.version),
    Array.from({ length: n }, (_, i) => i + 1),
    'versions are not exactly 1..n',
  );
  assert.equal(total, n, 'total');
  for (const v of items) assert.equal(v.versionLabel, `v${v.version}`, 'label does not match the number');
  const current = items.filter((v) => v.isCurrent);
  if (n === 0) {
    assert.equal(current.length, 0);
    return items;
  }
  assert.deepEqual(current.map((v) => v.version), [n], 'exactly one current version, the newest');
  const res = await clientOf(caller).get(`${versionsPath(owner)}/current`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.version, n, 'GET …/current');
  return items;
}
