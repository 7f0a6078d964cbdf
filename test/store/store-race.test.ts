import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';

const WRITERS = 16;
const ROUNDS = 10;

describe('store: racing conditional writes', () => {
  let t: TestStore;
  before(async () => {
    t = await startTestStore();
    await t.s3.send(new CreateBucketCommand({ Bucket: 'race' }));
    await t.s3.send(new CreateBucketCommand({ Bucket: 'race-versioned' }));
    await t.s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'race-versioned',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
  });
  after(() => t.close());

  test('reads racing overwrites always return one whole version, never an error', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => String(i).repeat(200_000 + i));
    await t.s3.send(new PutObjectCommand({ Bucket: 'race', Key: 'hot', Body: bodies[0]! }));
    const writes = bodies.map((b) =>
      t.s3.send(new PutObjectCommand({ Bucket: 'race', Key: 'hot', Body: b })),
    );
    const reads = Array.from({ length: 24 }, async () => {
      const r = await t.s3.send(new GetObjectCommand({ Bucket: 'race', Key: 'hot' }));
      return r.Body!.transformToString();
    });
    await Promise.all(writes);
    for (const got of await Promise.all(reads)) assert.ok(bodies.includes(got), 'a whole written body');
  });

  for (const bucket of ['race', 'race-versioned']) {
    test(`${WRITERS} concurrent If-None-Match: * puts on one key → exactly one winner, ${ROUNDS} rounds (${bucket})`, async () => {
      const winnersPerRound: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const key = `lock-${round}.tflock`;
        const results = await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, i) =>
            t.s3.send(
              new PutObjectCommand({ Bucket: bucket, Key: key, Body: `writer-${i}`, IfNoneMatch: '*' }),
            ),
          ),
        );
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        for (const r of results) {
          if (r.status === 'rejected') {
            const e = r.reason as Error & { $metadata?: { httpStatusCode?: number } };
            assert.ok(
              e.$metadata?.httpStatusCode === 412 || e.$metadata?.httpStatusCode === 409,
              `a loser gets 412 or 409, got ${e.name}`,
            );
          }
        }
        winnersPerRound.push(winners.length);
        assert.equal(winners.length, 1, `round ${round}: exactly one winner`);
        const got = await t.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(
          await got.Body!.transformToString(),
          `writer-${winners[0]}`,
          'the stored body is the winner’s',
        );
      }
      console.log(`${bucket}: winners per round ${JSON.stringify(winnersPerRound)}`);
    });
  }
});
