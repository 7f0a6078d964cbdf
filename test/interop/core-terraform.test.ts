// Interop of the backend core with a real `terraform` on the same bucket (our store) and lock table
// (dynalite), for each lock kind: each side reads what the other wrote (state, outputs, lineage,
// serial, workspace list, digest item), each side's lock blocks the other with the holder's info,
// and each side force-unlocks the other's lock by ID.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import type { DynamoServer } from '../harness/dynalite.ts';
import type { TestStore } from '../harness/store.ts';
import { startLocalBackend, type LocalBackend } from '../harness/local-backend.ts';
import { runTerraform, terraformPath, type RunResult } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';
import { waitFor } from '../harness/ports.ts';
import { S3Backend } from '../../src/backend/s3-backend.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { isLockError } from '../../src/lock/lock-error.ts';
import { readOutputs } from '../../src/backend/read-outputs.ts';
import { parseState } from '../../src/state/parse-state.ts';
import { s3BackendBlock } from '../harness/backend-block.ts';

const tf = terraformPath();
if (!tf) console.log('SKIPPED: terraform not found');

type Mode = 'dynamodb' | 'lockfile' | 'both';
const BUCKET_PREFIX = 'interop';
const KEY = 'envs/prod/terraform.tfstate';
const PREFIX = 'workspaces';
const TABLE = 'tf-locks';

function mainTf(mode: Mode, bucket: string, s3: string, ddb: string): string {
  return `${s3BackendBlock({
    bucket,
    key: KEY,
    workspaceKeyPrefix: PREFIX,
    dynamodbTable: mode !== 'lockfile' ? TABLE : undefined,
    useLockfile: mode !== 'dynamodb',
    endpoints: { s3, dynamodb: ddb },
  })}
resource "terraform_data" "app" {
  for_each = toset(["api", "web"])
  input    = { name = each.key, replicas = 2 }
}

output "endpoint" {
  value = "https://example.invalid/\${terraform.workspace}"
}

output "big" {
  value = 12345678901234567890
}

output "db_password" {
  value     = "fake-db-password-for-tests"
  sensitive = true
}
`;
}

