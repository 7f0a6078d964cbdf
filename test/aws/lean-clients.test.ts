// The lean reads (src/aws/lean-clients.ts) against the real store and dynalite: what they answer must be
// what the SDK answers for the same request, and everything they cannot answer exactly must reach the
// SDK. The store verifies every SigV4 signature, so a lean answer is also proof the signer is right.
// The one hand-made double here is a server that lies about a checksum (no real store does that).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, type AwsClients } from '../../src/aws/create-aws-clients.ts';
import { LeanDynamoDBClient, LeanS3Client } from '../../src/aws/lean-clients.ts';
import { dynamodbCommand, s3Command } from '../../src/aws/sdk-command.ts';
import { awsErrorCode, isNotFound } from '../../src/aws/aws-errors.ts';
import type { AwsOptions } from '../../src/aws/aws-options.ts';
import type { S3Like } from '../../src/remote/facades.ts';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { startDynalite, type DynamoServer } from '../harness/dynalite.ts';
import { createLockTable } from '../harness/lock-table.ts';
import { localAwsOptions } from '../harness/local-aws-options.ts';

const BUCKET = 'lean-bucket';
const KEYS = [
  'terraform.tfstate',
  'env:/a b/terraform.tfstate',
  'env:/x+y~z*(1)!/ü & <é>.tfstate',
  "env:/quote'd/deep/path/terraform.tfstate",
  'env:/tab\there/terraform.tfstate',
];

/** Clients whose SDK getters count how often the lean path handed over. */
function countingClients(
  opts: AwsOptions,
  env: Record<string, string> = {},
): {
  clients: AwsClients;
  sdkUse: { s3: number; dynamodb: number };
} {
  const clients = createAwsClients(opts, { env });
  const sdkUse = { s3: 0, dynamodb: 0 };
  const s3 = clients.s3.bind(clients);
  const ddb = clients.dynamodb.bind(clients);
  clients.s3 = () => (sdkUse.s3++, s3());
  clients.dynamodb = () => (sdkUse.dynamodb++, ddb());
  return { clients, sdkUse };
}

