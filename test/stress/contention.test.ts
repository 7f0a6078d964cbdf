// Contention (issue 6, reliability 1): 16 concurrent writer processes each do
// lock → read → add one resource → write → unlock, 10 times, with a lock timeout; once with
// `dynamodb_table`, once with `use_lockfile`, once with both, and once mixing s3state writers with
// real `terraform apply` runs on the same state. The final state must hold exactly every increment,
// the serial must advance exactly once per write, no lock may be left behind, and the DynamoDB
// digest must match the stored bytes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { startDynalite, type DynamoServer } from '../harness/dynalite.ts';
import { tempDir } from '../harness/tmp.ts';
import { terraformPath, runTerraform } from '../harness/terraform.ts';
import { startS3Upstream } from '../faults/fault-env.ts';
import { createLockTable } from '../harness/lock-table.ts';
import { s3BackendBlock } from '../harness/backend-block.ts';

const WRITERS = 16;
const ITERATIONS = 10;
const LOCK_TIMEOUT_MS = 15 * 60_000;
const BUCKET = 'contention';
const TABLE = 'contention-locks';

interface Line {
  worker: string;
  iteration: number;
  readSerial: string | null;
  wroteSerial: string;
}

let s3Up: Awaited<ReturnType<typeof startS3Upstream>>;
let ddb: DynamoServer;
let s3: S3Client;
let dynamo: DynamoDBClient;
let work: { path: string; cleanup: () => Promise<void> };
let bundle: string;
let skip: string | false = false;

before(async () => {
  s3Up = await startS3Upstream();
  if (!s3Up) {
    skip = 'an S3 server with conditional writes (our store or moto) not found';
    console.log(`SKIPPED: ${skip}`);
    return;
  }
  console.log(`# S3 server: ${s3Up.name}`);
  ddb = await startDynalite();
  work = await tempDir('s3state-contention-');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: s3Up.endpoint,
    forcePathStyle: true,
    credentials: s3Up.credentials,
  });
  dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: ddb.endpoint, credentials: s3Up.credentials });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await createLockTable(dynamo, TABLE);
  // One bundled file: 16 processes start in ~0.2 s each instead of compiling TypeScript each. It lives
  // inside the checkout so that the AWS SDK, which src/aws/load-sdk.ts requires at run time, resolves.
  bundle = resolve(import.meta.dirname, '../../node_modules/.cache/s3state-stress/worker.mjs');
  await build({
    entryPoints: [resolve(import.meta.dirname, 'worker.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
});
after(async () => {
  s3?.destroy();
  dynamo?.destroy();
  await ddb?.close();
  await s3Up?.close();
  await work?.cleanup();
});

function settings(key: string, ddbLock: boolean, lockfile: boolean): BackendSettings {
  return {
    bucket: BUCKET,
    key,
    region: 'us-east-1',
    workspaceKeyPrefix: 'env:',
    dynamodbTable: ddbLock ? TABLE : undefined,
    useLockfile: lockfile,
    encrypt: false,
    skipS3Checksum: false,
  };
}

function runWorker(
  name: string,
  s: BackendSettings,
): Promise<{ code: number; lines: Line[]; stderr: string }> {
  const cfg = {
    name,
    iterations: ITERATIONS,
    lockTimeoutMs: LOCK_TIMEOUT_MS,
    s3Endpoint: s3Up!.endpoint,
    dynamodbEndpoint: ddb.endpoint,
    accessKey: s3Up!.credentials.accessKeyId,
    secretKey: s3Up!.credentials.secretAccessKey,
    settings: s,
  };
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '', S3STATE_WORKER: JSON.stringify(cfg) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolveRun({
        code: code ?? -1,
        stderr: err,
        lines: out
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Line),
      }),
    );
  });
}

async function finalState(key: string): Promise<{ text: string; names: string[]; serial: number }> {
  const g = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const text = await g.Body!.transformToString();
  const doc = JSON.parse(text) as { serial: number; resources: { name: string }[] };
  return { text, names: doc.resources.map((r) => r.name), serial: doc.serial };
}

async function assertNoLockLeft(key: string, ddbLock: boolean, lockfile: boolean): Promise<void> {
  if (ddbLock) {
    const r = await dynamo.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { LockID: { S: `${BUCKET}/${key}` } },
        ConsistentRead: true,
      }),
    );
    assert.equal(r.Item, undefined, `DynamoDB lock left behind: ${JSON.stringify(r.Item)}`);
  }
  if (lockfile) {
    const err = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${key}.tflock` })).then(
      () => 'exists',
      (e: unknown) => (e as { name?: string }).name,
    );
    assert.equal(err, 'NotFound', 'lock file left behind');
  }
}

async function assertDigest(key: string, text: string): Promise<void> {
  const r = await dynamo.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { LockID: { S: `${BUCKET}/${key}-md5` } },
      ConsistentRead: true,
    }),
  );
  assert.equal(
    r.Item?.Digest?.S,
    createHash('md5').update(text).digest('hex'),
    'digest matches the stored bytes',
  );
}

function assertSerials(lines: Line[]): void {
  for (const l of lines) {
    const want = l.readSerial === null ? 1n : BigInt(l.readSerial) + 1n;
    assert.equal(BigInt(l.wroteSerial), want, `${l.worker}#${l.iteration}: serial advanced by one`);
  }
  const serials = lines.map((l) => l.wroteSerial);
  assert.equal(
    new Set(serials).size,
    serials.length,
    'no two writes produced the same serial (no lost update)',
  );
}

