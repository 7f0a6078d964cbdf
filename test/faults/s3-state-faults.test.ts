// Fault scenarios for state bytes in S3 (src/remote/s3-remote-client.ts) and the S3 lock file
// (src/lock/s3-file-locker.ts, src/lock/combined-locker.ts), through the library's own AWS clients,
// with the S3 server and dynalite each behind a fault proxy (a hand-made double).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { S3RemoteClient } from '../../src/remote/s3-remote-client.ts';
import { virtualClock } from '../../src/remote/clock.ts';
import { S3FileLocker } from '../../src/lock/s3-file-locker.ts';
import { DynamoDBLocker } from '../../src/lock/dynamodb-locker.ts';
import { CombinedLocker } from '../../src/lock/combined-locker.ts';
import { isLockError } from '../../src/lock/lock-error.ts';
import { newLockInfo } from '../../src/lock/lock-info.ts';
import { isS3StateError } from '../../src/errors.ts';
import type { CoreEvent } from '../../src/remote/reporter.ts';
import { startFaultEnv, BUCKET, TABLE, CREDENTIALS, type FaultEnv } from './fault-env.ts';

const MAX_RETRIES = 3;
const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');

let env: FaultEnv | undefined;
let skip: string | false = false;
before(async () => {
  env = await startFaultEnv({ withS3: true });
  if (!env.s3Name) {
    skip = 'no S3 server (our store or moto) found';
    console.log(`SKIPPED: ${skip}`);
  } else console.log(`# S3 server behind the proxy: ${env.s3Name}`);
});
after(async () => {
  await env?.close();
});

let n = 0;
function fresh(): { key: string; e: FaultEnv } {
  const e = env!;
  e.s3Proxy!.clear();
  e.ddbProxy.clear();
  e.s3Proxy!.resetCounts();
  e.ddbProxy.resetCounts();
  return { key: `faults/case-${++n}/terraform.tfstate`, e };
}

async function stored(e: FaultEnv, key: string): Promise<string | undefined> {
  try {
    const g = await e.directS3!.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await g.Body!.transformToString();
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}
async function storedDigest(e: FaultEnv, key: string): Promise<string | undefined> {
  const r = await e.directDdb.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { LockID: { S: `${BUCKET}/${key}-md5` } },
      ConsistentRead: true,
    }),
  );
  return r.Item?.Digest?.S;
}
function remote(
  e: FaultEnv,
  key: string,
  extra: Partial<ConstructorParameters<typeof S3RemoteClient>[0]> = {},
): S3RemoteClient {
  const c = e.clients(MAX_RETRIES);
  return new S3RemoteClient({
    s3: c.s3(),
    dynamodb: c.dynamodb(),
    settings: e.settings(),
    stateKey: key,
    ...extra,
  });
}
async function outcome(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'ok',
    (err: unknown) => err,
  );
}

