// Tests of the fault proxy itself (a hand-made double): it must be transparent when no rule
// matches, and each planned fault must do exactly what its name says, observed through the real
// AWS SDK clients and the real servers behind it (dynalite, s3rver).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient,
  PutItemCommand,
  GetItemCommand,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { startDynalite, type DynamoServer } from '../harness/dynalite.ts';
import { startS3rver, S3RVER_CREDENTIALS, type S3rverServer } from '../harness/s3rver.ts';
import { startFaultProxy, s3Operation, type FaultProxy } from '../harness/fault-proxy.ts';
import { createLockTable } from '../harness/lock-table.ts';

const creds = { accessKeyId: 'AKIDFAULTPROXY', secretAccessKey: 'fault-proxy-secret' };
const TABLE = 'locks';

function ddb(endpoint: string, extra: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: creds, ...extra });
}
function s3(endpoint: string, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    ...extra,
  });
}
/** Three attempts = the first try plus two retries (the SDK's standard retry strategy). */
const fastRetries = { maxAttempts: 3 } as const;

async function getLock(direct: DynamoDBClient, id: string): Promise<string | undefined> {
  const r = await direct.send(
    new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: id } }, ConsistentRead: true }),
  );
  return r.Item?.Info?.S;
}

function errName(e: unknown): string {
  return e instanceof Error ? e.name : String(e);
}

