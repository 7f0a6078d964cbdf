/**
 * A real `terraform` against the dev stack (`s3state dev`): init, apply, workspaces, state pull, and a
 * second apply refused while the first holds the lock — once with the S3 lock file, once with the
 * DynamoDB table, once with the block exactly as `s3state dev` prints it (both).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startDevStack, type DevStack } from '../../src/store/dev-stack.ts';
import { waitFor } from '../harness/ports.ts';
import { runTerraform, terraformPath, type RunResult } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';

const tf = terraformPath();
if (!tf) console.log('SKIPPED: terraform not found');

type LockKind = 'use_lockfile' | 'dynamodb_table' | 'both (block as printed)';
const KINDS: { kind: LockKind; slug: string }[] = [
  { kind: 'use_lockfile', slug: 'lockfile' },
  { kind: 'dynamodb_table', slug: 'dynamodb' },
  { kind: 'both (block as printed)', slug: 'both' },
];

/** The resources: `gate` makes the apply wait (holding the lock) until the test creates a file. */
const RESOURCES = `
variable "gate" {
  type    = string
  default = ""
}

resource "terraform_data" "app" {
  input = { name = "api", workspace = terraform.workspace }
}

resource "terraform_data" "wait" {
  triggers_replace = var.gate
  provisioner "local-exec" {
    command = "if [ -n '\${var.gate}' ]; then touch '\${var.gate}.started'; while [ ! -e '\${var.gate}' ]; do sleep 0.05; done; fi"
  }
}

output "workspace" {
  value = terraform.workspace
}
`;

/** The printed block, with its key changed and, for one lock kind, the other lock line removed. */
function backendBlock(stack: DevStack, kind: LockKind, key: string): string {
  const lines = stack.terraformBlock
    .replace(/^ {4}key {4}= ".*"$/m, `    key    = ${JSON.stringify(key)}`)
    .split('\n');
  assert.ok(
    lines.some((l) => l.includes(JSON.stringify(key))),
    'key line replaced',
  );
  return lines
    .filter((l) => {
      if (kind === 'use_lockfile') return !/^\s*dynamodb_table\s*=/.test(l);
      if (kind === 'dynamodb_table') return !/^\s*use_lockfile\s*=/.test(l);
      return true;
    })
    .join('\n');
}

function expectOk(r: RunResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
}

