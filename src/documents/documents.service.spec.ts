import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { plainToInstance } from 'class-transformer';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { InvalidStateError, VersionMismatchError } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Role } from '../auth/role';
import type { DocumentEdit, DocumentRepository, StoredDocument } from './document.repository';
import { DocumentsService, toDocumentEdit } from './documents.service';
import { BulkUpdateDocumentsDto } from './dto/bulk-update-documents.dto';
import { UpdateDocumentDto } from './dto/update-document.dto';

const actor: AuthUser = { userId: 'u1', tenantId: 't1', roles: [Role.Clerk], sessionId: 's1' };

function stored(id: string, version: number): StoredDocument {
  return {
    _id: id,
    tenantId: 't1',
    title: 'T',
    category: 'c',
    type: 'x',
    tags: [],
    status: 'draft',
    fields: {},
    history: [],
    createdBy: 'u1',
    createdAt: new Date(0),
    updatedAt: new Date(0),
    version,
  } as unknown as StoredDocument;
}

describe(DocumentsService.name, () => {
  describe('toDocumentEdit', () => {
    it('sets only the keys that were sent, even on a class-transformer instance', () => {
      const dto = plainToInstance(UpdateDocumentDto, { title: 'New' });
      assert.deepEqual(toDocumentEdit(dto), { set: { title: 'New' }, unset: [] });
    });

    it('turns null on an optional field into $unset and merges fields key by key', () => {
      const dto = plainToInstance(UpdateDocumentDto, { customerRef: null, fields: { a: 1, b: null }, tags: [] });
      const edit = toDocumentEdit(dto);
      assert.deepEqual({ ...edit, unset: [...edit.unset].sort() }, { set: { 'fields.a': 1, tags: [] }, unset: ['customerRef', 'fields.b'] });
    });
  });

  it('refuses an update that names no field (400, nothing sent to the repository)', async () => {
    let called = false;
    const repo = { edit: async () => ((called = true), stored('a', 2)) } as unknown as DocumentRepository;
    await assert.rejects(new DocumentsService(repo).update(actor, 'a', 1, plainToInstance(UpdateDocumentDto, {})), ValidationFailedError);
    assert.equal(called, false);
  });

  it('partial bulk reports each miss by its typed error and updates the rest', async () => {
    const edits: Array<{ id: unknown; version: number; edit: DocumentEdit }> = [];
    const repo = {
      edit: async (filter: { _id: string }, version: number, edit: DocumentEdit) => {
        edits.push({ id: filter._id, version, edit });
        if (filter._id === 'stale') throw new VersionMismatchError({ currentVersion: 5, expectedVersion: version });
        if (filter._id === 'gone') throw new NotFoundError('Document');
        if (filter._id === 'busy') throw new InvalidStateError({ currentState: 'pending' });
        return stored(filter._id, version + 1);
      },
    } as unknown as DocumentRepository;
    const dto = plainToInstance(BulkUpdateDocumentsDto, {
      mode: 'partial',
      set: { category: 'archive' },
      items: [
        { id: 'ok', version: 1 },
        { id: 'stale', version: 1 },
        { id: 'gone', version: 1 },
        { id: 'busy', version: 1 },
      ],
    });
    const result = await new DocumentsService(repo).bulkUpdate(actor, dto);
    assert.equal(result.updated, 1);
    assert.deepEqual(
      result.results.map((r) => [r.id, r.outcome, r.version]),
      [
        ['ok', 'updated', 2],
        ['stale', 'version-mismatch', 5],
        ['gone', 'not-found', undefined],
        ['busy', 'invalid-state', undefined],
      ],
    );
    assert.ok(edits.every((e) => e.version === 1 && e.edit.set.category === 'archive'));
  });

  it('stats fill every status and keep Σ byStatus = total', async () => {
    const repo = {
      counts: async () => ({ total: 3, byStatus: [{ _id: 'draft', n: 2 }, { _id: 'approved', n: 1 }], byCategory: [{ _id: 'c', n: 3 }] }),
    } as unknown as DocumentRepository;
    const stats = await new DocumentsService(repo).stats(actor);
    assert.deepEqual(stats.byStatus, { draft: 2, pending: 0, approved: 1, rejected: 0 });
    assert.deepEqual(stats.byCategory, { c: 3 });
    assert.equal(stats.total, 3);
  });
});