describe('backend core ↔ terraform', { skip: tf ? false : 'terraform not found' }, () => {
  let local: LocalBackend;
  let store: TestStore;
  let dyn: DynamoServer;
  let ddb: DynamoDBClient;
  let home: { path: string; cleanup: () => Promise<void> };

  before(async () => {
    local = await startLocalBackend({ table: TABLE });
    ({ store, dynamo: dyn, ddb } = local);
    home = await tempDir('s3state-tf-home-');
  });
  after(async () => {
    await local?.close();
    await home?.cleanup();
  });

  for (const mode of ['dynamodb', 'lockfile', 'both'] as const) {
    describe(`with ${mode === 'both' ? 'dynamodb_table and use_lockfile' : mode === 'dynamodb' ? 'dynamodb_table' : 'use_lockfile'}`, () => {
      const bucket = `${BUCKET_PREFIX}-${mode}`;
      let dir: string;
      let settings: BackendSettings;
      let backend: S3Backend;
      const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
      const run = (args: string[], input?: string): Promise<RunResult> =>
        runTerraform(args, { cwd: dir, home: home.path, env, ...(input !== undefined ? { input } : {}) });
      const ok = async (args: string[]): Promise<RunResult> => {
        const r = await run(args);
        assert.equal(r.code, 0, `terraform ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
        return r;
      };

      before(async () => {
        await store.s3.send(new CreateBucketCommand({ Bucket: bucket }));
        dir = path.join(home.path, mode);
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, 'main.tf'), mainTf(mode, bucket, store.endpoint, dyn.endpoint));
        settings = {
          bucket,
          key: KEY,
          region: 'us-east-1',
          workspaceKeyPrefix: PREFIX,
          dynamodbTable: mode === 'lockfile' ? undefined : TABLE,
          useLockfile: mode !== 'dynamodb',
          encrypt: false,
          skipS3Checksum: false,
        };
        backend = new S3Backend({ settings, s3: store.s3, dynamodb: ddb });
        await ok(['init', '-input=false', '-no-color']);
      });

      const digestOf = async (stateKey: string): Promise<string | undefined> =>
        (
          await ddb.send(
            new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${bucket}/${stateKey}-md5` } } }),
          )
        ).Item?.Digest?.S;

      test('terraform applies → s3state reads the same state, outputs, lineage, serial and workspace list', async () => {
        await ok(['apply', '-auto-approve', '-input=false', '-no-color']);
        const pulled = await ok(['state', 'pull']);
        const tfState = parseState(pulled.stdout.replace(/\n$/, ''));
        const mgr = await backend.stateManager('default');
        const read = await mgr.read();
        assert.ok(read, 'state object exists');
        assert.equal(read.state.lineage, tfState.lineage);
        assert.equal(read.state.serial, tfState.serial);
        assert.equal(Buffer.from(read.payload.data).toString('utf8') + '\n', pulled.stdout);
        if (mode !== 'lockfile')
          assert.equal(await digestOf(KEY), read.payload.md5, 'terraform digest accepted');
        const tfOutputs = JSON.parse((await ok(['output', '-json'])).stdout) as Record<
          string,
          { value: unknown; sensitive: boolean }
        >;
        const outputs = await readOutputs({
          config: {
            cwd: dir,
            env: {
              ...env,
              HOME: home.path,
              AWS_CONFIG_FILE: '/dev/null',
              AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            },
          },
          workspace: 'default',
        });
        assert.deepEqual(Object.keys(outputs).sort(), Object.keys(tfOutputs).sort());
        assert.equal(outputs.endpoint?.value, tfOutputs.endpoint?.value);
        assert.equal(outputs.db_password?.value, 'fake-db-password-for-tests');
        assert.equal(outputs.db_password?.sensitive, true);
        assert.equal(outputs.big?.value, 12345678901234567890n, 'big number stays exact');
        const list = await ok(['workspace', 'list', '-no-color']);
        assert.deepEqual(await backend.workspaces(), parseWorkspaceList(list.stdout));
        // terraform_remote_state of a workspace without state: the data source's error, nothing created
        await assert.rejects(
          readOutputs({
            config: {
              cwd: dir,
              env: {
                ...env,
                HOME: home.path,
                AWS_CONFIG_FILE: '/dev/null',
                AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
              },
            },
            workspace: 'nope',
          }),
          /Unable to find remote state/,
        );
        assert.deepEqual(await backend.workspaces(), ['default']);
      });

      test('s3state creates a workspace and pushes a state → terraform lists it, pulls it, plans no drift', async () => {
        const source = (await (await backend.stateManager('default')).read())!;
        const mgr = await backend.stateManager('fromts');
        const created = (await mgr.read())!;
        assert.equal(created.state.serial, 1n);
        const written = await mgr.write({
          ...source.state,
          lineage: created.state.lineage,
          serial: created.state.serial,
        });
        assert.equal(written.state.serial, 2n);
        assert.deepEqual(parseWorkspaceList((await ok(['workspace', 'list', '-no-color'])).stdout), [
          'default',
          'fromts',
        ]);
        await ok(['workspace', 'select', 'fromts']);
        try {
          const pulled = parseState((await ok(['state', 'pull'])).stdout);
          assert.equal(pulled.lineage, created.state.lineage);
          assert.equal(pulled.serial, 2n);
          assert.equal(pulled.resources.length, source.state.resources.length);
          const plan = await run([
            'plan',
            '-detailed-exitcode',
            '-input=false',
            '-no-color',
            '-refresh=false',
          ]);
          // Outputs depend on the workspace name: only the endpoint output may change.
          assert.notEqual(plan.code, 1, plan.stderr);
          assert.doesNotMatch(plan.stdout, /terraform_data\.app\[/);
          if (mode !== 'lockfile') assert.equal(await digestOf(`${PREFIX}/fromts/${KEY}`), written.md5);
          // terraform writes → s3state reads its digest and state
          await ok(['apply', '-auto-approve', '-input=false', '-no-color']);
          const after = (await mgr.read())!;
          assert.equal(after.state.lineage, created.state.lineage);
          assert.equal(after.state.serial, 3n);
          const noDrift = await run(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
          assert.equal(noDrift.code, 0, noDrift.stdout + noDrift.stderr);
        } finally {
          await ok(['workspace', 'select', 'default']);
        }
      });

      test('a lock held by s3state makes terraform fail with the holder info; terraform force-unlocks it by ID', async () => {
        const mgr = await backend.stateManager('default');
        const lock = await mgr.lock({ operation: 's3state-test', who: 'ts-holder@interop' });
        const r = await run(['plan', '-input=false', '-no-color', '-lock-timeout=0s']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /Error acquiring the state lock/);
        assert.ok(r.stderr.includes(lock.id), r.stderr);
        assert.match(r.stderr, /ts-holder@interop/);
        await ok(['force-unlock', '-force', lock.id]);
        for (const s of await mgr.lockInfo())
          assert.equal(s.holder, undefined, `${s.mechanism} lock removed`);
      });

      test('a lock held by terraform makes s3state fail with the holder info; s3state force-unlocks it by ID', async () => {
        const mgr = await backend.stateManager('default');
        const child = startTerraformConsole(dir, home.path, env);
        try {
          let holderId = '';
          await waitFor(
            async () => {
              const st = await mgr.lockInfo();
              holderId = st[0]?.holder?.ID ?? '';
              return st.length > 0 && st.every((s) => s.holder !== undefined);
            },
            30_000,
            'terraform console to take the state lock',
          );
          await assert.rejects(mgr.lock({ operation: 'test' }), (e: unknown) => {
            assert.ok(isLockError(e), String(e));
            assert.equal(e.holder?.ID, holderId);
            assert.match(e.holder?.Version ?? '', /^1\.\d+\.\d+$/);
            assert.equal(e.holder?.Path, `${bucket}/${KEY}`);
            return true;
          });
          await mgr.forceUnlock(holderId);
          for (const s of await mgr.lockInfo()) assert.equal(s.holder, undefined);
          const again = await mgr.lock({ operation: 'after-force-unlock' });
          await again.release();
        } finally {
          child.stdin?.end();
          await new Promise<void>((resolve) =>
            child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
          );
        }
      });

      test('terraform deletes a workspace s3state created, and s3state deletes one terraform created', async () => {
        await ok(['workspace', 'new', 'fromtf']);
        await ok(['workspace', 'select', 'default']);
        assert.deepEqual(await backend.workspaces(), ['default', 'fromtf', 'fromts']);
        await backend.deleteWorkspace('fromtf');
        if (mode !== 'lockfile') assert.equal(await digestOf(`${PREFIX}/fromtf/${KEY}`), undefined);
        await ok(['workspace', 'delete', '-force', 'fromts']);
        assert.deepEqual(await backend.workspaces(), ['default']);
        assert.deepEqual(parseWorkspaceList((await ok(['workspace', 'list', '-no-color'])).stdout), [
          'default',
        ]);
        const obj = await store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }));
        const bytes = Buffer.from(await obj.Body!.transformToByteArray());
        if (mode !== 'lockfile')
          assert.equal(await digestOf(KEY), createHash('md5').update(bytes).digest('hex'));
      });
    });
  }
});