describe('fault proxy (hand-made double) in front of dynalite', () => {
  let server: DynamoServer;
  let proxy: FaultProxy;
  let direct: DynamoDBClient;

  before(async () => {
    server = await startDynalite();
    proxy = await startFaultProxy({ upstream: server.endpoint });
    direct = ddb(server.endpoint);
    await createLockTable(direct, TABLE);
  });
  after(async () => {
    direct.destroy();
    await proxy.close();
    await server.close();
  });

  test('forwards unchanged, counts per operation and reuses kept-alive connections', async () => {
    proxy.resetCounts();
    const before = proxy.connections;
    const c = ddb(proxy.endpoint);
    try {
      for (let i = 0; i < 5; i++) {
        await c.send(
          new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: `fw-${i}` }, Info: { S: 'x' } } }),
        );
      }
      const got = await c.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: 'fw-3' } } }));
      assert.equal(got.Item?.Info?.S, 'x');
    } finally {
      c.destroy();
    }
    assert.deepEqual(proxy.counts(), { PutItem: 5, GetItem: 1 });
    assert.equal(proxy.connections - before, 1, 'six sequential calls should share one connection');
  });

  test('reset-before-request: the server never sees the write; the SDK retries it', async () => {
    const rule = proxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'reset-before-request' } });
    const once = ddb(proxy.endpoint, { maxAttempts: 1 });
    try {
      await assert.rejects(
        once.send(
          new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: 'rb-1' }, Info: { S: 'a' } } }),
        ),
      );
    } finally {
      once.destroy();
    }
    await rule.done;
    assert.equal(await getLock(direct, 'rb-1'), undefined, 'a reset before the request must not land');

    proxy.resetCounts();
    proxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'reset-before-request' } });
    const retrying = ddb(proxy.endpoint, fastRetries);
    try {
      await retrying.send(
        new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: 'rb-2' }, Info: { S: 'b' } } }),
      );
    } finally {
      retrying.destroy();
    }
    assert.equal(proxy.count('PutItem'), 2);
    assert.equal(await getLock(direct, 'rb-2'), 'b');
  });

  test('reset-after-request: the write lands but the client gets no answer', async () => {
    const rule = proxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'reset-after-request' } });
    const once = ddb(proxy.endpoint, { maxAttempts: 1 });
    try {
      await assert.rejects(
        once.send(
          new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: 'ra-1' }, Info: { S: 'lost' } } }),
        ),
      );
    } finally {
      once.destroy();
    }
    await rule.done;
    assert.equal(await getLock(direct, 'ra-1'), 'lost');
    assert.equal(proxy.log.at(-1)?.upstreamStatus, 200);
  });

  test('reset-after-request on a conditional put: the retry meets its own item (the OpenTofu 4405 shape)', async () => {
    proxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'reset-after-request' } });
    const c = ddb(proxy.endpoint, fastRetries);
    try {
      const err = await c
        .send(
          new PutItemCommand({
            TableName: TABLE,
            Item: { LockID: { S: 'ra-2' }, Info: { S: 'mine' } },
            ConditionExpression: 'attribute_not_exists(LockID)',
          }),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.equal(errName(err), 'ConditionalCheckFailedException');
    } finally {
      c.destroy();
    }
    assert.equal(await getLock(direct, 'ra-2'), 'mine');
  });

  test('truncate-response: the client sees a broken answer; a retry reads it whole', async () => {
    await direct.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { LockID: { S: 'tr-1' }, Info: { S: 'y'.repeat(2000) } },
      }),
    );
    proxy.inject({ match: { op: 'GetItem' }, fault: { kind: 'truncate-response', bytes: 100 } });
    const once = ddb(proxy.endpoint, { maxAttempts: 1 });
    try {
      await assert.rejects(
        once.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: 'tr-1' } } })),
      );
    } finally {
      once.destroy();
    }
    proxy.resetCounts();
    proxy.inject({ match: { op: 'GetItem' }, fault: { kind: 'truncate-response' } });
    const retrying = ddb(proxy.endpoint, fastRetries);
    try {
      const r = await retrying.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: 'tr-1' } } }));
      assert.equal(r.Item?.Info?.S, 'y'.repeat(2000));
    } finally {
      retrying.destroy();
    }
    assert.equal(proxy.count('GetItem'), 2);
  });

  for (const code of ['ProvisionedThroughputExceededException', 'ThrottlingException'] as const) {
    test(`status ${code}: typed SDK error without retries, success within max_retries`, async () => {
      proxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'status', code } });
      const once = ddb(proxy.endpoint, { maxAttempts: 1 });
      try {
        const err = await once
          .send(
            new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: `st-${code}` }, Info: { S: 'z' } } }),
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.equal(errName(err), code);
        assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 400);
      } finally {
        once.destroy();
      }
      assert.equal(await getLock(direct, `st-${code}`), undefined, 'a throttled write must not land');

      proxy.resetCounts();
      proxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'status', code }, times: 2 });
      const retrying = ddb(proxy.endpoint, fastRetries);
      try {
        await retrying.send(
          new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: `st-${code}` }, Info: { S: 'z' } } }),
        );
      } finally {
        retrying.destroy();
      }
      assert.equal(proxy.count('PutItem'), 3);
      assert.equal(await getLock(direct, `st-${code}`), 'z');
    });
  }

  test('skip and times: only the chosen matching requests are faulted', async () => {
    proxy.resetCounts();
    const rule = proxy.inject({
      match: { op: 'GetItem' },
      fault: { kind: 'status', code: 'ThrottlingException' },
      skip: 2,
      times: 1,
    });
    const c = ddb(proxy.endpoint, { maxAttempts: 1 });
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        outcomes.push(
          await c.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: 'fw-0' } } })).then(
            () => 'ok',
            (e: unknown) => errName(e),
          ),
        );
      }
    } finally {
      c.destroy();
    }
    assert.deepEqual(outcomes, ['ok', 'ok', 'ThrottlingException', 'ok']);
    assert.equal(rule.hits, 1);
  });

  test('delay: a slow answer trips a client timeout shorter than the delay', async () => {
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    proxy.inject({ match: { op: 'GetItem' }, fault: { kind: 'delay', ms: 3000 } });
    const c = ddb(proxy.endpoint, {
      maxAttempts: 1,
      // Since @smithy/node-http-handler 4.x a request timeout only warns unless told to throw.
      requestHandler: new NodeHttpHandler({ requestTimeout: 300, throwOnRequestTimeout: true }),
    });
    try {
      const err = await c.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: 'fw-0' } } })).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal(errName(err), 'TimeoutError');
    } finally {
      c.destroy();
    }
    assert.equal(proxy.log.at(-1)?.fault, 'delay');
  });
});

