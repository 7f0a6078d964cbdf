import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import { startTestStore, type TestStore } from '../harness/store.ts';

async function rejects(p: Promise<unknown>, name: string, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name);
    assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}

describe('store basics with the AWS SDK v3 (default settings)', () => {
  let t: TestStore;
  let s3: S3Client;
  before(async () => {
    t = await startTestStore();
    s3 = t.s3;
    await s3.send(new CreateBucketCommand({ Bucket: 'basics' }));
  });
  after(() => t.close());

  test('buckets: create, head, list, duplicate, missing, invalid name, delete only when empty', async () => {
    await s3.send(new HeadBucketCommand({ Bucket: 'basics' }));
    const list = await s3.send(new ListBucketsCommand({}));
    assert.ok(list.Buckets?.some((b) => b.Name === 'basics'));
    await rejects(s3.send(new CreateBucketCommand({ Bucket: 'basics' })), 'BucketAlreadyOwnedByYou', 409);
    await rejects(s3.send(new HeadBucketCommand({ Bucket: 'nope-bucket' })), 'NotFound', 404);
    await rejects(s3.send(new ListObjectsV2Command({ Bucket: 'nope-bucket' })), 'NoSuchBucket', 404);
    for (const bad of ['ab', 'Upper-Case', 'a..b', '192.168.1.1', '-lead', 'x'.repeat(64)]) {
      await rejects(s3.send(new CreateBucketCommand({ Bucket: bad })), 'InvalidBucketName', 400);
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'to-delete' }));
    await s3.send(new PutObjectCommand({ Bucket: 'to-delete', Key: 'k', Body: 'v' }));
    await rejects(s3.send(new DeleteBucketCommand({ Bucket: 'to-delete' })), 'BucketNotEmpty', 409);
    await s3.send(new DeleteObjectCommand({ Bucket: 'to-delete', Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'to-delete' }));
    await rejects(s3.send(new HeadBucketCommand({ Bucket: 'to-delete' })), 'NotFound', 404);
  });

  test('objects: put/get/head/delete with metadata, content type and MD5 ETag', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'basics',
        Key: 'dir/state file.tfstate',
        Body: '{"version":4}',
        ContentType: 'application/json',
        Metadata: { owner: 'me' },
      }),
    );
    assert.equal(put.ETag, `"${await md5('{"version":4}')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'basics', Key: 'dir/state file.tfstate' }));
    assert.equal(await got.Body!.transformToString(), '{"version":4}');
    assert.equal(got.ContentType, 'application/json');
    assert.deepEqual(got.Metadata, { owner: 'me' });
    assert.equal(got.ETag, put.ETag);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'basics', Key: 'dir/state file.tfstate' }));
    assert.equal(head.ContentLength, 13);
    await s3.send(new DeleteObjectCommand({ Bucket: 'basics', Key: 'dir/state file.tfstate' }));
    await rejects(
      s3.send(new GetObjectCommand({ Bucket: 'basics', Key: 'dir/state file.tfstate' })),
      'NoSuchKey',
      404,
    );
    await rejects(
      s3.send(new HeadObjectCommand({ Bucket: 'basics', Key: 'dir/state file.tfstate' })),
      'NotFound',
      404,
    );
  });

  test('streaming body is sent aws-chunked with a trailing checksum and stored decoded', async () => {
    const parts = [Buffer.alloc(70_000, 'a'), Buffer.alloc(12_345, 'b')];
    await s3.send(
      new PutObjectCommand({
        Bucket: 'basics',
        Key: 'streamed',
        Body: Readable.from(parts),
        ContentLength: 82_345,
      }),
    );
    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'basics', Key: 'streamed', ChecksumMode: 'ENABLED' }),
    );
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    assert.ok(bytes.equals(Buffer.concat(parts)));
    assert.ok(got.ChecksumCRC32, 'the trailing CRC32 is stored and returned with checksum mode');
  });

  test('If-None-Match: * creates once, then 412', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'basics', Key: 'lock', Body: 'one', IfNoneMatch: '*' }));
    await rejects(
      s3.send(new PutObjectCommand({ Bucket: 'basics', Key: 'lock', Body: 'two', IfNoneMatch: '*' })),
      'PreconditionFailed',
      412,
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'basics', Key: 'lock' }));
    assert.equal(await got.Body!.transformToString(), 'one');
  });

  test('ListObjectsV2 with prefix and delimiter', async () => {
    for (const k of ['env/a.tfstate', 'env/b.tfstate', 'env/sub/c.tfstate', 'other']) {
      await s3.send(new PutObjectCommand({ Bucket: 'basics', Key: k, Body: k }));
    }
    const res = await s3.send(new ListObjectsV2Command({ Bucket: 'basics', Prefix: 'env/', Delimiter: '/' }));
    assert.deepEqual(
      res.Contents?.map((c) => c.Key),
      ['env/a.tfstate', 'env/b.tfstate'],
    );
    assert.deepEqual(
      res.CommonPrefixes?.map((c) => c.Prefix),
      ['env/sub/'],
    );
  });
});

describe('store options', () => {
  test('onRequest reports each operation with bucket, key and status (for counting API calls)', async () => {
    const seen: string[] = [];
    const t = await startTestStore({
      onRequest: (i) => seen.push(`${i.operation} ${i.bucket ?? '-'} ${i.key ?? '-'} ${i.status}`),
    });
    try {
      await t.s3.send(new CreateBucketCommand({ Bucket: 'counted' }));
      await t.s3.send(new PutObjectCommand({ Bucket: 'counted', Key: 'k', Body: 'v' }));
      await rejects(t.s3.send(new GetObjectCommand({ Bucket: 'counted', Key: 'missing' })), 'NoSuchKey', 404);
      assert.deepEqual(seen, [
        'CreateBucket counted - 200',
        'PutObject counted k 200',
        'GetObject counted missing 404',
      ]);
    } finally {
      await t.close();
    }
  });

  test('GetObject response-* query parameters override the returned headers', async () => {
    const t = await startTestStore();
    try {
      await t.s3.send(new CreateBucketCommand({ Bucket: 'overrides' }));
      await t.s3.send(
        new PutObjectCommand({ Bucket: 'overrides', Key: 'k', Body: 'v', ContentType: 'text/plain' }),
      );
      const g = await t.s3.send(
        new GetObjectCommand({
          Bucket: 'overrides',
          Key: 'k',
          ResponseContentType: 'application/json',
          ResponseContentDisposition: 'attachment; filename="s.json"',
        }),
      );
      assert.equal(g.ContentType, 'application/json');
      assert.equal(g.ContentDisposition, 'attachment; filename="s.json"');
      // A value that cannot be an HTTP header is refused, and the store keeps serving.
      await rejects(
        t.s3.send(
          new GetObjectCommand({
            Bucket: 'overrides',
            Key: 'k',
            ResponseContentDisposition: 'filename="日本"',
          }),
        ),
        'InvalidArgument',
        400,
      );
      const again = await t.s3.send(new GetObjectCommand({ Bucket: 'overrides', Key: 'k' }));
      assert.equal(await again.Body!.transformToString(), 'v');
    } finally {
      await t.close();
    }
  });
});

async function md5(s: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('md5').update(s).digest('hex');
}
