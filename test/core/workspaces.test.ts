// Contract suite of workspaces and the state manager against real servers: the peers'
// TestBackendStates (per prefix, as TestKeyEnv runs it), TestBackendExtraPaths,
// TestBackendPrefixInWorkspace, TestBackendStateLocks, listing pages, corrupt states.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Backend } from '../../src/backend/s3-backend.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { parseLockInfo } from '../../src/lock/lock-info.ts';
import { isLockError } from '../../src/lock/lock-error.ts';
import { isS3StateError } from '../../src/errors.ts';
import { parseState } from '../../src/state/parse-state.ts';
import { rawString } from '../../src/state/raw-json.ts';
import type { StateFile } from '../../src/state/state-file.ts';
import { md5Hex } from '../../src/remote/s3-remote-client.ts';
import type { DynamoDBLike } from '../../src/remote/facades.ts';
import { TARGETS, skipReason, startCoreEnv, type CoreEnv } from './core-env.ts';

const corpus = path.resolve(import.meta.dirname, '../../../shared/spec/corpus');

function withOutput(s: StateFile, name: string, value: string): StateFile {
  const outputs = new Map(s.outputs);
  outputs.set(name, { value: rawString(value), type: rawString('string'), sensitive: false });
  return { ...s, outputs };
}

