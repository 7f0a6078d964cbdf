import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { errorCode, rawRequest } from './raw-request.ts';

type SdkError = Error & {
  $metadata: { httpStatusCode?: number };
  $response?: { headers: Record<string, string> };
};

async function fails(p: Promise<unknown>, name: string, status: number): Promise<SdkError> {
  let caught: SdkError | undefined;
  await assert.rejects(p, (e: SdkError) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    caught = e;
    return true;
  });
  return caught!;
}

/** HEAD responses carry no body, so the SDK cannot name the error: check the status only. */
async function failsHead(p: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(p, (e: SdkError) => e.$metadata.httpStatusCode === status);
}

const md5hex = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');

describe('store: objects, versioning, multipart, encryption, listing', () => {
  let t: TestStore;
  let s3: S3Client;
  before(async () => {
    t = await startTestStore();
    s3 = t.s3;
    await s3.send(new CreateBucketCommand({ Bucket: 'objs' }));
  });
  after(() => t.close());

  async function body(Bucket: string, Key: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
    return r.Body!.transformToString();
  }

  test('Range → 206 with Content-Range; unsatisfiable → 416 InvalidRange', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'range', Body: '0123456789' }));
    const r = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'range', Range: 'bytes=2-4' }));
    assert.equal(r.$metadata.httpStatusCode, 206);
    assert.equal(r.ContentRange, 'bytes 2-4/10');
    assert.equal(await r.Body!.transformToString(), '234');
    assert.equal(await body('objs', 'range', { Range: 'bytes=-3' }), '789');
    assert.equal(await body('objs', 'range', { Range: 'bytes=7-' }), '789');
    await fails(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'range', Range: 'bytes=10-20' })),
      'InvalidRange',
      416,
    );
  });

  test('conditional GET/HEAD: If-Match 412, If-None-Match 304, If-Modified-Since 304, If-Unmodified-Since 412', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'cond', Body: 'c' }));
    const etag = put.ETag!;
    assert.equal(await body('objs', 'cond', { IfMatch: etag }), 'c');
    await fails(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'cond', IfMatch: '"nope"' })),
      'PreconditionFailed',
      412,
    );
    await failsHead(s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'cond', IfNoneMatch: etag })), 304);
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    await failsHead(
      s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'cond', IfModifiedSince: future })),
      304,
    );
    assert.equal(await body('objs', 'cond', { IfModifiedSince: past }), 'c');
    await fails(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'cond', IfUnmodifiedSince: past })),
      'PreconditionFailed',
      412,
    );
  });

  test('If-Match on PutObject and DeleteObject; If-Match on a missing key → 404', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'im', Body: 'v1' }));
    await fails(
      s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'im', Body: 'v2', IfMatch: '"0000"' })),
      'PreconditionFailed',
      412,
    );
    const put2 = await s3.send(
      new PutObjectCommand({ Bucket: 'objs', Key: 'im', Body: 'v2', IfMatch: put.ETag }),
    );
    await fails(
      s3.send(new DeleteObjectCommand({ Bucket: 'objs', Key: 'im', IfMatch: put.ETag })),
      'PreconditionFailed',
      412,
    );
    assert.equal(await body('objs', 'im'), 'v2');
    await s3.send(new DeleteObjectCommand({ Bucket: 'objs', Key: 'im', IfMatch: put2.ETag }));
    await fails(
      s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'im', Body: 'v3', IfMatch: put2.ETag })),
      'NoSuchKey',
      404,
    );
  });

  test('CopyObject: COPY keeps metadata, REPLACE sets it, self-copy without change → 400', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'objs',
        Key: 'src key',
        Body: 'copy me',
        Metadata: { a: '1' },
        ContentType: 'text/plain',
      }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: 'objs', Key: 'dst', CopySource: 'objs/src%20key' }));
    const h = await s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'dst' }));
    assert.deepEqual(h.Metadata, { a: '1' });
    assert.equal(h.ContentType, 'text/plain');
    assert.equal(await body('objs', 'dst'), 'copy me');
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'objs',
        Key: 'dst',
        CopySource: 'objs/src%20key',
        MetadataDirective: 'REPLACE',
        Metadata: { b: '2' },
      }),
    );
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'dst' }))).Metadata, {
      b: '2',
    });
    await fails(
      s3.send(new CopyObjectCommand({ Bucket: 'objs', Key: 'dst', CopySource: 'objs/dst' })),
      'InvalidRequest',
      400,
    );
    await fails(
      s3.send(new CopyObjectCommand({ Bucket: 'objs', Key: 'x', CopySource: 'objs/absent' })),
      'NoSuchKey',
      404,
    );
  });

  test('DeleteObjects deletes a batch and reports each key', async () => {
    for (const k of ['d/1', 'd/2', 'd/3'])
      await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: k, Body: k }));
    const res = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'objs',
        Delete: { Objects: [{ Key: 'd/1' }, { Key: 'd/2' }, { Key: 'd/absent' }] },
      }),
    );
    assert.deepEqual(res.Deleted?.map((d) => d.Key).sort(), ['d/1', 'd/2', 'd/absent']);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'objs', Prefix: 'd/' }));
    assert.deepEqual(
      left.Contents?.map((c) => c.Key),
      ['d/3'],
    );
  });

  test('object tagging: x-amz-tagging on PUT, tag count on GET, invalid tags → 400', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'objs', Key: 'tagged', Body: 't', Tagging: 'env=dev&team=a%20b' }),
    );
    const g = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'tagged' }));
    assert.equal(g.TagCount, 2);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: 'objs', Key: 'tagged' }));
    assert.deepEqual(tags.TagSet, [
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'a b' },
    ]);
    const many = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
    await fails(
      s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'tagged2', Body: 't', Tagging: many })),
      'BadRequest',
      400,
    );
  });

  test('canned ACL accepted and reflected by GetObjectAcl; invalid canned ACL → 400', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'acl', Body: 'a', ACL: 'public-read' }));
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'objs', Key: 'acl' }));
    assert.ok(acl.Grants?.some((g) => g.Permission === 'FULL_CONTROL'));
    assert.ok(acl.Grants?.some((g) => g.Grantee?.URI?.endsWith('/AllUsers') && g.Permission === 'READ'));
    const bad = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/objs/acl2',
      headers: { 'x-amz-acl': 'everyone' },
      body: 'x',
    });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad.body), 'InvalidArgument');
  });

  test('versioning: delete markers, GET of a delete marker version → 405, specific version delete, suspended → null', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vers' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'vers', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'two' }));
    assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'vers', Key: 'k' }));
    assert.equal(del.DeleteMarker, true);
    const gone = await fails(s3.send(new GetObjectCommand({ Bucket: 'vers', Key: 'k' })), 'NoSuchKey', 404);
    assert.equal(gone.$response?.headers['x-amz-delete-marker'], 'true');
    await fails(
      s3.send(new GetObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: del.VersionId })),
      'MethodNotAllowed',
      405,
    );
    await fails(
      s3.send(
        new GetObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
      ),
      'NoSuchVersion',
      404,
    );
    assert.equal(await body('vers', 'k', { VersionId: v1.VersionId }), 'one');
    // Removing the delete marker brings back the previous version.
    await s3.send(new DeleteObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: del.VersionId }));
    assert.equal(await body('vers', 'k'), 'two');
    await s3.send(new DeleteObjectCommand({ Bucket: 'vers', Key: 'k', VersionId: v2.VersionId }));
    assert.equal(await body('vers', 'k'), 'one');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'vers', VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const s1 = await s3.send(new PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'suspended-1' }));
    const s2 = await s3.send(new PutObjectCommand({ Bucket: 'vers', Key: 'k', Body: 'suspended-2' }));
    assert.equal(s1.VersionId, 'null');
    assert.equal(s2.VersionId, 'null');
    const list = await s3.send(new ListObjectVersionsCommand({ Bucket: 'vers', Prefix: 'k' }));
    assert.deepEqual(
      list.Versions?.map((v) => [v.VersionId, v.IsLatest]),
      [
        ['null', true],
        [v1.VersionId, false],
      ],
      'the null version was replaced, the enabled-era version kept',
    );
  });

  test('ListObjectVersions paginates with key and version-id markers across keys and delete markers', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vpage' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'vpage', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const expected: string[] = [];
    for (const k of ['a', 'b', 'c']) {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (await s3.send(new PutObjectCommand({ Bucket: 'vpage', Key: k, Body: `${k}${i}` }))).VersionId!,
        );
      ids.push((await s3.send(new DeleteObjectCommand({ Bucket: 'vpage', Key: k }))).VersionId!);
      expected.push(...ids.reverse().map((id) => `${k}:${id}`));
    }
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await s3.send(
        new ListObjectVersionsCommand({ Bucket: 'vpage', MaxKeys: 5, KeyMarker, VersionIdMarker }),
      );
      // The SDK splits versions and delete markers; merge them back in listing order (newest first per key).
      const items = [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])].sort((x, y) =>
        x.Key! < y.Key! ? -1 : x.Key! > y.Key! ? 1 : y.LastModified!.getTime() - x.LastModified!.getTime(),
      );
      assert.ok(items.length <= 5);
      seen.push(...items.map((v) => `${v.Key}:${v.VersionId}`));
      if (!r.IsTruncated) break;
      KeyMarker = r.NextKeyMarker;
      VersionIdMarker = r.NextVersionIdMarker;
    }
    assert.deepEqual(new Set(seen), new Set(expected));
    assert.equal(seen.length, expected.length, 'each version listed exactly once');
    const current = await s3.send(new ListObjectsV2Command({ Bucket: 'vpage' }));
    assert.equal(current.KeyCount, 0, 'keys whose latest version is a delete marker are not listed');
  });

  test('ListObjects v1, encoding-type=url, fetch-owner, start-after, max-keys pages', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'lists' }));
    const keys = ['a b/1', 'a b/2', 'c+d', 'e/f/g', 'z'];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: 'lists', Key: k, Body: k }));
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'lists', Delimiter: '/' }));
    assert.deepEqual(
      v1.Contents?.map((c) => c.Key),
      ['c+d', 'z'],
    );
    assert.deepEqual(
      v1.CommonPrefixes?.map((c) => c.Prefix),
      ['a b/', 'e/'],
    );
    assert.ok(v1.Contents?.[0]?.Owner?.ID, 'v1 lists owners');
    const enc = await rawRequest(t.endpoint, {
      method: 'GET',
      path: '/lists',
      query: { 'list-type': '2', 'encoding-type': 'url' },
    });
    assert.match(enc.body, /<Key>a%20b\/1<\/Key>/);
    assert.match(enc.body, /<Key>c%2Bd<\/Key>/);
    const noOwner = await s3.send(new ListObjectsV2Command({ Bucket: 'lists' }));
    assert.equal(noOwner.Contents?.[0]?.Owner, undefined);
    const owner = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', FetchOwner: true }));
    assert.ok(owner.Contents?.[0]?.Owner?.ID);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', StartAfter: 'c+d' }));
    assert.deepEqual(
      after.Contents?.map((c) => c.Key),
      ['e/f/g', 'z'],
    );
    const pages: string[][] = [];
    let ContinuationToken: string | undefined;
    do {
      const r = await s3.send(
        new ListObjectsV2Command({ Bucket: 'lists', MaxKeys: 2, Delimiter: '/', ContinuationToken }),
      );
      pages.push([
        ...(r.Contents ?? []).map((c) => c.Key!),
        ...(r.CommonPrefixes ?? []).map((c) => c.Prefix!),
      ]);
      ContinuationToken = r.NextContinuationToken;
    } while (ContinuationToken);
    assert.deepEqual(pages.flat().sort(), ['a b/', 'c+d', 'e/', 'z']);
  });

  test('listing and batch-delete arguments are validated', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'list-type': '2', 'continuation-token': 'bm90LWEtdG9rZW4' }, 'InvalidArgument'],
      [{ 'list-type': '2', 'max-keys': 'many' }, 'InvalidArgument'],
      [{ 'list-type': '2', 'encoding-type': 'base64' }, 'InvalidArgument'],
      [{ versions: '', 'version-id-marker': 'abc' }, 'InvalidArgument'],
    ];
    for (const [query, code] of cases) {
      const r = await rawRequest(t.endpoint, { method: 'GET', path: '/objs', query });
      assert.equal(r.status, 400, JSON.stringify(query));
      assert.equal(errorCode(r.body), code, JSON.stringify(query));
    }
    const noDigest = await rawRequest(t.endpoint, {
      method: 'POST',
      path: '/objs',
      query: { delete: '' },
      body: '<Delete><Object><Key>range</Key></Object></Delete>',
    });
    assert.equal(noDigest.status, 400);
    assert.equal(errorCode(noDigest.body), 'InvalidRequest');
    assert.equal(await body('objs', 'range'), '0123456789', 'nothing deleted');
    const badDirective = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/objs/copy-bad',
      headers: { 'x-amz-copy-source': '/objs/range', 'x-amz-metadata-directive': 'MERGE' },
    });
    assert.equal(errorCode(badDirective.body), 'InvalidArgument');
    const port = new URL(t.endpoint).port;
    const vhostMissing = await rawRequest(t.endpoint, {
      method: 'GET',
      path: '/k',
      headers: { host: `no-such-bucket.localhost:${port}` },
    });
    assert.equal(vhostMissing.status, 404);
    assert.equal(errorCode(vhostMissing.body), 'NoSuchBucket');
  });

  test('multipart: parts, list parts/uploads, complete with CRC32 checksums, ETag md5-of-md5s-N; too-small part → 400', async () => {
    const p1 = randomBytes(5 * 1024 * 1024);
    const p2 = randomBytes(1234);
    const mpu = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'objs',
        Key: 'mp',
        ChecksumAlgorithm: 'CRC32',
        Metadata: { m: 'p' },
      }),
    );
    const u1 = await s3.send(
      new UploadPartCommand({
        Bucket: 'objs',
        Key: 'mp',
        UploadId: mpu.UploadId,
        PartNumber: 1,
        Body: p1,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    const u2 = await s3.send(
      new UploadPartCommand({
        Bucket: 'objs',
        Key: 'mp',
        UploadId: mpu.UploadId,
        PartNumber: 2,
        Body: p2,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'objs', Key: 'mp', UploadId: mpu.UploadId }));
    assert.deepEqual(
      parts.Parts?.map((p) => [p.PartNumber, p.Size]),
      [
        [1, p1.length],
        [2, p2.length],
      ],
    );
    const ups = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'objs' }));
    assert.ok(ups.Uploads?.some((u) => u.UploadId === mpu.UploadId));
    await fails(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'objs',
          Key: 'mp',
          UploadId: mpu.UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 2, ETag: u2.ETag },
              { PartNumber: 1, ETag: u1.ETag },
            ],
          },
        }),
      ),
      'InvalidPartOrder',
      400,
    );
    await fails(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'objs',
          Key: 'mp',
          UploadId: mpu.UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] },
        }),
      ),
      'InvalidPart',
      400,
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'objs',
        Key: 'mp',
        UploadId: mpu.UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: u1.ETag, ChecksumCRC32: u1.ChecksumCRC32 },
            { PartNumber: 2, ETag: u2.ETag, ChecksumCRC32: u2.ChecksumCRC32 },
          ],
        },
      }),
    );
    const want = md5hex(Buffer.concat([Buffer.from(md5hex(p1), 'hex'), Buffer.from(md5hex(p2), 'hex')]));
    assert.equal(done.ETag, `"${want}-2"`);
    assert.match(done.ChecksumCRC32 ?? '', /-2$/);
    const g = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'mp' }));
    assert.ok(Buffer.from(await g.Body!.transformToByteArray()).equals(Buffer.concat([p1, p2])));
    assert.deepEqual(g.Metadata, { m: 'p' });
    const part2 = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'mp', PartNumber: 2 }));
    assert.equal(part2.PartsCount, 2);
    assert.equal(
      part2.ContentRange,
      `bytes ${p1.length}-${p1.length + p2.length - 1}/${p1.length + p2.length}`,
    );
    assert.ok(Buffer.from(await part2.Body!.transformToByteArray()).equals(p2));
    await fails(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'mp', PartNumber: 3 })),
      'InvalidPartNumber',
      416,
    );
    await fails(
      s3.send(new ListPartsCommand({ Bucket: 'objs', Key: 'mp', UploadId: mpu.UploadId })),
      'NoSuchUpload',
      404,
    );

    const small = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'objs', Key: 'mp-small' }));
    const s1 = await s3.send(
      new UploadPartCommand({
        Bucket: 'objs',
        Key: 'mp-small',
        UploadId: small.UploadId,
        PartNumber: 1,
        Body: 'tiny',
      }),
    );
    const s2 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: 'objs',
        Key: 'mp-small',
        UploadId: small.UploadId,
        PartNumber: 2,
        CopySource: 'objs/range',
        CopySourceRange: 'bytes=0-3',
      }),
    );
    await fails(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'objs',
          Key: 'mp-small',
          UploadId: small.UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: s1.ETag },
              { PartNumber: 2, ETag: s2.CopyPartResult?.ETag },
            ],
          },
        }),
      ),
      'EntityTooSmall',
      400,
    );
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: 'objs', Key: 'mp-small', UploadId: small.UploadId }),
    );
    await fails(
      s3.send(new AbortMultipartUploadCommand({ Bucket: 'objs', Key: 'mp-small', UploadId: small.UploadId })),
      'NoSuchUpload',
      404,
    );
  });

  test('CompleteMultipartUpload honours If-None-Match: *', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'mp-exists', Body: 'already' }));
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'objs', Key: 'mp-exists' }));
    const u = await s3.send(
      new UploadPartCommand({
        Bucket: 'objs',
        Key: 'mp-exists',
        UploadId: mpu.UploadId,
        PartNumber: 1,
        Body: 'new',
      }),
    );
    await fails(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'objs',
          Key: 'mp-exists',
          UploadId: mpu.UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: u.ETag }] },
        }),
      ),
      'PreconditionFailed',
      412,
    );
    assert.equal(await body('objs', 'mp-exists'), 'already');
  });

  test('SSE-C: bad algorithm, short key, wrong MD5 → 400 InvalidArgument; key never stored on disk', async () => {
    const key = randomBytes(32);
    const good = {
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: key.toString('base64'),
      SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
    };
    const put = (h: Record<string, string>): Promise<unknown> =>
      rawRequest(t.endpoint, {
        method: 'PUT',
        path: '/objs/ssec-raw',
        body: 'x',
        headers: {
          'x-amz-server-side-encryption-customer-algorithm': h.SSECustomerAlgorithm!,
          'x-amz-server-side-encryption-customer-key': h.SSECustomerKey!,
          'x-amz-server-side-encryption-customer-key-md5': h.SSECustomerKeyMD5!,
        },
      });
    const short = randomBytes(16);
    for (const h of [
      { ...good, SSECustomerAlgorithm: 'AES128' },
      {
        ...good,
        SSECustomerKey: short.toString('base64'),
        SSECustomerKeyMD5: createHash('md5').update(short).digest('base64'),
      },
      { ...good, SSECustomerKeyMD5: createHash('md5').update('other').digest('base64') },
    ]) {
      const r = (await put(h)) as { status: number; body: string };
      assert.equal(r.status, 400);
      assert.equal(errorCode(r.body), 'InvalidArgument');
    }
    await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'ssec', Body: 'sealed', ...good }));
    await failsHead(s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'ssec' })), 400);
    await fails(s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'ssec' })), 'InvalidRequest', 400);
    const other = randomBytes(32);
    await fails(
      s3.send(
        new GetObjectCommand({
          Bucket: 'objs',
          Key: 'ssec',
          SSECustomerAlgorithm: 'AES256',
          SSECustomerKey: other.toString('base64'),
          SSECustomerKeyMD5: createHash('md5').update(other).digest('base64'),
        }),
      ),
      'AccessDenied',
      403,
    );
    const g = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'ssec', ...good }));
    assert.equal(g.SSECustomerKeyMD5, good.SSECustomerKeyMD5);
    assert.equal(await g.Body!.transformToString(), 'sealed');
    const keysDir = join(t.dataDir, 'buckets', 'objs', 'keys');
    for (const f of await readdir(keysDir)) {
      const text = await readFile(join(keysDir, f), 'utf8');
      assert.ok(!text.includes(good.SSECustomerKey), 'the SSE-C key is not stored');
    }
  });

  test('SSE-S3 default, SSE-KMS echo, bucket default encryption applied to new objects', async () => {
    const plain = await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'sse-default', Body: 'x' }));
    assert.equal(plain.ServerSideEncryption, 'AES256');
    const kms = await s3.send(
      new PutObjectCommand({
        Bucket: 'objs',
        Key: 'sse-kms',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'alias/state',
      }),
    );
    assert.equal(kms.ServerSideEncryption, 'aws:kms');
    assert.equal(kms.SSEKMSKeyId, 'alias/state');
    await s3.send(new CreateBucketCommand({ Bucket: 'enc-default' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'enc-default',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: 'arn:aws:kms:us-east-1:111122223333:key/k1',
              },
            },
          ],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'enc-default', Key: 'o', Body: 'x' }));
    const h = await s3.send(new HeadObjectCommand({ Bucket: 'enc-default', Key: 'o' }));
    assert.equal(h.ServerSideEncryption, 'aws:kms');
    assert.equal(h.SSEKMSKeyId, 'arn:aws:kms:us-east-1:111122223333:key/k1');
    const bad = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/objs/bad-sse',
      headers: { 'x-amz-server-side-encryption': 'DES' },
      body: 'x',
    });
    assert.equal(errorCode(bad.body), 'InvalidArgument');
  });

  test('checksums: CRC32C/SHA256/CRC64NVME stored and returned with checksum mode; not without it', async () => {
    for (const alg of ['CRC32C', 'SHA256', 'CRC64NVME'] as const) {
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: 'objs',
          Key: `sum-${alg}`,
          Body: '123456789',
          ChecksumAlgorithm: alg,
        }),
      );
      const field = `Checksum${alg}` as const;
      const expected = {
        CRC32C: Buffer.from('e3069283', 'hex').toString('base64'),
        SHA256: createHash('sha256').update('123456789').digest('base64'),
        CRC64NVME: Buffer.from('ae8b14860a799888', 'hex').toString('base64'),
      }[alg];
      assert.equal(put[field], expected, alg);
      const h = await s3.send(
        new HeadObjectCommand({ Bucket: 'objs', Key: `sum-${alg}`, ChecksumMode: 'ENABLED' }),
      );
      assert.equal(h[field], expected);
      const plain = await s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: `sum-${alg}` }));
      assert.equal(plain[field], undefined);
    }
  });

  test('virtual-hosted-style addressing (bucket.localhost)', async () => {
    const port = new URL(t.endpoint).port;
    const r = await rawRequest(t.endpoint, {
      method: 'GET',
      path: '/range',
      headers: { host: `objs.localhost:${port}` },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, '0123456789');
  });
});
