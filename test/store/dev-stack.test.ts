import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { GetBucketVersioningCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startDevStack, type DevStack, type DevStackEvent } from '../../src/store/dev-stack.ts';
import { isS3StateError } from '../../src/errors.ts';
import { freePort } from '../harness/ports.ts';
import { tempDir } from '../harness/tmp.ts';

function clients(stack: DevStack): { s3: S3Client; db: DynamoDBClient } {
  const credentials = { accessKeyId: stack.accessKey, secretAccessKey: stack.secretKey };
  return {
    s3: new S3Client({ endpoint: stack.s3Endpoint, region: stack.region, forcePathStyle: true, credentials }),
    db: new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials }),
  };
}

/** Occupies a loopback port until closed (the "someone else is using it" case). */
async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, server };
}

describe('startDevStack', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('s3state-dev-');
  });
  after(async () => {
    await dir.cleanup();
  });

  test('starts store and lock table, creates a versioned bucket and a LockID table, data persists across restarts', async () => {
    const s3Port = await freePort();
    const dynamodbPort = await freePort();
    const events: DevStackEvent[] = [];
    const t0 = performance.now();
    const first = await startDevStack({
      dir: dir.path,
      s3Port,
      dynamodbPort,
      reporter: (e) => events.push(e),
    });
    const readyMs = performance.now() - t0;
    console.log(`dev stack ready in ${Math.round(readyMs)} ms (first start)`);
    let second: DevStack | undefined;
    try {
      assert.equal(first.s3Endpoint, `http://127.0.0.1:${s3Port}`);
      assert.equal(first.dynamodbEndpoint, `http://127.0.0.1:${dynamodbPort}`);
      assert.equal(first.bucket, 'tfstate');
      assert.equal(first.table, 'tf-locks');
      assert.equal(first.region, 'us-east-1');
      assert.deepEqual(first.env, {
        AWS_ACCESS_KEY_ID: first.accessKey,
        AWS_SECRET_ACCESS_KEY: first.secretKey,
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
      });
      assert.ok(
        events.some((e) => e.message === 'created bucket tfstate'),
        JSON.stringify(events),
      );
      assert.ok(
        events.some((e) => e.message.startsWith('created lock table tf-locks')),
        JSON.stringify(events),
      );

      const block = first.terraformBlock;
      for (const line of [
        'backend "s3" {',
        'bucket = "tfstate"',
        'region = "us-east-1"',
        `s3       = "http://127.0.0.1:${s3Port}"`,
        `dynamodb = "http://127.0.0.1:${dynamodbPort}"`,
        'use_path_style              = true',
        'skip_credentials_validation = true',
        'skip_requesting_account_id  = true',
        'skip_region_validation      = true',
        'skip_metadata_api_check     = true',
        'use_lockfile = true',
        'dynamodb_table = "tf-locks"',
      ]) {
        assert.ok(block.includes(line), `terraform block lacks ${JSON.stringify(line)}:\n${block}`);
      }
      assert.ok(!block.includes('secret_key'), 'credentials are exported, not written into the block');

      const a = clients(first);
      const v = await a.s3.send(new GetBucketVersioningCommand({ Bucket: 'tfstate' }));
      assert.equal(v.Status, 'Enabled');
      const t = await a.db.send(new DescribeTableCommand({ TableName: 'tf-locks' }));
      assert.deepEqual(t.Table?.KeySchema, [{ AttributeName: 'LockID', KeyType: 'HASH' }]);
      assert.deepEqual(t.Table?.AttributeDefinitions, [{ AttributeName: 'LockID', AttributeType: 'S' }]);
      await a.s3.send(
        new PutObjectCommand({ Bucket: 'tfstate', Key: 'persist/terraform.tfstate', Body: '{"serial":7}' }),
      );
      await a.db.send(
        new PutItemCommand({
          TableName: 'tf-locks',
          Item: { LockID: { S: 'tfstate/persist/terraform.tfstate-md5' }, Digest: { S: 'abc123' } },
        }),
      );
      a.s3.destroy();
      a.db.destroy();
      await first.close();

      // Same folder, same ports: everything is still there and nothing is created twice.
      const again: DevStackEvent[] = [];
      const t1 = performance.now();
      second = await startDevStack({ dir: dir.path, s3Port, dynamodbPort, reporter: (e) => again.push(e) });
      console.log(`dev stack ready in ${Math.round(performance.now() - t1)} ms (restart)`);
      assert.ok(
        again.some((e) => e.message === 'bucket tfstate already exists'),
        JSON.stringify(again),
      );
      assert.ok(
        again.some((e) => e.message === 'lock table tf-locks already exists'),
        JSON.stringify(again),
      );
      const b = clients(second);
      const got = await b.s3.send(
        new GetObjectCommand({ Bucket: 'tfstate', Key: 'persist/terraform.tfstate' }),
      );
      assert.equal(await got.Body?.transformToString(), '{"serial":7}');
      const item = await b.db.send(
        new GetItemCommand({
          TableName: 'tf-locks',
          Key: { LockID: { S: 'tfstate/persist/terraform.tfstate-md5' } },
          ConsistentRead: true,
        }),
      );
      assert.equal(item.Item?.Digest?.S, 'abc123');
      b.s3.destroy();
      b.db.destroy();
    } finally {
      await second?.close();
    }
  });

  test('custom bucket, table, region and key appear in the block', async () => {
    const sub = await tempDir('s3state-dev-custom-');
    const stack = await startDevStack({
      dir: sub.path,
      s3Port: 0,
      dynamodbPort: 0,
      bucket: 'my-states',
      table: 'my-locks',
      region: 'eu-central-1',
      key: 'apps/web.tfstate',
    });
    try {
      assert.match(stack.s3Endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(stack.terraformBlock.includes('bucket = "my-states"'));
      assert.ok(stack.terraformBlock.includes('key    = "apps/web.tfstate"'));
      assert.ok(stack.terraformBlock.includes('region = "eu-central-1"'));
      assert.ok(stack.terraformBlock.includes('dynamodb_table = "my-locks"'));
      assert.equal(stack.env.AWS_REGION, 'eu-central-1');
      const c = clients(stack);
      const v = await c.s3.send(new GetBucketVersioningCommand({ Bucket: 'my-states' }));
      assert.equal(v.Status, 'Enabled');
      await c.db.send(new DescribeTableCommand({ TableName: 'my-locks' }));
      c.s3.destroy();
      c.db.destroy();
    } finally {
      await stack.close();
      await sub.cleanup();
    }
  });

  for (const which of ['s3Port', 'dynamodbPort'] as const) {
    test(`${which} busy → clear error naming the port and the flag, nothing left running`, async () => {
      const sub = await tempDir('s3state-dev-busy-');
      const busy = await occupy();
      const other = await freePort();
      try {
        const opts =
          which === 's3Port'
            ? { dir: sub.path, s3Port: busy.port, dynamodbPort: other }
            : { dir: sub.path, s3Port: other, dynamodbPort: busy.port };
        await assert.rejects(startDevStack(opts), (e: unknown) => {
          assert.ok(isS3StateError(e, 'STORE'), String(e));
          assert.equal((e as { reason?: string }).reason, 'port-in-use');
          assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${busy.port}: the port is already in use`));
          assert.match(e.hint ?? '', which === 's3Port' ? /--s3-port/ : /--dynamodb-port/);
          return true;
        });
        // The other server was stopped: its port is free again.
        const probe = createServer();
        await new Promise<void>((resolve, reject) => {
          probe.once('error', reject);
          probe.listen(other, '127.0.0.1', () => resolve());
        });
        await new Promise<void>((r) => probe.close(() => r()));
      } finally {
        await new Promise<void>((r) => busy.server.close(() => r()));
        await sub.cleanup();
      }
    });
  }
});

test('startDevStack: an unusable data folder → clear error naming the folder', async () => {
  const sub = await tempDir('s3state-dev-file-');
  try {
    const file = `${sub.path}/not-a-folder`;
    await writeFile(file, 'x');
    await assert.rejects(startDevStack({ dir: file, s3Port: 0, dynamodbPort: 0 }), (e: unknown) => {
      assert.ok(isS3StateError(e, 'STORE'), String(e));
      assert.equal((e as { reason?: string }).reason, 'start-failed');
      assert.ok(e.message.includes(file), e.message);
      return true;
    });
  } finally {
    await sub.cleanup();
  }
});