describe('state write under S3 faults', () => {
  const OLD = '{"version":4,"serial":1}\n';
  const NEW = '{"version":4,"serial":2,"resources":["' + 'x'.repeat(5000) + '"]}\n';

  for (const [label, fault] of [
    ['503 SlowDown', { kind: 'status', code: 'SlowDown' }],
    ['500 InternalError', { kind: 'status', code: 'InternalError' }],
    ['connection reset before the request', { kind: 'reset-before-request' }],
    ['lost response (reset after the server stored it)', { kind: 'reset-after-request' }],
    ['truncated response', { kind: 'truncate-response' }],
  ] as const) {
    test(`PutObject ${label} within max_retries: the new state and its digest land`, { skip }, async () => {
      const { key, e } = fresh();
      const r = remote(e, key);
      await r.put(enc(OLD));
      e.s3Proxy!.inject({ match: { op: 'PutObject' }, fault, times: MAX_RETRIES - 1 });
      await r.put(enc(NEW));
      assert.equal(await stored(e, key), NEW);
      assert.equal(await storedDigest(e, key), md5(NEW));
      assert.equal((await r.get())?.md5, md5(NEW));
    });
  }

  for (const [label, fault] of [
    ['503 SlowDown', { kind: 'status', code: 'SlowDown' }],
    ['connection reset before the request', { kind: 'reset-before-request' }],
  ] as const) {
    test(
      `PutObject ${label} on every attempt: typed error, old state and digest intact`,
      { skip },
      async () => {
        const { key, e } = fresh();
        const r = remote(e, key);
        await r.put(enc(OLD));
        e.s3Proxy!.resetCounts();
        e.s3Proxy!.inject({ match: { op: 'PutObject' }, fault, times: 100 });
        const err = await outcome(r.put(enc(NEW)));
        assert.ok(isS3StateError(err), `expected a typed error, got ${String(err)}`);
        assert.match(err.message, /failed to upload state/);
        assert.ok(err.message.includes(key), 'names the object');
        assert.equal(e.s3Proxy!.count('PutObject'), MAX_RETRIES);
        assert.equal(await stored(e, key), OLD, 'never half-written: the old state is whole');
        assert.equal(await storedDigest(e, key), md5(OLD), 'digest still matches the stored state');
        assert.equal((await r.get())?.md5, md5(OLD));
      },
    );
  }

  test(
    'digest PutItem throttled on every attempt after the object landed: typed error, reads say why',
    { skip },
    async () => {
      const { key, e } = fresh();
      const r = remote(e, key);
      await r.put(enc(OLD));
      e.ddbProxy.inject({
        match: { op: 'PutItem' },
        fault: { kind: 'status', code: 'ProvisionedThroughputExceededException' },
        times: 100,
      });
      const err = await outcome(r.put(enc(NEW)));
      assert.ok(isS3StateError(err), `expected a typed error, got ${String(err)}`);
      assert.match(err.message, /failed to store state MD5/);
      e.ddbProxy.clear();
      // The object is new but the digest is old: a reader must not silently accept it.
      const reader = remote(e, key, { clock: virtualClock(Date.now()) });
      const readErr = await outcome(reader.get());
      assert.ok(isS3StateError(readErr), `expected a typed error, got ${String(readErr)}`);
      assert.match(readErr.message, /does not have the expected content/);
      assert.ok(readErr.message.includes(md5(NEW)), 'tells the calculated digest to put back');
    },
  );
});

describe('state read under S3 faults', () => {
  const BODY =
    '{"version":4,"serial":7,"lineage":"l","outputs":{},"resources":["' + 'r'.repeat(20_000) + '"]}\n';

  for (const [label, fault] of [
    ['503 SlowDown', { kind: 'status', code: 'SlowDown' }],
    ['500 InternalError', { kind: 'status', code: 'InternalError' }],
    ['connection reset before the request', { kind: 'reset-before-request' }],
    ['lost response', { kind: 'reset-after-request' }],
  ] as const) {
    test(`GetObject ${label} within max_retries: exact bytes`, { skip }, async () => {
      const { key, e } = fresh();
      const r = remote(e, key);
      await r.put(enc(BODY));
      e.s3Proxy!.inject({ match: { op: 'GetObject' }, fault, times: MAX_RETRIES - 1 });
      const got = await r.get();
      assert.equal(Buffer.from(got!.data).toString('utf8'), BODY);
    });
  }

  test('GetObject body cut short: a typed error, never short data', { skip }, async () => {
    const { key, e } = fresh();
    const r = remote(e, key);
    await r.put(enc(BODY));
    e.s3Proxy!.inject({ match: { op: 'GetObject' }, fault: { kind: 'truncate-response' }, times: 100 });
    const res = await r.get().then(
      (p) => `returned ${p?.data.byteLength ?? 0} bytes`,
      (err: unknown) => (isS3StateError(err) ? 'typed error' : `untyped: ${String(err)}`),
    );
    assert.equal(res, 'typed error');
  });

  test('GetObject body cut short once: retried within max_retries', { skip }, async () => {
    const { key, e } = fresh();
    const r = remote(e, key);
    await r.put(enc(BODY));
    e.s3Proxy!.inject({ match: { op: 'GetObject' }, fault: { kind: 'truncate-response' } });
    const got = await r.get();
    assert.equal(Buffer.from(got!.data).toString('utf8'), BODY);
  });
});