describe(
  's3state pushes a corpus state that terraform wrote elsewhere',
  { skip: tf ? false : 'terraform not found' },
  () => {
    let local: LocalBackend;
    let store: TestStore;
    let dyn: DynamoServer;
    let ddb: DynamoDBClient;
    let home: { path: string; cleanup: () => Promise<void> };
    const bucket = 'tfstate-bucket';
    const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const corpusDir = path.resolve(import.meta.dirname, '../../../shared/spec/corpus');

    before(async () => {
      local = await startLocalBackend({ table: TABLE, buckets: [bucket] });
      ({ store, dynamo: dyn, ddb } = local);
      home = await tempDir('s3state-tf-home-');
      // The very configuration the corpus state was produced with, pointed at our servers.
      const tfText = (await readFile(path.join(corpusDir, '_gen/s3ddb/main.tf'), 'utf8'))
        .replace('http://127.0.0.1:4569', store.endpoint)
        .replace('http://127.0.0.1:4567', dyn.endpoint);
      await writeFile(path.join(home.path, 'main.tf'), tfText);
    });
    after(async () => {
      await local?.close();
      await home?.cleanup();
    });

    test('exact bytes pushed by s3state → terraform state pull returns them, digest accepted, plan sees no drift', async () => {
      const run = (args: string[]) => runTerraform(args, { cwd: home.path, home: home.path, env });
      const init = await run(['init', '-input=false', '-no-color']);
      assert.equal(init.code, 0, init.stdout + init.stderr);
      const corpusBytes = await readFile(path.join(corpusDir, 'gen-tf1.11.4-s3-object-default.tfstate'));
      const settings: BackendSettings = {
        bucket,
        key: 'envs/prod/terraform.tfstate',
        region: 'us-east-1',
        workspaceKeyPrefix: 'workspaces',
        dynamodbTable: TABLE,
        useLockfile: false,
        encrypt: false,
        skipS3Checksum: true,
      };
      const backend = new S3Backend({ settings, s3: store.s3, dynamodb: ddb });
      const mgr = await backend.stateManager('default');
      {
        await using lock = await mgr.lock({ operation: 'state-push' });
        assert.notEqual(lock.id, '');
        await mgr.writeBytes(corpusBytes);
      }
      const pulled = await run(['state', 'pull']);
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.equal(pulled.stdout, corpusBytes.toString('utf8') + '\n');
      const plan = await run(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-var', 'sleep=10']);
      assert.equal(plan.code, 0, plan.stdout + plan.stderr);
      assert.match(plan.stdout, /No changes/);
    });
  },
);

function parseWorkspaceList(stdout: string): string[] {
  const names = stdout
    .split('\n')
    .map((l) => l.replace(/^\*/, '').trim())
    .filter((l) => l !== '');
  const rest = names
    .filter((n) => n !== 'default')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return ['default', ...rest];
}

/** `terraform console` holds the state lock while it runs; it exits when stdin closes. */
function startTerraformConsole(cwd: string, home: string, env: Record<string, string>): ChildProcess {
  return spawn(terraformPath()!, ['console'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_CLI_CONFIG_FILE: '/dev/null',
      ...env,
    },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
}
