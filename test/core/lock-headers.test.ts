// Lock-file writes against real servers: the headers match the state writes (TestS3LockingWritingHeaders),
// lock_tags (TestS3LockObjectTagging), lock file key with a prefix on a versioned bucket
// (TestBackendLockFileWithPrefix), and the lock suites with kms_key_id (TestBackend_KmsKeyId) and an
// ACL (TestBackend_ACL).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { S3Backend } from '../../src/backend/s3-backend.ts';
import { StateManager } from '../../src/backend/state-manager.ts';
import { S3RemoteClient } from '../../src/remote/s3-remote-client.ts';
import { isLockError } from '../../src/lock/lock-error.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { TARGETS, recordS3Headers, skipReason, startCoreEnv, type CoreEnv } from './core-env.ts';

/** Headers whose values legitimately differ between two writes. */
const VARYING = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-checksum-sha256',
  'content-length',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'host',
  'if-none-match',
  'x-amz-content-sha256',
  'x-amz-tagging',
  'x-amz-decoded-content-length',
]);

for (const target of TARGETS) {
  describe(`lock file writes on ${target}`, { skip: skipReason(target) }, () => {
    let env: CoreEnv;
    before(async () => {
      env = await startCoreEnv(target);
    });
    after(async () => {
      await env?.close();
    });

    const ssecKey = Buffer.alloc(32, 9).toString('base64');
    const variants: [string, Partial<BackendSettings>][] = [
      ['plain', {}],
      ['encrypt (AES256)', { encrypt: true }],
      ['SSE-C', { encrypt: true, sseCustomerKey: ssecKey }],
      ['ACL bucket-owner-full-control', { acl: 'bucket-owner-full-control' }],
      ['skip_s3_checksum', { skipS3Checksum: true }],
    ];
    for (const [name, over] of variants) {
      test(`TestS3LockingWritingHeaders (${name}): the lock-file PutObject carries the state PutObject's headers`, async () => {
        const settings = await env.settings({ useLockfile: true, ...over });
        const { s3 } = env.clients({ skipS3Checksum: settings.skipS3Checksum });
        const log = recordS3Headers(s3);
        await new S3RemoteClient({ s3, settings, stateKey: settings.key }).put(
          Buffer.from('{"version":4}\n'),
        );
        const lock = await new StateManager('default', { settings, s3 }).lock({ operation: 'test' });
        await lock.release();
        const puts = log.requests.filter((r) => r.op === 'PutObjectCommand');
        assert.equal(puts.length, 2);
        const [statePut, lockPut] = puts as [(typeof puts)[0], (typeof puts)[0]];
        const strip = (h: Record<string, string>) =>
          Object.fromEntries(Object.entries(h).filter(([k]) => !VARYING.has(k)));
        assert.deepEqual(strip(lockPut.headers), strip(statePut.headers));
        assert.equal(lockPut.headers['if-none-match'], '*');
        assert.equal('x-amz-checksum-sha256' in lockPut.headers, !settings.skipS3Checksum);
      });
    }

    const tagCases: [string, Record<string, string> | undefined, string | undefined][] = [
      ['no tags', undefined, undefined],
      ['one tag', { a: 'b' }, 'a=b'],
      ['three tags', { f: 'g', a: 'b', c: 'e' }, 'a=b&c=e&f=g'],
    ];
    for (const [name, tags, header] of tagCases) {
      test(`TestS3LockObjectTagging (${name}): x-amz-tagging ${header ?? '(none)'} on the lock file only`, async () => {
        const settings = await env.settings({ useLockfile: true, lockTags: tags });
        const { s3 } = env.clients();
        const log = recordS3Headers(s3);
        const m = new StateManager('default', { settings, s3 });
        const lock = await m.lock({ operation: 'test' });
        const put = log.requests.find((r) => r.op === 'PutObjectCommand');
        assert.equal(put?.headers['x-amz-tagging'], header);
        const stored = await env.s3.send(
          new GetObjectTaggingCommand({ Bucket: settings.bucket, Key: 'test/state.tflock' }),
        );
        assert.deepEqual(Object.fromEntries((stored.TagSet ?? []).map((t) => [t.Key, t.Value])), tags ?? {});
        await lock.release();
      });
    }

    test('TestBackendLockFileWithPrefix: lock file at prefix/env-1/test/test-env.tfstate.tflock, delete marker after unlock', async () => {
      const settings = await env.settings({
        useLockfile: true,
        workspaceKeyPrefix: 'prefix',
        key: 'test/test-env.tfstate',
      });
      await env.s3.send(
        new PutBucketVersioningCommand({
          Bucket: settings.bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
      const m = await new S3Backend({ settings, s3: env.s3 }).stateManager('env-1');
      const lock = await m.lock({ operation: 'test' });
      assert.equal(
        m.locker.file && 'lockKey' in m.locker.file ? m.locker.file.lockKey : '',
        'prefix/env-1/test/test-env.tfstate.tflock',
      );
      await lock.release();
      const versions = await env.s3.send(
        new ListObjectVersionsCommand({
          Bucket: settings.bucket,
          Prefix: 'prefix/env-1/test/test-env.tfstate.tflock',
        }),
      );
      assert.ok((versions.DeleteMarkers ?? []).length >= 1, 'a delete marker remains');
      assert.ok((versions.Versions ?? []).length >= 2, 'lock versions from creation and the lock remain');
    });

    for (const [name, over] of [
      [
        'TestBackend_KmsKeyId',
        {
          encrypt: true,
          kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000',
        },
      ],
      ['TestBackend_ACL', { acl: 'bucket-owner-full-control' }],
    ] as [string, Partial<BackendSettings>][]) {
      test(`${name}: lock suite with lock file + DynamoDB`, async (t) => {
        const settings = await env.settings({ useLockfile: true, dynamodbTable: env.table, ...over });
        const a = new StateManager('default', { settings, s3: env.s3, dynamodb: env.ddb });
        const other = env.clients();
        const b = new StateManager('default', { settings, s3: other.s3, dynamodb: other.ddb });
        let lockA;
        try {
          lockA = await a.lock({ operation: 'test' });
        } catch (e) {
          if (name === 'TestBackend_KmsKeyId' && /KMS|kms/.test(String(e))) {
            t.skip(`${env.kind} rejects SSE-KMS with a key it does not know: ${String(e).split('\n')[0]}`);
            return;
          }
          throw e;
        }
        await assert.rejects(
          b.lock({ operation: 'test' }),
          (e: unknown) => isLockError(e) && e.holder?.ID === lockA.id,
        );
        await lockA.release();
        const lockB = await b.lock({ operation: 'test' });
        await lockB.release();
      });
    }
  });
}