describe('S3 lock file under faults', () => {
  function fileLocker(e: FaultEnv, key: string): S3FileLocker {
    return new S3FileLocker(
      e.clients(MAX_RETRIES).s3(),
      e.settings({ useLockfile: true, dynamodbTable: undefined }),
      key,
    );
  }

  test(
    'lost conditional PutObject response: the 412 retry recognises its own lock (OpenTofu issue 4405)',
    { skip },
    async () => {
      const { key, e } = fresh();
      const rule = e.s3Proxy!.inject({
        match: { op: 'PutObject', headers: { 'if-none-match': '*' } },
        fault: { kind: 'reset-after-request' },
      });
      const l = fileLocker(e, key);
      const info = newLockInfo({ operation: 'OperationTypeApply' });
      assert.equal(await l.lock(info), info.ID);
      await rule.done;
      assert.equal(e.s3Proxy!.count('PutObject'), 2);
      assert.equal(JSON.parse((await stored(e, key + '.tflock'))!).ID, info.ID);
      await l.unlock(info.ID);
      assert.equal(await stored(e, key + '.tflock'), undefined, 'no lock file left behind');
    },
  );

  test('503 SlowDown on the lock write within max_retries: locked once', { skip }, async () => {
    const { key, e } = fresh();
    e.s3Proxy!.inject({
      match: { op: 'PutObject' },
      fault: { kind: 'status', code: 'SlowDown' },
      times: MAX_RETRIES - 1,
    });
    const l = fileLocker(e, key);
    const info = newLockInfo();
    assert.equal(await l.lock(info), info.ID);
    await l.unlock(info.ID);
    assert.equal(await stored(e, key + '.tflock'), undefined);
  });

  test('503 SlowDown on every lock write: typed LockError, no lock file', { skip }, async () => {
    const { key, e } = fresh();
    e.s3Proxy!.inject({
      match: { op: 'PutObject' },
      fault: { kind: 'status', code: 'SlowDown' },
      times: 100,
    });
    const err = await outcome(fileLocker(e, key).lock(newLockInfo()));
    assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
    assert.equal(err.retryable, false);
    assert.match(err.message, /SlowDown/);
    assert.equal(await stored(e, key + '.tflock'), undefined);
  });

  test(
    'lock file delete failing on every attempt: the error names the lock ID for force-unlock',
    { skip },
    async () => {
      const { key, e } = fresh();
      const l = fileLocker(e, key);
      const info = newLockInfo();
      await l.lock(info);
      e.s3Proxy!.inject({
        match: { op: 'DeleteObject' },
        fault: { kind: 'status', code: 'InternalError' },
        times: 100,
      });
      const err = await outcome(l.unlock(info.ID));
      assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
      assert.ok(err.message.includes(info.ID), 'shows the lock ID');
      e.s3Proxy!.clear();
      const [status] = await l.inspect();
      assert.equal(status?.holder?.ID, info.ID);
      await l.unlock(info.ID);
      assert.equal(await stored(e, key + '.tflock'), undefined);
    },
  );
});

describe('lock file + DynamoDB under faults', () => {
  function combined(e: FaultEnv, key: string, reporter?: (ev: CoreEvent) => void): CombinedLocker {
    const c = e.clients(MAX_RETRIES);
    const settings = e.settings({ useLockfile: true });
    return new CombinedLocker(
      new S3FileLocker(c.s3(), settings, key),
      new DynamoDBLocker(c.dynamodb(), TABLE, `${BUCKET}/${key}`),
      reporter,
    );
  }

  test(
    'DynamoDB throttled on every attempt: the lock file is rolled back, a typed error',
    { skip },
    async () => {
      const { key, e } = fresh();
      e.ddbProxy.inject({
        match: { op: 'PutItem' },
        fault: { kind: 'status', code: 'ThrottlingException' },
        times: 100,
      });
      const err = await outcome(combined(e, key).lock(newLockInfo()));
      assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
      assert.equal(await stored(e, key + '.tflock'), undefined, 'lock file rolled back');
    },
  );

  test(
    'rollback of the lock file failing too: the lock left behind is reported with its ID',
    { skip },
    async () => {
      const { key, e } = fresh();
      const events: CoreEvent[] = [];
      e.ddbProxy.inject({
        match: { op: 'PutItem' },
        fault: { kind: 'status', code: 'ThrottlingException' },
        times: 100,
      });
      e.s3Proxy!.inject({
        match: { op: 'DeleteObject' },
        fault: { kind: 'status', code: 'InternalError' },
        times: 100,
      });
      const info = newLockInfo();
      const err = await outcome(combined(e, key, (ev) => events.push(ev)).lock(info));
      assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
      assert.equal(JSON.parse((await stored(e, key + '.tflock'))!).ID, info.ID, 'the file is still there');
      const told = [err.message, ...events.map((ev) => ev.message)].join('\n');
      assert.ok(told.includes(info.ID), `the user is told the lock ID to force-unlock:\n${told}`);
    },
  );

  test('no secret appears in any fault error', { skip }, async () => {
    const { key, e } = fresh();
    e.s3Proxy!.inject({ match: {}, fault: { kind: 'status', code: 'SlowDown' }, times: 100 });
    const err = await outcome(remote(e, key).put(enc('{}\n')));
    assert.ok(err instanceof Error);
    const all = JSON.stringify({
      m: err.message,
      s: err.stack,
      c: String((err as { cause?: unknown }).cause),
    });
    assert.ok(!all.includes(CREDENTIALS.secretAccessKey) && !all.includes('testing-secret'), 'no secret key');
  });
});

