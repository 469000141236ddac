/**
 * The asset-versioning note's test list at HTTP level: concurrent uploads get exactly 1..n
 * (no duplicate, no gap), exactly one current version, independent owners, and neither an
 * invalid upload nor a failure inside the transaction burns a number or leaves a record.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getConnectionToken } from '@nestjs/mongoose';
import { expectCounts, race } from '@app/concurrency/testing';
import type { Connection } from 'mongoose';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { expectHistory, newOwner, newVersion, Owner, postFile, postVersion, versionBody, versionsPath, VersionView } from '../support/factories/versioning';

describe('Versioning races (e2e)', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let clerk: TestUser;
  let connection: Connection;
  /** The embedded emulator has fail points; a real server only with enableTestCommands. */
  let failPoints = true;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
    connection = ctx.app.get<Connection>(getConnectionToken());
    failPoints = await connection
      .db!.admin()
      .command({ configureFailPoint: 'failCommand', mode: 'off' })
      .then(() => true, () => false);
  });
  afterAll(() => ctx?.close());

  const numbers = (values: Array<{ body: VersionView } | undefined>) => values.map((r) => r!.body.version).sort((a, b) => a - b);
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  /**
   * Makes the next insert into file_versions fail inside the server (the emulator's failCommand
   * fail point, as mongod's test commands provide it). Error 8 (UnknownError) carries no
   * TransientTransactionError label, so the transaction aborts instead of being retried.
   */
  async function failNextVersionInsert(): Promise<void> {
    // The emulator always has it; a real mongod needs --setParameter enableTestCommands=1.
    if (!failPoints) throw new Error('the server has no failCommand fail point (start mongod with enableTestCommands)');
    const db = connection.db!;
    await db.admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['insert'], errorCode: 8, errmsg: 'injected by the versioning race suite', namespace: `${db.databaseName}.file_versions` },
    });
  }

  for (const n of [3, 10]) {
    it(`${n} concurrent uploads → versions exactly 1..${n}; a sequential upload afterwards gets ${n + 1}`, async () => {
      const owner = await newOwner(acme);
      const res = await race(n, () => postVersion(clerk, owner));
      expectCounts(res, { 201: n });
      assert.deepEqual(numbers(res.values()), oneTo(n), 'the responses carry 1..n');
      await expectHistory(clerk, owner, n);
      const next = await newVersion(clerk, owner);
      assert.equal(next.version, n + 1);
      assert.equal(next.versionLabel, `v${n + 1}`);
      assert.equal(next.isCurrent, true);
      await expectHistory(clerk, owner, n + 1);
    });
  }

  it('different owners keep independent sequences, also when uploaded to concurrently (documents and orders)', async () => {
    const owners: Owner[] = [await newOwner(acme, 'documents'), await newOwner(acme, 'documents'), await newOwner(acme, 'orders')];
    const perOwner = 4;
    const res = await race(owners.length * perOwner, (i) => postVersion(clerk, owners[i % owners.length]));
    expectCounts(res, { 201: owners.length * perOwner });
    for (const owner of owners) {
      const mine = res.values().filter((r) => r.body.ownerId === owner.id);
      assert.deepEqual(numbers(mine), oneTo(perOwner), `${owner.ownerType} ${owner.id}`);
      await expectHistory(clerk, owner, perOwner);
    }
  });

  it('labels match numbers: every response and every listed version is v<version>, all distinct', async () => {
    const owner = await newOwner(acme);
    const res = await race(8, () => postVersion(clerk, owner));
    expectCounts(res, { 201: 8 });
    const labels = res.values().map((r) => r.body.versionLabel);
    for (const r of res.values()) assert.equal(r.body.versionLabel, `v${r.body.version}`);
    assert.equal(new Set(labels).size, 8, 'labels are distinct');
    await expectHistory(clerk, owner, 8);
  });

  it('invalid uploads racing valid ones → 400, no record and no gap', async () => {
    const owner = await newOwner(acme);
    await newVersion(clerk, owner);
    const invalid = [
      { ...versionBody(), sizeBytes: -1 },
      { ...versionBody(), sizeBytes: '5' },
      { ...versionBody(), checksum: 'md5:abc' },
      { ...versionBody(), fileName: '' },
      { ...versionBody(), contentType: 'not a mime type' },
      { ...versionBody(), extra: true },
    ];
    const res = await race(12, (i) => (i % 2 ? postVersion(clerk, owner, invalid[(i - 1) / 2]) : postVersion(clerk, owner)));
    expectCounts(res, { 201: 6, 400: 6 });
    for (const o of res.with(400)) assert.equal(o.value?.body.code, 'validation-failed');
    await expectHistory(clerk, owner, 7);
    assert.equal((await newVersion(clerk, owner)).version, 8, 'no number was burnt by the rejected uploads');
  });

  it('a failure injected inside the upload transaction leaves no partial record and no gap (the previous version stays current)', async () => {
    const owner = await newOwner(acme);
    await newVersion(clerk, owner);
    await newVersion(clerk, owner);
    await failNextVersionInsert();
    const failed = await postVersion(clerk, owner);
    assert.equal(failed.status, 500, failed.text);
    // The flip of v2 to not-current and the counter increment were rolled back with the insert.
    await expectHistory(clerk, owner, 2);
    assert.equal((await newVersion(clerk, owner)).version, 3, 'the failed upload did not burn a number');
    await expectHistory(clerk, owner, 3);
  });

  it('a failure injected while concurrent uploads run: only the failed one is missing, numbers stay 1..n', async () => {
    const owner = await newOwner(acme);
    await failNextVersionInsert();
    const res = await race(6, () => postVersion(clerk, owner));
    expectCounts(res, { 201: 5, 500: 1 });
    assert.deepEqual(numbers(res.values().filter((r) => r.status === 201)), oneTo(5));
    await expectHistory(clerk, owner, 5);
  });

  it('a failed multipart upload also removes the file it had already stored (no orphan in GridFS)', async () => {
    const owner = await newOwner(acme);
    await failNextVersionInsert();
    const failed = await postFile(clerk, owner, { fileName: 'orphan.txt', contentType: 'text/plain', content: 'should not survive' });
    assert.equal(failed.status, 500, failed.text);
    await expectHistory(clerk, owner, 0);
    const files = await connection.db!.collection('file_contents.files').countDocuments({ 'metadata.ownerId': owner.id });
    const chunks = await connection.db!.collection('file_contents.chunks').countDocuments({});
    assert.equal(files, 0, 'orphan file left behind');
    const kept = await postFile(clerk, owner, { fileName: 'kept.txt', contentType: 'text/plain', content: 'kept' });
    assert.equal(kept.status, 201, kept.text);
    assert.equal(kept.body.version, 1);
    assert.equal(await connection.db!.collection('file_contents.chunks').countDocuments({}), chunks + 1);
  });

  it('50 concurrent uploads to one owner → numbers 1..50 and exactly one current version, the newest', async () => {
    const owner = await newOwner(acme, 'orders');
    const res = await race(50, () => postVersion(clerk, owner));
    expectCounts(res, { 201: 50 });
    assert.deepEqual(numbers(res.values()), oneTo(50));
    await expectHistory(clerk, owner, 50);
  });

  it('concurrent restores and uploads share one sequence: 1..n, one current, restores copy their source', async () => {
    const owner = await newOwner(acme);
    const first = await newVersion(clerk, owner, { fileName: 'original.pdf' });
    await newVersion(clerk, owner);
    const res = await race(10, (i) => (i % 2 ? clerk.http.post(`${versionsPath(owner)}/1/restore`) : postVersion(clerk, owner)));
    expectCounts(res, { 201: 10 });
    const items = await expectHistory(clerk, owner, 12);
    const restored = items.filter((v) => v.restoredFrom === 1);
    assert.equal(restored.length, 5);
    for (const v of restored) {
      assert.equal(v.fileName, first.fileName);
      assert.equal(v.checksum, first.checksum);
    }
  });

  it('metrics attribute uploads, aborted transactions and retries to versioning', async () => {
    const owner = await newOwner(acme);
    await failNextVersionInsert();
    const res = await race(5, () => postVersion(clerk, owner));
    expectCounts(res, { 201: 4, 500: 1 });
    const metrics = await ctx.http.get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /versioning_uploads_total\{owner_type="documents",source="metadata"\} \d+/);
    assert.match(metrics.text, /transactions_committed_total\{name="versioning\.upload"\} \d+/);
    assert.match(metrics.text, /transactions_aborted_total\{name="versioning\.upload"\} [1-9]/);
    // Five uploads to one owner conflict on its counter: the toolkit re-ran some of them.
    assert.match(metrics.text, /transactions_retried_total\{name="versioning\.upload"\} [1-9]/);
  });
});