for (const target of TARGETS) {
  describe(`workspaces contract on ${target}`, { skip: skipReason(target) }, () => {
    let env: CoreEnv;
    before(async () => {
      env = await startCoreEnv(target);
    });
    after(async () => {
      await env?.close();
    });

    const backend = (settings: BackendSettings, extra: { s3?: S3Client; dynamodb?: DynamoDBLike } = {}) =>
      new S3Backend({ settings, s3: extra.s3 ?? env.s3, dynamodb: extra.dynamodb ?? env.ddb });

    /** The peers' backend.TestBackendStates. */
    async function backendStates(b: S3Backend): Promise<void> {
      assert.deepEqual(await b.workspaces(), ['default']);
      const foo = await b.stateManager('foo');
      const bar = await b.stateManager('bar');
      const fooRead = await foo.read();
      const barRead = await bar.read();
      assert.ok(fooRead && barRead, 'new workspaces get an empty state');
      assert.equal(fooRead.state.serial, 1n);
      assert.equal(fooRead.state.resources.length, 0);
      assert.notEqual(fooRead.state.lineage, barRead.state.lineage);
      await foo.write(withOutput(fooRead.state, 'which', 'foo'));
      const barState = parseState(readFileSync(path.join(corpus, 'gen-tf1.11.4-s3-object-default.tfstate')));
      await bar.write({ ...barState, lineage: barRead.state.lineage, serial: barRead.state.serial });
      // isolation after re-fetch through a fresh backend
      const again = backend(b.opts.settings);
      const foo2 = (await (await again.stateManager('foo')).read())!;
      const bar2 = (await (await again.stateManager('bar')).read())!;
      assert.equal(foo2.state.resources.length, 0);
      assert.deepEqual([...foo2.state.outputs.keys()], ['which']);
      assert.equal(foo2.state.serial, 2n);
      assert.ok(bar2.state.resources.length > 0);
      assert.equal(bar2.state.outputs.has('which'), false);
      assert.deepEqual(await b.workspaces(), ['default', 'bar', 'foo']);
      await b.deleteWorkspace('foo');
      await assert.rejects(b.deleteWorkspace('default'), /can't delete default state/);
      assert.deepEqual(await b.workspaces(), ['default', 'bar']);
      const fooAgain = await b.stateManager('foo');
      const recreated = (await fooAgain.read())!;
      assert.notEqual(recreated.state.lineage, fooRead.state.lineage);
      await b.deleteWorkspace('foo');
      assert.deepEqual(await b.workspaces(), ['default', 'bar']);
    }

    for (const prefix of ['env:', '', 'project/env:']) {
      test(`TestBackendStates / TestKeyEnv with workspace_key_prefix ${JSON.stringify(prefix)}`, async () => {
        const settings = await env.settings({
          workspaceKeyPrefix: prefix,
          key: 'some/paths/tfstate',
          encrypt: true,
        });
        await backendStates(backend(settings));
        const keys = (await env.s3.send(new ListObjectsV2Command({ Bucket: settings.bucket }))).Contents?.map(
          (c) => c.Key,
        );
        assert.deepEqual(keys, [
          prefix === '' ? 'bar/some/paths/tfstate' : `${prefix}/bar/some/paths/tfstate`,
        ]);
      });
    }

    test('TestBackendStates with DynamoDB and lock file: digests written on create and removed on delete', async () => {
      const settings = await env.settings({ dynamodbTable: env.table, useLockfile: true });
      const lockOps: string[] = [];
      const spy: DynamoDBLike = {
        send: ((cmd: unknown) => {
          if (cmd instanceof PutItemCommand) {
            const info = cmd.input.Item?.Info?.S;
            if (info) lockOps.push(parseLockInfo(info).Operation);
          }
          return (env.ddb.send as (c: unknown) => Promise<unknown>)(cmd);
        }) as DynamoDBLike['send'],
      };
      const b = backend(settings, { dynamodb: spy });
      await backendStates(b);
      assert.ok(lockOps.length >= 3 && lockOps.every((op) => op === 'init'), lockOps.join(','));
      const digest = async (ws: string) =>
        (
          await env.ddb.send(
            new GetItemCommand({
              TableName: env.table,
              Key: { LockID: { S: `${settings.bucket}/env:/${ws}/test/state-md5` } },
            }),
          )
        ).Item?.Digest?.S;
      const bar = (await (await b.stateManager('bar')).readBytes())!;
      assert.equal(await digest('bar'), md5Hex(bar.data));
      assert.equal(await digest('foo'), undefined);
    });

    test('TestBackendExtraPaths: stray keys are not workspaces; recreating gives a new lineage', async () => {
      const settings = await env.settings();
      const b = backend(settings);
      const s1 = await b.stateManager('s1');
      await b.stateManager('s2');
      for (const key of [
        'env:/error',
        'env:/s2/notTestState',
        'env:/s2/',
        'env:/s3/x/test/state',
        'env:/s1/test/state.tflock',
      ]) {
        await env.s3.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: 'x' }));
      }
      assert.deepEqual(await b.workspaces(), ['default', 's1', 's2']);
      const s2lineage = (await (await b.stateManager('s2')).read())!.state.lineage;
      await b.deleteWorkspace('s2');
      assert.deepEqual(await b.workspaces(), ['default', 's1']);
      const s2 = (await (await b.stateManager('s2')).read())!;
      assert.notEqual(s2.state.lineage, s2lineage);
      assert.deepEqual(await b.workspaces(), ['default', 's1', 's2']);
      assert.ok(await s1.read());
    });

    test('TestBackendPrefixInWorkspace: prefix "env" with workspace "env-1"', async () => {
      const settings = await env.settings({ workspaceKeyPrefix: 'env', key: 'test-env.tfstate' });
      const b = backend(settings);
      await b.stateManager('env-1');
      assert.deepEqual(await b.workspaces(), ['default', 'env-1']);
    });

    test('listing follows continuation tokens (page size forced to 2 by a request-rewriting facade)', async () => {
      const settings = await env.settings();
      const names = ['w5', 'w1', 'w4', 'w2', 'w3', 'W0'];
      for (const n of names) {
        await env.s3.send(
          new PutObjectCommand({ Bucket: settings.bucket, Key: `env:/${n}/test/state`, Body: '{}' }),
        );
      }
      let pages = 0;
      const paged = {
        send: ((cmd: unknown) => {
          if (cmd instanceof ListObjectsV2Command) {
            cmd.input.MaxKeys = 2;
            pages++;
          }
          return (env.s3.send as (c: unknown) => Promise<unknown>)(cmd);
        }) as S3Client['send'],
      } as S3Client;
      const b = backend(settings, { s3: paged });
      assert.deepEqual(await b.workspaces(), ['default', 'W0', 'w1', 'w2', 'w3', 'w4', 'w5']);
      assert.ok(pages >= 3);
    });

    test('TestBackendStateLocks: a locked state is still readable by another backend, which cannot lock it', async () => {
      const settings = await env.settings({ dynamodbTable: env.table, key: 'test/state' });
      const a = await backend(settings).stateManager('default');
      await a.write(parseState(readFileSync(path.join(corpus, 'gen-tf1.11.4-remote-outputs-only.tfstate'))));
      const lock = await a.lock({ operation: 'test' });
      const other = env.clients();
      const b = await backend(settings, { s3: other.s3, dynamodb: other.ddb }).stateManager('default');
      assert.ok(await b.read());
      await assert.rejects(
        b.lock({ operation: 'test' }),
        (e: unknown) => isLockError(e) && e.holder?.ID === lock.id,
      );
      await lock.release();
      const lockB = await b.lock({ operation: 'test' });
      await lockB.release();
    });

    test('write rules (spec §5.3): first write new lineage + serial 1; unchanged → no write; changed → serial + 1', async () => {
      const settings = await env.settings({ dynamodbTable: env.table });
      const m = await backend(settings).stateManager('default');
      const pushed = parseState(readFileSync(path.join(corpus, 'gen-tf1.11.4-s3-object-default.tfstate')));
      const first = await m.write(pushed);
      assert.equal(first.written, true);
      assert.equal(first.state.serial, 1n);
      assert.notEqual(first.state.lineage, pushed.lineage);
      const read = (await m.read())!;
      assert.equal((await m.write(read.state)).written, false);
      const changed = await m.write(withOutput(read.state, 'extra', 'x'));
      assert.equal(changed.written, true);
      assert.equal(changed.state.serial, 2n);
      assert.equal(changed.state.lineage, first.state.lineage);
      const stored = (await m.readBytes())!;
      assert.equal(stored.md5, changed.md5);
      // terraform flavour: indented JSON + newline
      assert.match(Buffer.from(stored.data).toString('utf8'), /^\{\n {2}"version": 4,\n/);
    });

    test('a corrupt state object gives a StateError naming the object; nothing is overwritten', async () => {
      const settings = await env.settings();
      await env.s3.send(
        new PutObjectCommand({ Bucket: settings.bucket, Key: settings.key, Body: '{"version": 4, oops' }),
      );
      const m = await backend(settings).stateManager('default');
      await assert.rejects(m.read(), (e: Error) => {
        assert.ok(isS3StateError(e, 'STATE'));
        assert.match(e.message, /Unsupported state file format/);
        assert.ok(e.message.includes(`s3://${settings.bucket}/${settings.key}`));
        return true;
      });
      await assert.rejects(
        m.write(parseState(readFileSync(path.join(corpus, 'gen-tf1.11.4-remote-outputs-only.tfstate')))),
      );
      assert.equal(Buffer.from((await m.readBytes())!.data).toString(), '{"version": 4, oops');
    });

    test("an OpenTofu encryption envelope is refused with the peers' message", async () => {
      const settings = await env.settings();
      const envelope = readFileSync(path.join(corpus, 'testdata-tofu-encryption-envelope-fake.tfstate'));
      await env.s3.send(new PutObjectCommand({ Bucket: settings.bucket, Key: settings.key, Body: envelope }));
      const m = await backend(settings).stateManager('default');
      await assert.rejects(
        m.read(),
        /This state file is encrypted and can not be read without an encryption configuration/,
      );
    });

    test('missing bucket: listing fails naming the bucket', async () => {
      const settings = await env.settings({ bucket: `no-such-bucket-${process.pid}` });
      await assert.rejects(backend(settings).workspaces(), /S3 bucket "no-such-bucket-\d+" does not exist/);
    });

    test('invalid workspace names are refused before touching S3', async () => {
      const settings = await env.settings();
      await assert.rejects(backend(settings).stateManager('a/b'), /Invalid workspace name "a\/b"/);
      assert.equal(
        (await env.s3.send(new ListObjectsV2Command({ Bucket: settings.bucket }))).KeyCount ?? 0,
        0,
      );
    });
  });
}