describe('fault proxy (hand-made double) in front of s3rver', () => {
  let server: S3rverServer;
  let proxy: FaultProxy;
  let direct: S3Client;
  const Bucket = 'faults';

  before(async () => {
    server = await startS3rver();
    proxy = await startFaultProxy({ upstream: server.endpoint });
    direct = s3(server.endpoint);
    await direct.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    direct.destroy();
    await proxy.close();
    await server.close();
  });

  test('signed S3 requests pass through (SigV4 still verifies upstream) and are classified', async () => {
    proxy.resetCounts();
    const c = s3(proxy.endpoint);
    try {
      await c.send(new PutObjectCommand({ Bucket, Key: 'a/b.tfstate', Body: '{"v":1}' }));
      const h = await c.send(new HeadObjectCommand({ Bucket, Key: 'a/b.tfstate' }));
      assert.equal(h.ContentLength, 7);
      const g = await c.send(new GetObjectCommand({ Bucket, Key: 'a/b.tfstate' }));
      assert.equal(await g.Body?.transformToString(), '{"v":1}');
    } finally {
      c.destroy();
    }
    assert.deepEqual(proxy.counts(), { PutObject: 1, HeadObject: 1, GetObject: 1 });
  });

  for (const [code, status] of [
    ['SlowDown', 503],
    ['InternalError', 500],
  ] as const) {
    test(`status ${status} ${code}: typed error without retries, retried to success otherwise`, async () => {
      proxy.inject({ match: { op: 'PutObject' }, fault: { kind: 'status', code } });
      const once = s3(proxy.endpoint, { maxAttempts: 1 });
      try {
        const err = await once.send(new PutObjectCommand({ Bucket, Key: `st-${code}`, Body: 'x' })).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.equal(errName(err), code);
        assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, status);
      } finally {
        once.destroy();
      }
      await assert.rejects(direct.send(new HeadObjectCommand({ Bucket, Key: `st-${code}` })));

      proxy.resetCounts();
      proxy.inject({ match: { op: 'PutObject' }, fault: { kind: 'status', code } });
      const retrying = s3(proxy.endpoint, fastRetries);
      try {
        await retrying.send(new PutObjectCommand({ Bucket, Key: `st-${code}`, Body: 'x' }));
      } finally {
        retrying.destroy();
      }
      assert.equal(proxy.count('PutObject'), 2);
      const h = await direct.send(new HeadObjectCommand({ Bucket, Key: `st-${code}` }));
      assert.equal(h.ContentLength, 1);
    });
  }

  test('truncate-response on GetObject: the body read fails instead of returning short data', async () => {
    const body = 'S'.repeat(10_000);
    await direct.send(new PutObjectCommand({ Bucket, Key: 'big', Body: body }));
    proxy.inject({ match: { op: 'GetObject' }, fault: { kind: 'truncate-response' } });
    const c = s3(proxy.endpoint, { maxAttempts: 1 });
    try {
      const read = async (): Promise<string> => {
        const g = await c.send(new GetObjectCommand({ Bucket, Key: 'big' }));
        return (await g.Body?.transformToString()) ?? '';
      };
      const got = await read().then(
        (s) => `read ${s.length} bytes`,
        (e: unknown) => `error ${errName(e)}`,
      );
      assert.match(got, /^error /, `a truncated body must surface as an error, got: ${got}`);
    } finally {
      c.destroy();
    }
  });
});

describe('s3Operation', () => {
  const cases: [string, string, string, Record<string, string>, string][] = [
    ['GET', '/b', 'list-type=2&prefix=env%3A%2F', {}, 'ListObjectsV2'],
    ['GET', '/b', 'versioning', {}, 'GetBucketVersioning'],
    ['HEAD', '/b', '', {}, 'HeadBucket'],
    ['PUT', '/b', '', {}, 'CreateBucket'],
    ['GET', '/b/env:/dev/k.tfstate', '', {}, 'GetObject'],
    ['HEAD', '/b/k', '', {}, 'HeadObject'],
    ['PUT', '/b/k.tflock', '', { 'if-none-match': '*' }, 'PutObject'],
    ['PUT', '/b/k', 'partNumber=1&uploadId=u', {}, 'UploadPart'],
    ['POST', '/b/k', 'uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/b/k', 'uploadId=u', {}, 'CompleteMultipartUpload'],
    ['DELETE', '/b/k', '', {}, 'DeleteObject'],
    ['DELETE', '/b/k', 'uploadId=u', {}, 'AbortMultipartUpload'],
    ['POST', '/b', 'delete', {}, 'DeleteObjects'],
  ];
  for (const [method, path, query, headers, want] of cases) {
    test(`${method} ${path}?${query} → ${want}`, () => {
      assert.equal(s3Operation(method, path, query, headers), want);
    });
  }
});
