import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOCUMENT_STATUSES, DocumentStatus } from '../document.schema';
import type { StoredDocument } from '../document.repository';
import { ApiInteger } from '../../common/swagger/api-integer';

/** A document as the API returns it (the approval history is at `/documents/:id/approvals`). */
export class DocumentDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'Master services agreement — ACME' })
  title: string;

  @ApiProperty({ example: 'contracts' })
  category: string;

  @ApiProperty({ example: 'msa' })
  type: string;

  @ApiPropertyOptional({ example: 'CUST-1042' })
  customerRef?: string;

  @ApiProperty({ type: [String], example: ['priority', 'legal'] })
  tags: string[];

  @ApiProperty({ enum: DOCUMENT_STATUSES, example: 'draft' })
  status: DocumentStatus;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { amountCents: 125000, renewal: 'annual' } })
  fields: Record<string, unknown>;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a00123456aa', description: 'User id of the last approval requester.' })
  requestedBy?: string;

  @ApiProperty({ example: '665f1c2e8b3e4a00123456aa', description: 'User id of the creator.' })
  createdBy: string;

  @ApiProperty({ example: '2025-01-15T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2025-01-15T10:05:00.000Z' })
  updatedAt: string;

  @ApiInteger(1, 'Also sent as the ETag; send it back as If-Match.')
  version: number;

  /** The wire shape: `id` string, never `_id`; no history. */
  static from(doc: StoredDocument): DocumentDto {
    const { title, category, type, customerRef, status, requestedBy, createdBy, version } = doc;
    return Object.assign(new DocumentDto(), {
      id: String(doc._id),
      title,
      category,
      type,
      ...(customerRef === undefined || customerRef === null ? {} : { customerRef }),
      tags: doc.tags ?? [],
      status,
      fields: doc.fields ?? {},
      ...(requestedBy ? { requestedBy } : {}),
      createdBy,
      createdAt: new Date(doc.createdAt).toISOString(),
      updatedAt: new Date(doc.updatedAt).toISOString(),
      version,
    });
  }
}
