import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MongooseModule } from '@nestjs/mongoose';
import { MalformedBodyError, NotFoundError, PayloadTooLargeError, ValidationFailedError } from '@app/problem-details';
import { isDuplicateKeyError, SequencesService } from '@app/concurrency';
import { assertConsecutive, expectCounts, race, startTestApp, TestApp } from '@app/concurrency/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { Role } from '../auth/role';
import { DocumentLookupService } from '../documents/document-lookup.service';
import { OrderLookupService } from '../inventory/order-lookup.service';
import { FILE_CONTENT_BUCKET, FileContentRepository } from './file-content.repository';
import { FileVersionRepository } from './file-version.repository';
import { withTenancy } from '../common/tenancy/tenant-owned.plugin';
import { FILE_VERSION_MODEL, FileVersionSchema } from './file-version.schema';
import type { OwnerRef } from './owner-type';
import type { IncomingFile } from './version-upload.decorator';
import { contentDisposition, fileDescriptionErrors, sequenceScope, VersioningService } from './versioning.service';

const actor: AuthUser = { userId: 'u1', tenantId: 't1', roles: [Role.Clerk], sessionId: 's1' };
const doc: OwnerRef = { tenantId: 't1', ownerType: 'documents', ownerId: '65a1b2c3d4e5f60718293a4b' };
const metadata = { fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 3, checksum: `sha256:${'0'.repeat(64)}` };

function untouchable<T extends object>(name: string): T {
  return new Proxy({} as T, { get: (_t, prop) => (prop === 'then' ? undefined : () => assert.fail(`${name}.${String(prop)} must not be called`)) });
}

function lookups(exists: boolean) {
  const calls: string[] = [];
  const documents = { exists: async (id: string, tenantId?: string) => (calls.push(`documents:${id}:${tenantId}`), exists) } as unknown as DocumentLookupService;
  const orders = { exists: async (id: string) => (calls.push(`orders:${id}`), exists) } as unknown as OrderLookupService;
  return { calls, documents, orders };
}

/** A multipart file part stand-in. */
function incoming(content: string | Readable, overrides: Partial<Pick<IncomingFile, 'fileName' | 'contentType'>> & { truncated?: boolean } = {}) {
  const stream = typeof content === 'string' ? Readable.from([Buffer.from(content)]) : content;
  let discarded = false;
  const file: IncomingFile = {
    fileName: overrides.fileName ?? 'a.txt',
    contentType: overrides.contentType ?? 'text/plain',
    stream,
    truncated: () => overrides.truncated ?? false,
    sourceError: () => (stream.errored as Error | null) ?? undefined,
    discard: async () => {
      discarded = true;
    },
  };
  return { file, discarded: () => discarded };
}

