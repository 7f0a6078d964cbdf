import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../harness/ports.ts';
import { isS3StateError } from '../../src/errors.ts';
import { startS3Store } from '../../src/store/s3-store.ts';
import { startTestStore } from '../harness/store.ts';
import { tempDir } from '../harness/tmp.ts';
import { signHeaders } from './raw-request.ts';
import { spawnStore, type StoreProcess } from './store-process.ts';

function client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

async function text(s3: S3Client, Bucket: string, Key: string, VersionId?: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket, Key, ...(VersionId ? { VersionId } : {}) }));
  return r.Body!.transformToString();
}

/**
 * Starts a signed PUT of `total` bytes but sends only `sent` of them, then calls `cut()` (which
 * kills the store or the connection). Resolves once the request has failed.
 */
async function partialPut(
  endpoint: string,
  path: string,
  total: number,
  sent: number,
  cut: () => Promise<void> | void,
): Promise<void> {
  const headers = await signHeaders(endpoint, { method: 'PUT', path, payloadHash: 'UNSIGNED-PAYLOAD' });
  const url = new URL(endpoint);
  await new Promise<void>((resolve) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'PUT',
      path,
      headers: { ...headers, 'content-length': String(total) },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(Buffer.alloc(sent, 'n'), () => {
      void Promise.resolve(cut()).then(() => {
        req.destroy();
      });
    });
  });
}

describe('store durability', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let proc: StoreProcess | undefined;
  before(async () => {
    tmp = await tempDir('s3state-durability-');
  });
  after(async () => {
    if (proc && proc.child.exitCode === null) await proc.kill9();
    await tmp.cleanup();
  });

  test('acknowledged writes survive kill -9 of the store process; settings and versions too', async () => {
    const dir = join(tmp.path, 'kill9');
    proc = await spawnStore(dir);
    console.log(`store start-up (child process, via tsx): ${proc.startupMs.toFixed(0)} ms`);
    let s3 = client(proc.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'durable', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const written = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const body = `state-${i}-` + 'x'.repeat(i * 1000);
      await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: `k/${i}`, Body: body }));
      written.set(`k/${i}`, body);
    }
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'versioned', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'versioned', Body: 'two' }));
    s3.destroy();
    await proc.kill9();

    proc = await spawnStore(dir);
    s3 = client(proc.endpoint);
    for (const [k, body] of written) assert.equal(await text(s3, 'durable', k), body, k);
    assert.equal(await text(s3, 'durable', 'versioned'), 'two');
    assert.equal(await text(s3, 'durable', 'versioned', v1.VersionId), 'one');
    const ver = await s3.send(new GetBucketVersioningCommand({ Bucket: 'durable' }));
    assert.equal(ver.Status, 'Enabled');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'durable', Prefix: 'versioned' }));
    assert.equal(versions.Versions?.length, 2);
    s3.destroy();
    await proc.kill9();
  });

  test('kill -9 in the middle of an overwrite leaves the previous object whole, and no temp files', async () => {
    const dir = join(tmp.path, 'midwrite');
    proc = await spawnStore(dir);
    const s3 = client(proc.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'mid' }));
    const old = Buffer.alloc(3 * 1024 * 1024, 'o');
    await s3.send(new PutObjectCommand({ Bucket: 'mid', Key: 'state', Body: old }));
    s3.destroy();
    const p = proc;
    // 8 MiB announced, 4 MiB sent, then the store is killed while it waits for the rest.
    await partialPut(p.endpoint, '/mid/state', 8 * 1024 * 1024, 4 * 1024 * 1024, async () => {
      // Kill only once the store has started writing the new body to disk.
      await waitFor(
        async () => {
          for (const f of await readdir(join(dir, 'tmp')))
            if ((await stat(join(dir, 'tmp', f))).size > 0) return true;
          return false;
        },
        10_000,
        'the store to start writing the body',
      );
      await p.kill9();
    });

    proc = await spawnStore(dir);
    const s3b = client(proc.endpoint);
    const got = Buffer.from(
      await (
        await s3b.send(new GetObjectCommand({ Bucket: 'mid', Key: 'state' }))
      ).Body!.transformToByteArray(),
    );
    assert.equal(createHash('md5').update(got).digest('hex'), createHash('md5').update(old).digest('hex'));
    assert.deepEqual(await readdir(join(dir, 'tmp')), [], 'interrupted writes are cleaned up at start');
    s3b.destroy();
    await proc.kill9();
  });

  test('a second store on the same data folder is refused while the first runs', async () => {
    const dir = join(tmp.path, 'locked');
    proc = await spawnStore(dir);
    await assert.rejects(startS3Store({ dataDir: dir }), (e: unknown) => {
      assert.ok(isS3StateError(e, 'STORE'));
      assert.match(e.message, new RegExp(`in use by process ${proc!.child.pid}`));
      return true;
    });
    await assert.rejects(spawnStore(dir), /in use by process/);
    await proc.kill9();
    // The lock of a killed store is stale: a new store takes over.
    const s = await startS3Store({ dataDir: dir });
    await assert.rejects(startS3Store({ dataDir: dir }), /in use by another store in this process/);
    await s.close();
  });

  test('data and multipart uploads in progress persist across a clean restart (SIGTERM)', async () => {
    const dir = join(tmp.path, 'restart');
    proc = await spawnStore(dir);
    let s3 = client(proc.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'restart' }));
    await s3.send(new PutObjectCommand({ Bucket: 'restart', Key: 'a', Body: 'persisted' }));
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'restart', Key: 'big' }));
    s3.destroy();
    assert.equal(await proc.stop(), 0);
    proc = await spawnStore(dir);
    s3 = client(proc.endpoint);
    assert.equal(await text(s3, 'restart', 'a'), 'persisted');
    const ups = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'restart' }));
    assert.deepEqual(
      ups.Uploads?.map((u) => u.UploadId),
      [mpu.UploadId],
    );
    s3.destroy();
    await proc.stop();
  });
});

describe('store: client disconnect', () => {
  test('a body shorter than its Content-Length (client gone) stores nothing', async () => {
    let seen!: () => void;
    const failed = new Promise<void>((r) => (seen = r));
    const t = await startTestStore({
      onRequest: (i) => {
        if (i.operation === 'PutObject' && i.key === 'cut') seen();
      },
    });
    try {
      await t.s3.send(new CreateBucketCommand({ Bucket: 'cut' }));
      await partialPut(t.endpoint, '/cut/cut', 1000, 500, () => undefined);
      await failed;
      await assert.rejects(t.s3.send(new GetObjectCommand({ Bucket: 'cut', Key: 'cut' })), {
        name: 'NoSuchKey',
      });
      assert.deepEqual(await readdir(join(t.dataDir, 'tmp')), []);
      assert.deepEqual(await readdir(join(t.dataDir, 'blobs')), []);
    } finally {
      await t.close();
    }
  });
});