describe('listing under faults', () => {
  test('ListObjectsV2 503 within max_retries still lists every object', { skip }, async () => {
    const { e } = fresh();
    e.s3Proxy!.inject({
      match: { op: 'ListObjectsV2' },
      fault: { kind: 'status', code: 'SlowDown' },
      times: MAX_RETRIES - 1,
    });
    const s3 = e.clients(MAX_RETRIES).s3();
    const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'faults/' }));
    const direct = await e.directS3!.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'faults/' }));
    assert.deepEqual(
      out.Contents?.map((o) => o.Key),
      direct.Contents?.map((o) => o.Key),
    );
    await e.directS3!.send(new HeadObjectCommand({ Bucket: BUCKET, Key: direct.Contents![0]!.Key! }));
  });
});

describe('multipart state upload under faults', () => {
  // 11 MiB in 5 MiB parts: CreateMultipartUpload, UploadPart ×3, CompleteMultipartUpload.
  const BIG = '{"version":4,"serial":3,"resources":["' + 'm'.repeat(11 * 2 ** 20) + '"]}\n';
  const SMALL = '{"version":4,"serial":1}\n';
  function multipart(e: FaultEnv, key: string): S3RemoteClient {
    const c = e.clients(MAX_RETRIES);
    return new S3RemoteClient({
      s3: c.s3(),
      dynamodb: c.dynamodb(),
      settings: e.settings(),
      stateKey: key,
      multipartThreshold: 6 * 2 ** 20,
      partSize: 5 * 2 ** 20,
    });
  }

  test('UploadPart 503 within max_retries: the whole state lands', { skip }, async () => {
    const { key, e } = fresh();
    const r = multipart(e, key);
    e.s3Proxy!.inject({
      match: { op: 'UploadPart' },
      fault: { kind: 'status', code: 'SlowDown' },
      times: MAX_RETRIES - 1,
    });
    await r.put(enc(BIG));
    assert.equal(e.s3Proxy!.count('CompleteMultipartUpload'), 1);
    assert.equal(md5((await stored(e, key))!), md5(BIG));
    assert.equal(await storedDigest(e, key), md5(BIG));
  });

  test(
    'UploadPart reset on every attempt: typed error, old state intact, upload aborted',
    { skip },
    async () => {
      const { key, e } = fresh();
      const r = multipart(e, key);
      await r.put(enc(SMALL));
      e.s3Proxy!.inject({ match: { op: 'UploadPart' }, fault: { kind: 'reset-before-request' }, times: 100 });
      const err = await outcome(r.put(enc(BIG)));
      assert.ok(isS3StateError(err), `expected a typed error, got ${String(err)}`);
      assert.equal(e.s3Proxy!.count('AbortMultipartUpload'), 1, 'the upload is aborted');
      assert.equal(await stored(e, key), SMALL);
      assert.equal(await storedDigest(e, key), md5(SMALL));
    },
  );

  test(
    'lost CompleteMultipartUpload response: put succeeds and the digest matches what landed',
    { skip },
    async () => {
      const { key, e } = fresh();
      const r = multipart(e, key);
      await r.put(enc(SMALL));
      e.s3Proxy!.inject({ match: { op: 'CompleteMultipartUpload' }, fault: { kind: 'reset-after-request' } });
      await r.put(enc(BIG));
      assert.equal(md5((await stored(e, key))!), md5(BIG), 'the first Complete landed');
      assert.equal(await storedDigest(e, key), md5(BIG));
    },
  );
});