describe('terraform against the dev stack', { skip: tf ? false : 'terraform not found' }, () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let stack: DevStack;
  let s3: S3Client;
  let db: DynamoDBClient;

  before(async () => {
    tmp = await tempDir('s3state-devtf-');
    stack = await startDevStack({ dir: join(tmp.path, '.s3state'), s3Port: 0, dynamodbPort: 0 });
    const credentials = { accessKeyId: stack.accessKey, secretAccessKey: stack.secretKey };
    s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: stack.region,
      forcePathStyle: true,
      credentials,
    });
    db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials });
  });

  after(async () => {
    s3?.destroy();
    db?.destroy();
    await stack?.close();
    await tmp?.cleanup();
  });

  async function objectBytes(key: string): Promise<Buffer | undefined> {
    try {
      const r = await s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async function objectExists(key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
      return true;
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw e;
    }
  }

  async function lockItem(id: string): Promise<Record<string, { S?: string }> | undefined> {
    const r = await db.send(
      new GetItemCommand({ TableName: stack.table, Key: { LockID: { S: id } }, ConsistentRead: true }),
    );
    return r.Item;
  }

  for (const { kind, slug } of KINDS) {
    describe(`lock: ${kind}`, () => {
      const key = `${slug}/terraform.tfstate`;
      const usesFile = kind !== 'dynamodb_table';
      const usesTable = kind !== 'use_lockfile';
      let cwd: string;
      let home: string;
      const run = (args: string[]): Promise<RunResult> =>
        runTerraform([...args], {
          cwd,
          home,
          env: { ...stack.env, AWS_EC2_METADATA_DISABLED: 'true' },
        });

      before(async () => {
        cwd = join(tmp.path, slug);
        home = join(tmp.path, `${slug}-home`);
        await mkdir(cwd, { recursive: true });
        await mkdir(home, { recursive: true });
        await writeFile(join(cwd, 'main.tf'), `${backendBlock(stack, kind, key)}\n${RESOURCES}`);
      });

      test('init, apply: the state lands in the bucket; the lock is released', async () => {
        const init = await run(['init', '-input=false', '-no-color']);
        expectOk(init, 'terraform init');
        assert.match(init.stdout, /Successfully configured the backend "s3"/);
        const apply = await run(['apply', '-auto-approve', '-input=false', '-no-color']);
        expectOk(apply, 'terraform apply');
        assert.match(apply.stdout, /Apply complete! Resources: 2 added/);
        const bytes = await objectBytes(key);
        assert.ok(bytes, `state object ${key} written`);
        const state = JSON.parse(bytes.toString('utf8')) as {
          version: number;
          serial: number;
          lineage: string;
          outputs: Record<string, { value: unknown }>;
          resources: { type: string; name: string }[];
        };
        assert.equal(state.version, 4);
        assert.equal(state.outputs.workspace?.value, 'default');
        assert.deepEqual(
          state.resources.map((r) => `${r.type}.${r.name}`),
          ['terraform_data.app', 'terraform_data.wait'],
        );
        if (usesFile)
          assert.equal(await objectExists(`${key}.tflock`), false, 'lock file removed after apply');
        if (usesTable) {
          assert.equal(await lockItem(`${stack.bucket}/${key}`), undefined, 'lock item removed after apply');
          const digest = await lockItem(`${stack.bucket}/${key}-md5`);
          assert.equal(
            digest?.Digest?.S,
            createHash('md5').update(bytes).digest('hex'),
            'digest item = MD5 of state',
          );
        }
      });

      test('workspace new / list / select, apply in a workspace, state pull', async () => {
        expectOk(await run(['workspace', 'new', '-no-color', 'staging']), 'workspace new staging');
        const list = await run(['workspace', 'list', '-no-color']);
        expectOk(list, 'workspace list');
        assert.deepEqual(
          list.stdout
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
          ['default', '* staging'],
        );
        expectOk(await run(['apply', '-auto-approve', '-input=false', '-no-color']), 'apply in staging');
        const staged = await objectBytes(`env:/staging/${key}`);
        assert.ok(staged, `workspace state at env:/staging/${key}`);
        const st = JSON.parse(staged.toString('utf8')) as { outputs: Record<string, { value: unknown }> };
        assert.equal(st.outputs.workspace?.value, 'staging');

        const pullStaging = await run(['state', 'pull']);
        expectOk(pullStaging, 'state pull (staging)');
        assert.equal(pullStaging.stdout, `${staged.toString('utf8')}\n`);

        expectOk(await run(['workspace', 'select', '-no-color', 'default']), 'workspace select default');
        const list2 = await run(['workspace', 'list', '-no-color']);
        assert.match(list2.stdout, /^\* default$/m);
        const pull = await run(['state', 'pull']);
        expectOk(pull, 'state pull (default)');
        const current = await objectBytes(key);
        assert.equal(
          pull.stdout,
          `${current!.toString('utf8')}\n`,
          'state pull prints the stored bytes + newline',
        );
      });

      test('a second apply fails with "Error acquiring the state lock" while the first holds the lock', async () => {
        const gate = join(tmp.path, `${slug}-gate`);
        const first = run(['apply', '-auto-approve', '-input=false', '-no-color', `-var=gate=${gate}`]);
        let released = false;
        try {
          // The provisioner runs while the first apply holds the lock; it announces itself with a file.
          await waitFor(
            async () => existsSync(`${gate}.started`),
            60_000,
            'the first apply to reach its provisioner',
          );
          if (usesFile) {
            const lock = await objectBytes(`${key}.tflock`);
            assert.ok(lock, 'lock file present while the first apply runs');
            const info = JSON.parse(lock.toString('utf8')) as { ID: string; Operation: string; Path: string };
            assert.equal(info.Path, `${stack.bucket}/${key}`);
            assert.equal(info.Operation, 'OperationTypeApply');
          }
          if (usesTable) {
            const item = await lockItem(`${stack.bucket}/${key}`);
            assert.ok(item?.Info?.S, 'lock item present while the first apply runs');
            const info = JSON.parse(item.Info.S) as { Path: string; Operation: string };
            assert.equal(info.Path, `${stack.bucket}/${key}`);
            assert.equal(info.Operation, 'OperationTypeApply');
          }
          const second = await run(['apply', '-auto-approve', '-input=false', '-no-color']);
          assert.notEqual(second.code, 0, 'second apply must fail');
          assert.match(second.stderr, /Error acquiring the state lock/);
          assert.match(second.stderr, /Lock Info:/);
          assert.match(second.stderr, new RegExp(`Path:\\s+${stack.bucket}/${key.replace('/', '\\/')}`));
          await writeFile(gate, '');
          released = true;
          const done = await first;
          expectOk(done, 'first apply');
        } finally {
          if (!released) {
            await writeFile(gate, '');
            await first;
          }
        }
        if (usesFile)
          assert.equal(await objectExists(`${key}.tflock`), false, 'lock file removed after apply');
        if (usesTable) assert.equal(await lockItem(`${stack.bucket}/${key}`), undefined, 'lock item removed');
      });
    });
  }

  test('after a dev stack restart on the same folder and ports, terraform sees its state: plan shows no changes', async () => {
    const s3Port = Number(new URL(stack.s3Endpoint).port);
    const dynamodbPort = Number(new URL(stack.dynamodbEndpoint).port);
    s3.destroy();
    db.destroy();
    await stack.close();
    stack = await startDevStack({ dir: join(tmp.path, '.s3state'), s3Port, dynamodbPort });
    for (const { slug } of KINDS) {
      const plan = await runTerraform(
        [
          'plan',
          '-detailed-exitcode',
          '-input=false',
          '-no-color',
          // the last apply ran with the gate set; the same value means nothing to change
          `-var=gate=${join(tmp.path, `${slug}-gate`)}`,
        ],
        {
          cwd: join(tmp.path, slug),
          home: join(tmp.path, `${slug}-home`),
          env: { ...stack.env, AWS_EC2_METADATA_DISABLED: 'true' },
        },
      );
      // -detailed-exitcode: 0 = no changes, 2 = changes present, 1 = error.
      assert.equal(plan.code, 0, `plan for ${slug} after restart:\n${plan.stderr}\n${plan.stdout}`);
      assert.match(plan.stdout, /No changes\./);
    }
  });
});