describe(VersioningService.name, () => {
  describe('rules checked before anything is written', () => {
    it('an owner missing from the tenant → 404 before any version or file is touched', async () => {
      const { calls, documents, orders } = lookups(false);
      const service = new VersioningService(untouchable('versions'), untouchable('contents'), untouchable('sequences'), documents, orders);
      await assert.rejects(service.upload(actor, doc, { kind: 'metadata', metadata }), NotFoundError);
      await assert.rejects(service.restore(actor, { ...doc, ownerType: 'orders' }, 1), NotFoundError);
      await assert.rejects(service.get(actor, doc, 1), NotFoundError);
      assert.deepEqual(calls, [`documents:${doc.ownerId}:t1`, `orders:${doc.ownerId}`, `documents:${doc.ownerId}:t1`]);
    });

    it('a multipart body without a file, or with a bad name/type → 400, the part is drained, nothing stored', async () => {
      const { documents, orders } = lookups(true);
      const service = new VersioningService(untouchable('versions'), untouchable('contents'), untouchable('sequences'), documents, orders);
      await assert.rejects(service.upload(actor, doc, { kind: 'file', nextFile: async () => undefined }), ValidationFailedError);
      for (const bad of [{ contentType: 'nonsense' }, { fileName: '' }, { fileName: 'x'.repeat(256) }, { fileName: 'tab\there.txt' }]) {
        const part = incoming('abc', bad);
        await assert.rejects(service.upload(actor, doc, { kind: 'file', nextFile: async () => part.file }), ValidationFailedError, JSON.stringify(bad));
        assert.equal(part.discarded(), true);
      }
    });
  });

  describe('helpers', () => {
    it('one sequence per tenant, owner type and owner', () => {
      assert.equal(sequenceScope(doc), `t1:documents:${doc.ownerId}`);
      assert.notEqual(sequenceScope(doc), sequenceScope({ ...doc, ownerType: 'orders' }));
    });

    it('Content-Disposition cannot be broken out of, and keeps the exact name encoded', () => {
      assert.equal(contentDisposition('report.pdf'), `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
      assert.equal(contentDisposition('a"b\\c%.txt'), `attachment; filename="a_b_c_.txt"; filename*=UTF-8''a%22b%5Cc%25.txt`);
      assert.equal(contentDisposition("Müller's (1).pdf"), `attachment; filename="M_ller's (1).pdf"; filename*=UTF-8''M%C3%BCller%27s%20%281%29.pdf`);
    });

    it('file part descriptions follow the JSON body rules', () => {
      assert.deepEqual(fileDescriptionErrors({ fileName: 'ok.txt', contentType: 'text/plain; charset=utf-8' }), []);
      assert.deepEqual(
        fileDescriptionErrors({ fileName: 'a/b', contentType: 'text' }).map((e) => e.field),
        ['fileName', 'contentType'],
      );
    });
  });

  describe('against the emulator', () => {
    let emu: MongoEmulator;
    let t: TestApp;
    let service: VersioningService;
    let sequences: SequencesService;

    beforeAll(async () => {
      emu = await MongoEmulator.start();
      const { documents, orders } = lookups(true);
      t = await startTestApp({
        uri: emu.uri,
        mongoose: { connectionFactory: withTenancy },
        listen: false,
        imports: [MongooseModule.forFeature([{ name: FILE_VERSION_MODEL, schema: FileVersionSchema }])],
        providers: [
          FileVersionRepository,
          FileContentRepository,
          VersioningService,
          { provide: DocumentLookupService, useValue: documents },
          { provide: OrderLookupService, useValue: orders },
        ],
      });
      await t.connection.model(FILE_VERSION_MODEL).syncIndexes();
      service = t.app.get(VersioningService);
      sequences = t.app.get(SequencesService);
    });
    afterAll(async () => {
      await t?.close();
      await emu?.stop();
    });

    const owner = (): OwnerRef => ({ tenantId: 't1', ownerType: 'documents', ownerId: new Types.ObjectId().toHexString() });
    const chunks = () => t.connection.db!.collection(`${FILE_CONTENT_BUCKET}.chunks`).countDocuments({});
    const files = () => t.connection.db!.collection(`${FILE_CONTENT_BUCKET}.files`).countDocuments({});

    it('20 concurrent appends → 1..20, one current (the newest), and the sequence stands at 20', async () => {
      const o = owner();
      const r = await race(20, () => service.upload(actor, o, { kind: 'metadata', metadata }));
      expectCounts(r, { ok: 20 });
      assertConsecutive(r.values().map((v) => v.version));
      const list = await service.list(actor, o, { pageSize: 100 });
      assert.deepEqual(list.items.filter((v) => v.isCurrent).map((v) => v.version), [20]);
      assert.equal(await sequences.current({ scope: sequenceScope(o), name: 'file-version' }), 20);
    });

    it('safety nets: the indexes refuse a reused number and a second current version, whatever the code does', async () => {
      const o = owner();
      const model = t.connection.model(FILE_VERSION_MODEL);
      const row = (version: number, isCurrent: boolean) => ({ ...o, ownerId: new Types.ObjectId(o.ownerId), version, isCurrent, ...metadata, createdBy: 'u1' });
      await model.create([row(1, false)]);
      await model.create([row(2, true)]);
      await assert.rejects(model.create([row(1, false)]), isDuplicateKeyError, 'number 1 twice');
      await assert.rejects(model.create([row(3, true)]), isDuplicateKeyError, 'two current versions');
      await model.create([row(3, false)]);
    });

    it('stores a file streaming: size and sha256 of exactly the bytes, readable back', async () => {
      const o = owner();
      const created = await service.upload(actor, o, { kind: 'file', nextFile: async () => incoming('hello').file });
      assert.equal(created.sizeBytes, 5);
      assert.equal(created.checksum, 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
      const body = (await service.download(actor, o, 1)).getStream();
      let text = '';
      for await (const chunk of body) text += String(chunk);
      assert.equal(text, 'hello');
    });

    it('a file cut at the upload limit → 413, and its stored bytes are deleted', async () => {
      const before = [await files(), await chunks()];
      const o = owner();
      const part = incoming('x'.repeat(1000), { truncated: true });
      await assert.rejects(service.upload(actor, o, { kind: 'file', nextFile: async () => part.file }), PayloadTooLargeError);
      assert.deepEqual([await files(), await chunks()], before);
      assert.equal((await service.list(actor, o, {})).total, 0);
    });

    it('an upload that breaks off → 400 malformed-body, no partial chunks, no version', async () => {
      const before = [await files(), await chunks()];
      const o = owner();
      const broken = new Readable({ read() {} });
      broken.push(Buffer.alloc(300 * 1024, 1)); // more than one GridFS chunk gets written
      setTimeout(() => broken.destroy(new Error('client went away')), 20);
      await assert.rejects(service.upload(actor, o, { kind: 'file', nextFile: async () => incoming(broken).file }), MalformedBodyError);
      assert.deepEqual([await files(), await chunks()], before);
      assert.equal((await service.list(actor, o, {})).total, 0);
    });
  });
});
