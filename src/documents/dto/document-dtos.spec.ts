import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { BulkSetDto } from './bulk-update-documents.dto';
import { CreateDocumentDto } from './create-document.dto';
import { UpdateDocumentDto } from './update-document.dto';

const invalid = (cls: new () => object, body: object): string[] =>
  validateSync(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).map((e) => e.property);

describe('Document DTOs', () => {
  const valid = { title: 'MSA', category: 'contracts', type: 'msa' };

  it('CreateDocumentDto: title, category and type required; customerRef, tags and fields optional', () => {
    assert.deepEqual(invalid(CreateDocumentDto, valid), []);
    assert.deepEqual(invalid(CreateDocumentDto, { ...valid, customerRef: 'CUST-1', tags: ['a'], fields: { renewal: 'annual' } }), []);
    assert.deepEqual(invalid(CreateDocumentDto, {}).sort(), ['category', 'title', 'type']);
    assert.deepEqual(invalid(CreateDocumentDto, { ...valid, title: '', customerRef: 7, tags: ['a', 'a'], fields: { a: null } }).sort(), ['customerRef', 'fields', 'tags', 'title']);
  });

  it('UpdateDocumentDto: every key optional, but a present key is checked (null clears only customerRef; fields merge with nulls)', () => {
    assert.deepEqual(invalid(UpdateDocumentDto, {}), []);
    assert.deepEqual(invalid(UpdateDocumentDto, { customerRef: null, fields: { a: 1, b: null }, tags: [] }), []);
    for (const key of ['title', 'category', 'type', 'tags']) assert.deepEqual(invalid(UpdateDocumentDto, { [key]: null }), [key], key);
    assert.deepEqual(invalid(UpdateDocumentDto, { title: '', customerRef: 7, tags: ['x'.repeat(51)] }).sort(), ['customerRef', 'tags', 'title']);
    assert.deepEqual(invalid(UpdateDocumentDto, { status: 'approved' }), ['status']);
  });

  it('BulkSetDto: the same rules for category, type, tags and customerRef; no title, fields or status', () => {
    assert.deepEqual(invalid(BulkSetDto, { category: 'archive', customerRef: null, tags: ['archived'] }), []);
    assert.deepEqual(invalid(BulkSetDto, { category: null, type: '' }).sort(), ['category', 'type']);
    assert.deepEqual(invalid(BulkSetDto, { title: 'x', fields: {}, status: 'approved' }).sort(), ['fields', 'status', 'title']);
  });
});
