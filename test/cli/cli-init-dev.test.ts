import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { binPath, corpusDir, ensureBuilt } from './bin.ts';
import { startBackendFixture, type BackendFixture } from './fixture.ts';
import { tempDir } from '../harness/tmp.ts';

const FEATURES = path.join(corpusDir, 'gen-tf1.11.4-features-deposed-tainted-checks.tfstate');
const GEN1 = path.join(corpusDir, 'gen-tf1.11.4-features-gen1.tfstate');

describe('s3state init', () => {
  let f: BackendFixture;
  before(async () => {
    ensureBuilt();
    f = await startBackendFixture();
  });
  after(async () => {
    await f.close();
  });
  const keys = async (): Promise<string[]> =>
    ((await f.store.s3.send(new ListObjectsV2Command({ Bucket: f.bucket }))).Contents ?? [])
      .map((o) => o.Key ?? '')
      .sort();
  const object = async (key: string): Promise<string> =>
    (await (
      await f.store.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: key }))
    ).Body?.transformToString()) ?? '';

  test('creates the workspace state, records the configuration; later runs need no backend block', async () => {
    const dir = await f.makeDir({ key: 'init1/terraform.tfstate' });
    const r = await f.run(['init'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /s3state has been successfully initialized!/);
    assert.match(r.stdout, /Recorded the configuration in \.s3state\/backend\.json/);
    assert.ok((await keys()).includes('init1/terraform.tfstate'));
    const created = JSON.parse(await object('init1/terraform.tfstate')) as {
      serial: number;
      lineage: string;
    };
    assert.equal(created.serial, 1);
    assert.match(created.lineage, /^[0-9a-f-]{36}$/);
    assert.ok(existsSync(path.join(dir, '.s3state/backend.json')));
    assert.ok(!existsSync(path.join(dir, '.terraform')));
    rmSync(path.join(dir, 'main.tf'));
    const pull = await f.run(['state', 'pull'], dir);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((JSON.parse(pull.stdout) as { lineage: string }).lineage, created.lineage);
    const again = await f.run(['init', '-json'], dir);
    assert.equal(again.code, 0, again.stderr);
    const doc = JSON.parse(again.stdout) as { created_state: boolean; workspace: string; key: string };
    assert.deepEqual(
      [doc.created_state, doc.workspace, doc.key],
      [false, 'default', 'init1/terraform.tfstate'],
    );
  });

  test('a missing bucket: clear error naming it, exit 1, nothing recorded', async () => {
    const dir = await f.makeDir({ key: 'x/terraform.tfstate' });
    const tf = readFileSync(path.join(dir, 'main.tf'), 'utf8').replace(`"${f.bucket}"`, '"no-such-bucket"');
    await writeFile(path.join(dir, 'main.tf'), tf);
    const r = await f.run(['init'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no-such-bucket/);
    assert.ok(!existsSync(path.join(dir, '.s3state')));
  });

  test('init -show prints the resolved configuration', async () => {
    const dir = await f.makeDir({ key: 'show/terraform.tfstate' });
    const r = await f.run(['init', '-show'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n {2}key += "show\/terraform\.tfstate" +# main\.tf:4\n/);
  });

  test('-migrate-state copies local default + workspaces keeping bytes, lineage and serial; asks first', async () => {
    const dir = await f.makeDir({ key: 'mig/terraform.tfstate' });
    copyFileSync(FEATURES, path.join(dir, 'terraform.tfstate'));
    mkdirSync(path.join(dir, 'terraform.tfstate.d/dev'), { recursive: true });
    copyFileSync(GEN1, path.join(dir, 'terraform.tfstate.d/dev/terraform.tfstate'));
    const before = await keys();
    const no = await f.run(['init', '-migrate-state'], dir, 'no\n');
    assert.equal(no.code, 1);
    assert.match(no.stderr, /Do you want to copy existing state to the new backend\?/);
    assert.deepEqual(await keys(), before);
    const yes = await f.run(['init', '-migrate-state'], dir, 'yes\n');
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(await object('mig/terraform.tfstate'), readFileSync(FEATURES, 'utf8'));
    assert.equal(await object('env:/dev/mig/terraform.tfstate'), readFileSync(GEN1, 'utf8'));
    assert.ok(existsSync(path.join(dir, 'terraform.tfstate')), 'local files stay as backups');
    const list = await f.run(['workspace', 'list'], dir);
    assert.equal(list.stdout, '* default\n  dev\n\n');
    // Running it again is a no-op (same states already there).
    const again = await f.run(['init', '-migrate-state', '-force-copy'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already holds the same state/);
  });

  test('-migrate-state refuses to overwrite a different non-empty remote state unless -force-copy', async () => {
    const dir = await f.makeDir({ key: 'mig2/terraform.tfstate' });
    assert.equal((await f.run(['state', 'push', FEATURES], dir)).code, 0);
    const remoteBefore = await object('mig2/terraform.tfstate');
    copyFileSync(GEN1, path.join(dir, 'terraform.tfstate'));
    const r = await f.run(['init', '-migrate-state', '-force-copy=false'], dir, 'yes\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: Workspace "default" already has a different state in the s3 backend/);
    assert.equal(await object('mig2/terraform.tfstate'), remoteBefore);
    const forced = await f.run(['init', '-migrate-state', '-force-copy'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await object('mig2/terraform.tfstate'), readFileSync(GEN1, 'utf8'));
  });
});

describe('s3state dev', () => {
  test('starts both servers, prints the backend block, stops cleanly on SIGINT', async () => {
    ensureBuilt();
    const tmp = await tempDir('s3state-dev-');
    try {
      const child = spawn(
        process.execPath,
        [binPath, 'dev', '-json', '-s3-port=0', '-dynamodb-port=0', `-dir=${tmp.path}/data`],
        {
          cwd: tmp.path,
          env: { PATH: process.env.PATH ?? '', HOME: tmp.path },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
      const doc = await new Promise<{
        s3_endpoint: string;
        dynamodb_endpoint: string;
        terraform_block: string;
      }>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // not complete yet
          }
        });
        void exited.then((c) => reject(new Error(`dev exited ${c}: ${stderr}`)));
      });
      assert.match(doc.terraform_block, /backend "s3"/);
      const s3 = await fetch(doc.s3_endpoint);
      assert.ok(s3.status > 0);
      const ddb = await fetch(doc.dynamodb_endpoint, { method: 'POST' });
      assert.ok(ddb.status > 0);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(stderr, /Stopped\./);
    } finally {
      await tmp.cleanup();
    }
  });
});