// The four scenarios use different state keys and run at the same time: a writer spends most of its
// time in the lock back-off (1 s doubling to 16 s, as the peers), so running them one after another
// only adds their waits up.
describe('16 concurrent writers (separate processes)', { concurrency: true }, () => {
  for (const [label, ddbLock, lockfile] of [
    ['dynamodb_table', true, false],
    ['use_lockfile', false, true],
    ['dynamodb_table + use_lockfile', true, true],
  ] as const) {
    test(
      `${label}: every increment lands, serial +1 per write, no lock left, digest matches`,
      { skip },
      async () => {
        const key = `${label.replace(/\W+/g, '-')}/terraform.tfstate`;
        const s = settings(key, ddbLock, lockfile);
        const names = Array.from({ length: WRITERS }, (_, i) => `w${String(i).padStart(2, '0')}`);
        const results = await Promise.all(names.map((n) => runWorker(n, s)));
        for (const [i, r] of results.entries()) assert.equal(r.code, 0, `${names[i]} failed: ${r.stderr}`);
        const lines = results.flatMap((r) => r.lines);
        assert.equal(lines.length, WRITERS * ITERATIONS);
        assertSerials(lines);
        const st = await finalState(key);
        const expected = names
          .flatMap((n) => Array.from({ length: ITERATIONS }, (_, i) => `${n}_${i}`))
          .sort();
        assert.deepEqual([...st.names].sort(), expected, 'exactly every increment, none lost or doubled');
        assert.equal(st.serial, WRITERS * ITERATIONS, 'serial = number of writes');
        await assertNoLockLeft(key, ddbLock, lockfile);
        if (ddbLock) await assertDigest(key, st.text);
      },
    );
  }

  test(
    's3state writers mixed with real terraform apply runs on the same state',
    { skip: skip || (!terraformPath() && 'terraform not found') },
    async () => {
      if (!terraformPath()) console.log('SKIPPED: terraform not found');
      const key = 'mixed/terraform.tfstate';
      const s = settings(key, true, true);
      const TF_WORKERS = 3;
      const TF_APPLIES = 3;
      const S3S_WORKERS = WRITERS - TF_WORKERS;
      const tfDirs: string[] = [];
      const home = join(work.path, 'tfhome');
      await mkdir(home, { recursive: true });
      const env = {
        AWS_ACCESS_KEY_ID: s3Up!.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3Up!.credentials.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      for (let w = 0; w < TF_WORKERS; w++) {
        const dir = join(work.path, `tf${w}`);
        await mkdir(dir, { recursive: true });
        const resources = Array.from(
          { length: TF_APPLIES },
          (_, i) => `resource "terraform_data" "t${w}_${i}" {\n  input = "t${w}-${i}"\n}\n`,
        ).join('\n');
        await writeFile(
          join(dir, 'main.tf'),
          `${s3BackendBlock({
            bucket: BUCKET,
            key,
            dynamodbTable: TABLE,
            useLockfile: true,
            endpoints: { s3: s3Up!.endpoint, dynamodb: ddb.endpoint },
          })}\n${resources}`,
        );
        const init = await runTerraform(['init', '-input=false', '-no-color'], { cwd: dir, home, env });
        assert.equal(init.code, 0, `terraform init: ${init.stderr}`);
        tfDirs.push(dir);
      }
      const tfRun = async (w: number): Promise<void> => {
        for (let i = 0; i < TF_APPLIES; i++) {
          // -target: terraform creates only its own resource and leaves the writers' resources alone.
          const r = await runTerraform(
            [
              'apply',
              '-auto-approve',
              '-input=false',
              '-no-color',
              `-lock-timeout=${LOCK_TIMEOUT_MS / 1000}s`,
              `-target=terraform_data.t${w}_${i}`,
            ],
            { cwd: tfDirs[w]!, home, env },
          );
          assert.equal(r.code, 0, `terraform apply t${w}_${i}: ${r.stderr}`);
        }
      };
      const names = Array.from({ length: S3S_WORKERS }, (_, i) => `w${String(i).padStart(2, '0')}`);
      const [results] = await Promise.all([
        Promise.all(names.map((n) => runWorker(n, s))),
        Promise.all(Array.from({ length: TF_WORKERS }, (_, w) => tfRun(w))),
      ]);
      for (const [i, r] of results.entries()) assert.equal(r.code, 0, `${names[i]} failed: ${r.stderr}`);
      const lines = results.flatMap((r) => r.lines);
      assertSerials(lines);
      const st = await finalState(key);
      const expected = [
        ...names.flatMap((n) => Array.from({ length: ITERATIONS }, (_, i) => `${n}_${i}`)),
        ...Array.from({ length: TF_WORKERS }, (_, w) =>
          Array.from({ length: TF_APPLIES }, (_, i) => `t${w}_${i}`),
        ).flat(),
      ].sort();
      assert.deepEqual([...st.names].sort(), expected, 'every s3state and terraform increment is there');
      // Terraform may persist more than once per apply; our writes each advanced the serial by one.
      assert.ok(st.serial >= lines.length + TF_WORKERS * TF_APPLIES, `serial ${st.serial}`);
      await assertNoLockLeft(key, true, true);
      await assertDigest(key, st.text);
    },
  );
});
