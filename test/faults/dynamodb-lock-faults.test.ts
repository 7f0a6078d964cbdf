// Fault scenarios for the DynamoDB lock (src/lock/dynamodb-locker.ts) through the library's own
// AWS clients, with dynalite behind the fault proxy (a hand-made double).
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBLocker } from '../../src/lock/dynamodb-locker.ts';
import { isLockError } from '../../src/lock/lock-error.ts';
import { newLockInfo } from '../../src/lock/lock-info.ts';
import { isS3StateError } from '../../src/errors.ts';
import { startFaultEnv, TABLE, BUCKET, type FaultEnv } from './fault-env.ts';

const MAX_RETRIES = 3; // max_retries = 3 → three attempts in all (the peers' RetryMaxAttempts)

describe('DynamoDB lock under faults', () => {
  let env: FaultEnv;
  let n = 0;
  let lockPath: string;

  before(async () => {
    env = await startFaultEnv({ withS3: false });
  });
  after(async () => {
    await env.close();
  });
  beforeEach(() => {
    env.ddbProxy.clear();
    env.ddbProxy.resetCounts();
    lockPath = `${BUCKET}/case-${++n}/terraform.tfstate`;
  });

  async function storedHolderId(): Promise<string | undefined> {
    const r = await env.directDdb.send(
      new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: lockPath } }, ConsistentRead: true }),
    );
    const info = r.Item?.Info?.S;
    return info === undefined ? undefined : (JSON.parse(info) as { ID: string }).ID;
  }

  function locker(): DynamoDBLocker {
    return new DynamoDBLocker(env.clients(MAX_RETRIES).dynamodb(), TABLE, lockPath);
  }

  test('lost PutItem response: the retry meets its own lock and takes it (OpenTofu issue 4405)', async () => {
    const rule = env.ddbProxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'reset-after-request' } });
    const l = locker();
    const info = newLockInfo({ operation: 'OperationTypeApply' });
    const id = await l.lock(info);
    await rule.done;
    assert.equal(id, info.ID);
    assert.equal(await storedHolderId(), info.ID);
    assert.equal(env.ddbProxy.count('PutItem'), 2, 'first attempt landed, its retry met the condition');
    await l.unlock(id);
    assert.equal(await storedHolderId(), undefined, 'no lock left behind');
  });

  test('lost PutItem response while another holder appears: not mistaken for ours', async () => {
    // The first attempt is reset before it lands; a rival takes the lock; our retry meets the rival.
    const rival = newLockInfo({ operation: 'rival' });
    env.ddbProxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'reset-before-request' } });
    const mine = locker();
    const other = new DynamoDBLocker(env.directDdb, TABLE, lockPath);
    // The rival's write goes straight to the server while our first attempt is being reset.
    await other.lock(rival);
    const err = await mine.lock(newLockInfo({ operation: 'mine' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
    assert.equal(err.holder?.ID, rival.ID);
    assert.match(err.message, /ConditionalCheckFailed/);
    assert.equal(await storedHolderId(), rival.ID);
  });

  for (const code of ['ProvisionedThroughputExceededException', 'ThrottlingException']) {
    test(`${code} on lock: retried within max_retries, then the lock is held`, async () => {
      env.ddbProxy.inject({
        match: { op: 'PutItem' },
        fault: { kind: 'status', code },
        times: MAX_RETRIES - 1,
      });
      const l = locker();
      const info = newLockInfo({ operation: 'OperationTypeApply' });
      assert.equal(await l.lock(info), info.ID);
      assert.equal(env.ddbProxy.count('PutItem'), MAX_RETRIES);
      assert.equal(await storedHolderId(), info.ID);
      await l.unlock(info.ID);
    });

    test(`${code} on every attempt: a typed lock error, never a false success, no lock item`, async () => {
      env.ddbProxy.inject({ match: { op: 'PutItem' }, fault: { kind: 'status', code }, times: 100 });
      const err = await locker()
        .lock(newLockInfo())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
      assert.equal(err.retryable, false);
      assert.match(err.message, new RegExp(code));
      assert.match(err.message, new RegExp(TABLE), 'names the table');
      assert.equal(env.ddbProxy.count('PutItem'), MAX_RETRIES, 'gave up after max_retries attempts');
      assert.equal(await storedHolderId(), undefined);
    });
  }

  test('connection reset before the unlock DeleteItem: retried, the lock is released', async () => {
    const l = locker();
    const id = await l.lock(newLockInfo());
    env.ddbProxy.inject({ match: { op: 'DeleteItem' }, fault: { kind: 'reset-before-request' } });
    await l.unlock(id);
    assert.equal(await storedHolderId(), undefined);
    assert.equal(env.ddbProxy.count('DeleteItem'), 2);
  });

  test('unlock failing on every attempt: the error carries the lock ID to force-unlock with', async () => {
    const l = locker();
    const id = await l.lock(newLockInfo({ operation: 'OperationTypeApply' }));
    env.ddbProxy.inject({
      match: { op: 'DeleteItem' },
      fault: { kind: 'status', code: 'ThrottlingException' },
      times: 100,
    });
    const err = await l.unlock(id).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isLockError(err), `expected LockError, got ${String(err)}`);
    assert.equal(err.holder?.ID, id);
    assert.ok(err.message.includes(`ID:        ${id}`), `message shows the ID:\n${err.message}`);
    env.ddbProxy.clear();
    // The lock is still reported by inspection, and force-unlock with that ID works.
    const [status] = await l.inspect();
    assert.equal(status?.holder?.ID, id);
    await l.unlock(id);
    assert.equal(await storedHolderId(), undefined);
  });

  test('lost DeleteItem response on unlock: the lock is gone, the outcome is typed', async () => {
    const l = locker();
    const id = await l.lock(newLockInfo());
    env.ddbProxy.inject({ match: { op: 'DeleteItem' }, fault: { kind: 'reset-after-request' } });
    const outcome = await l.unlock(id).then(
      () => 'released',
      (e: unknown) => (isS3StateError(e) ? 'typed error' : `untyped: ${String(e)}`),
    );
    assert.equal(await storedHolderId(), undefined, 'the first delete landed');
    assert.match(outcome, /^(released|typed error)$/);
  });

  test('lost DeleteItem response on unlock: reported as released, not as a failed unlock', async () => {
    const l = locker();
    const id = await l.lock(newLockInfo());
    env.ddbProxy.inject({ match: { op: 'DeleteItem' }, fault: { kind: 'reset-after-request' } });
    await l.unlock(id);
  });

  test('slow DynamoDB (latency on every call): lock and unlock still complete', async () => {
    env.ddbProxy.inject({ match: {}, fault: { kind: 'delay', ms: 150 }, times: 4 });
    const l = locker();
    const id = await l.lock(newLockInfo());
    await l.unlock(id);
    assert.equal(await storedHolderId(), undefined);
  });
});