describe('lean S3 reads against the store', () => {
  let store: TestStore;
  let opts: AwsOptions;
  before(async () => {
    store = await startTestStore({ credentials: [{ accessKeyId: 'test', secretAccessKey: 'test' }] });
    opts = localAwsOptions({ accessKey: 'test', secretKey: 'test', endpoints: { s3: store.endpoint } });
    await store.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const [i, Key] of KEYS.entries()) {
      await store.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key,
          Body: `{"serial":${i}}`,
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    }
  });
  after(() => store.close());

  test('the facade is lean for static keys and a custom endpoint', () => {
    const c = createAwsClients(opts, { env: {} });
    try {
      assert.ok(c.s3Facade() instanceof LeanS3Client);
    } finally {
      c.destroy();
    }
  });

  test('GetObject of odd keys: same bytes, ETag and checksum as the SDK, no SDK client built', async () => {
    const { clients, sdkUse } = countingClients(opts);
    try {
      const lean = clients.s3Facade();
      for (const Key of KEYS) {
        const input = { Bucket: BUCKET, Key, ChecksumMode: 'ENABLED' as const };
        const mine = await lean.send(s3Command(lean, 'GetObject', input));
        const theirs = await store.s3.send(new GetObjectCommand(input));
        assert.equal(await mine.Body?.transformToString(), await theirs.Body?.transformToString(), Key);
        assert.equal(mine.ETag, theirs.ETag, Key);
        assert.equal(mine.ContentLength, theirs.ContentLength, Key);
        assert.equal(mine.ContentType, 'application/json');
        assert.equal(mine.ChecksumSHA256, theirs.ChecksumSHA256, Key);
        assert.equal(mine.$metadata.httpStatusCode, 200);
      }
      assert.equal(sdkUse.s3, 0);
    } finally {
      clients.destroy();
    }
  });

  test('a missing key is NoSuchKey (404) without the SDK', async () => {
    const { clients, sdkUse } = countingClients(opts);
    try {
      const lean = clients.s3Facade();
      const err = await lean
        .send(s3Command(lean, 'GetObject', { Bucket: BUCKET, Key: 'env:/none/terraform.tfstate' }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.equal(awsErrorCode(err), 'NoSuchKey');
      assert.ok(isNotFound(err));
      assert.equal(sdkUse.s3, 0);
    } finally {
      clients.destroy();
    }
  });

  test('ListObjectsV2 pages: the same keys and continuation as the SDK', async () => {
    const { clients, sdkUse } = countingClients(opts);
    try {
      const lean = clients.s3Facade();
      // One listing loop for both clients: s3Command gives the lean client a descriptor and the SDK
      // client a real ListObjectsV2Command.
      const listAll = async (client: S3Like): Promise<{ all: string[]; pages: number }> => {
        const all: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const out = await client.send(
            s3Command(client, 'ListObjectsV2', {
              Bucket: BUCKET,
              Prefix: 'env:/',
              MaxKeys: 2,
              ...(token ? { ContinuationToken: token } : {}),
            }),
          );
          all.push(...(out.Contents ?? []).map((o) => o.Key ?? ''));
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
          pages++;
        } while (token);
        return { all, pages };
      };
      const mine = await listAll(lean);
      const theirs = await listAll(store.s3);
      assert.deepEqual(mine, theirs);
      assert.deepEqual([...mine.all].sort(), KEYS.filter((k) => k.startsWith('env:/')).sort());
      assert.equal(mine.pages, 2);
      assert.equal(sdkUse.s3, 0);
    } finally {
      clients.destroy();
    }
  });

  test('what it cannot answer goes to the SDK: missing bucket, SSE-C, writes', async () => {
    const { clients, sdkUse } = countingClients(opts);
    try {
      const lean = clients.s3Facade();
      await assert.rejects(
        lean.send(s3Command(lean, 'GetObject', { Bucket: 'no-such-bucket', Key: 'k' })),
        (e) => awsErrorCode(e) === 'NoSuchBucket',
      );
      assert.equal(sdkUse.s3, 1);
      const sseKey = Buffer.alloc(32, 7).toString('base64');
      await lean.send(
        s3Command(lean, 'PutObject', {
          Bucket: BUCKET,
          Key: 'ssec',
          Body: 'secret',
          SSECustomerAlgorithm: 'AES256',
          SSECustomerKey: sseKey,
        }),
      );
      const out = await lean.send(
        s3Command(lean, 'GetObject', {
          Bucket: BUCKET,
          Key: 'ssec',
          SSECustomerAlgorithm: 'AES256',
          SSECustomerKey: sseKey,
        }),
      );
      assert.equal(await out.Body?.transformToString(), 'secret');
      assert.equal(sdkUse.s3, 3);
    } finally {
      clients.destroy();
    }
  });

  test('a wrong secret is refused by the store, and the SDK reports it', async () => {
    const bad = { ...opts, secretKey: 'wrong', maxRetries: 1 };
    const { clients, sdkUse } = countingClients(bad);
    try {
      const lean = clients.s3Facade();
      await assert.rejects(
        lean.send(s3Command(lean, 'GetObject', { Bucket: BUCKET, Key: KEYS[0]! })),
        (e) => awsErrorCode(e) === 'SignatureDoesNotMatch',
      );
      assert.equal(sdkUse.s3, 1);
    } finally {
      clients.destroy();
    }
  });

  test('not lean: S3STATE_LEAN_READS=0, a proxy, FIPS', () => {
    const cases: [Partial<AwsOptions>, Record<string, string>][] = [
      [{}, { S3STATE_LEAN_READS: '0' }],
      [{ httpProxy: 'http://127.0.0.1:9' }, {}],
      [{ useFipsEndpoint: true }, {}],
    ];
    for (const [over, env] of cases) {
      const c = createAwsClients({ ...opts, ...over }, { env });
      try {
        assert.ok(c.s3Facade() instanceof S3Client, JSON.stringify({ over, env }));
      } finally {
        c.destroy();
      }
    }
  });

  test('standard AWS endpoints only when nothing else can move the endpoint', () => {
    const aws = { ...opts, endpoints: {} };
    const lean = (o: AwsOptions, env: Record<string, string>): boolean => {
      const c = createAwsClients(o, { env: { HOME: '/nonexistent', ...env } });
      try {
        return c.s3Facade() instanceof LeanS3Client;
      } finally {
        c.destroy();
      }
    };
    assert.equal(lean(aws, {}), true);
    assert.equal(lean({ ...aws, region: 'us-gov-west-1' }, {}), true);
    assert.equal(lean({ ...aws, region: 'cn-north-1' }, {}), false);
    assert.equal(lean(aws, { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' }), false);
  });
});

describe('lean reads hand a bad checksum to the SDK', () => {
  // Hand-made double: answers every GET with a body whose declared SHA-256 is wrong.
  let server: http.Server;
  let endpoint: string;
  let requests = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': '2',
        etag: '"x"',
        'x-amz-checksum-sha256': Buffer.alloc(32).toString('base64'),
      });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('the lean client never returns the body; the SDK reports the mismatch', async () => {
    const opts = localAwsOptions({
      accessKey: 'test',
      secretKey: 'test',
      endpoints: { s3: endpoint },
      maxRetries: 1,
    });
    const { clients, sdkUse } = countingClients(opts);
    try {
      const lean = clients.s3Facade();
      const result = await lean
        .send(s3Command(lean, 'GetObject', { Bucket: 'b', Key: 'k', ChecksumMode: 'ENABLED' }))
        .then(async (o) => ({ body: await o.Body?.transformToString() }))
        .catch((e: unknown) => ({ error: e as Error }));
      assert.ok('error' in result, `the bad body was returned: ${JSON.stringify(result)}`);
      assert.match(result.error.message, /checksum/i);
      assert.equal(sdkUse.s3, 1);
      assert.ok(requests >= 2, `requests: ${requests}`);
    } finally {
      clients.destroy();
    }
  });
});

describe('lean DynamoDB GetItem against dynalite', () => {
  let ddbServer: DynamoServer;
  let sdk: DynamoDBClient;
  let opts: AwsOptions;
  before(async () => {
    ddbServer = await startDynalite();
    sdk = new DynamoDBClient({
      endpoint: ddbServer.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createLockTable(sdk, 'locks');
    await sdk.send(
      new PutItemCommand({
        TableName: 'locks',
        Item: { LockID: { S: 'b/k-md5' }, Digest: { S: 'abc' }, N1: { N: '12' } },
      }),
    );
    opts = localAwsOptions({
      accessKey: 'test',
      secretKey: 'test',
      endpoints: { dynamodb: ddbServer.endpoint },
    });
  });
  after(async () => {
    sdk.destroy();
    await ddbServer.close();
  });

  test('an item and a missing item read as the SDK reads them, without the SDK', async () => {
    const { clients, sdkUse } = countingClients(opts);
    try {
      const lean = clients.dynamodbFacade();
      assert.ok((lean as object) instanceof LeanDynamoDBClient);
      for (const id of ['b/k-md5', 'b/none-md5']) {
        const input = { TableName: 'locks', Key: { LockID: { S: id } }, ConsistentRead: true };
        const mine = await lean.send(dynamodbCommand(lean, 'GetItem', input));
        const theirs = await sdk.send(new GetItemCommand(input));
        assert.deepEqual(mine.Item, theirs.Item, id);
      }
      assert.equal(sdkUse.dynamodb, 0);
    } finally {
      clients.destroy();
    }
  });

  test('a missing table goes to the SDK, which reports ResourceNotFoundException', async () => {
    const { clients, sdkUse } = countingClients({ ...opts, maxRetries: 1 });
    try {
      const lean = clients.dynamodbFacade();
      await assert.rejects(
        lean.send(dynamodbCommand(lean, 'GetItem', { TableName: 'nope', Key: { LockID: { S: 'x' } } })),
        (e) => awsErrorCode(e) === 'ResourceNotFoundException',
      );
      assert.equal(sdkUse.dynamodb, 1);
    } finally {
      clients.destroy();
    }
  });
});
