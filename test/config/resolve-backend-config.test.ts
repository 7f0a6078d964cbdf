import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isS3StateError, type ConfigError } from '../../src/errors.ts';
import { describeConfig } from '../../src/config/describe-config.ts';
import { writeInitRecord } from '../../src/config/init-record.ts';
import { parseSavedBackend } from '../../src/config/read-terraform-dir.ts';
import { resolveBackendConfig } from '../../src/config/resolve-backend-config.ts';
import { tempDir } from '../harness/tmp.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const corpus = resolve(repoRoot, '../shared/spec/corpus');

let root: { path: string; cleanup: () => Promise<void> };
let n = 0;
before(async () => {
  root = await tempDir('s3state-config-');
});
after(async () => {
  await root.cleanup();
});

/** A fresh directory with the given files (paths relative to it). */
async function dir(files: Record<string, string>): Promise<string> {
  const d = join(root.path, `case-${++n}`);
  await mkdir(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(d, name, '..'), { recursive: true });
    await writeFile(join(d, name), text);
  }
  return d;
}

/** Every file below `d` with its size and mtime, to prove nothing was written. */
async function snapshot(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    const s = await stat(p);
    out.push(`${p}:${e.isDirectory() ? 'dir' : `${s.size}:${s.mtimeMs}`}`);
  }
  return out.sort();
}

async function rejects(
  opts: Parameters<typeof resolveBackendConfig>[0],
): Promise<{ error: ConfigError; texts: { severity: string; summary: string; detail: string }[] }> {
  const before = await snapshot(opts.cwd);
  try {
    await resolveBackendConfig(opts);
  } catch (e) {
    assert.ok(isS3StateError(e, 'CONFIG'), String(e));
    assert.deepEqual(await snapshot(opts.cwd), before, 'nothing may be written');
    const error = e as ConfigError;
    return {
      error,
      texts: error.diagnostics.map(({ severity, summary, detail }) => ({ severity, summary, detail })),
    };
  }
  assert.fail('expected a ConfigError');
}

const MAIN_TF = `terraform {
  required_version = ">= 1.5"
  # the state lives in S3
  backend "s3" {
    bucket = "tfstate-bucket" // inline comment
    key    = "envs/prod/terraform.tfstate"
    region = "eu-west-1"

    /* locking */
    dynamodb_table = "tf-locks"
    encrypt        = true
    max_retries    = 3
    endpoints = {
      s3       = "http://127.0.0.1:4569"
      dynamodb = "http://127.0.0.1:4567"
    }
    shared_config_files = ["/etc/aws/config", "~/.aws/config"]
    state_tags = {
      team = "platform"
    }
    assume_role {
      role_arn     = "arn:aws:iam::123456789012:role/terraform"
      session_name = "ci"
    }
  }
}

resource "terraform_data" "x" {}
`;

describe('sources and precedence', () => {
  test('*.tf backend block: values, types and file:line sources', async () => {
    const d = await dir({ 'main.tf': MAIN_TF, 'other.tf': 'variable "v" {\n  default = 1\n}\n' });
    const r = await resolveBackendConfig({ cwd: d, env: {} });
    assert.equal(r.origin, 'configuration');
    assert.deepEqual(r.settings, {
      bucket: 'tfstate-bucket',
      key: 'envs/prod/terraform.tfstate',
      region: 'eu-west-1',
      workspaceKeyPrefix: 'env:',
      dynamodbTable: 'tf-locks',
      useLockfile: false,
      encrypt: true,
      kmsKeyId: undefined,
      sseCustomerKey: undefined,
      acl: undefined,
      stateTags: { team: 'platform' },
      lockTags: undefined,
      skipS3Checksum: false,
    });
    assert.deepEqual(r.aws.endpoints, { s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' });
    assert.equal(r.aws.maxRetries, 3);
    assert.deepEqual(r.aws.sharedConfigFiles, ['/etc/aws/config', '~/.aws/config']);
    assert.deepEqual(r.aws.assumeRole?.roleArn, 'arn:aws:iam::123456789012:role/terraform');
    assert.deepEqual(r.values.bucket?.source, { kind: 'hcl', file: 'main.tf', line: 5 });
    assert.deepEqual(r.values.dynamodb_table?.source, { kind: 'hcl', file: 'main.tf', line: 10 });
    assert.deepEqual(r.values.assume_role?.source, { kind: 'hcl', file: 'main.tf', line: 21 });
    assert.deepEqual(r.values.workspace_key_prefix?.source, { kind: 'default' });
    assert.deepEqual(r.workspace, { name: 'default', source: { kind: 'default' } });
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.files.includes(join(d, 'main.tf')));
  });

  test('-backend-config files and KEY=VALUE override the block in order; later wins', async () => {
    const d = await dir({
      'main.tf': 'terraform {\n  backend "s3" {\n    bucket = "from-tf"\n    key = "k"\n  }\n}\n',
      'prod.tfbackend':
        '# partial configuration\nbucket = "from-file"\nregion = "us-east-2"\n\nassume_role = {\n  role_arn = "arn:aws:iam::1:role/file"\n}\n',
    });
    const r = await resolveBackendConfig({
      cwd: d,
      env: {},
      backendConfig: [
        'prod.tfbackend',
        'encrypt=true',
        'max_retries=9',
        'key=a=b/c.tfstate',
        'assume_role={role_arn="arn:aws:iam::1:role/arg", duration="1h"}',
        'allowed_account_ids=["123456789012"]',
        'use_lockfile=false',
      ],
    });
    assert.equal(r.settings.bucket, 'from-file');
    assert.deepEqual(r.values.bucket?.source, {
      kind: 'backend-config-file',
      file: 'prod.tfbackend',
      line: 2,
    });
    assert.equal(r.settings.key, 'a=b/c.tfstate');
    assert.deepEqual(r.values.key?.source, { kind: 'backend-config-arg', index: 3 });
    assert.equal(r.settings.encrypt, true);
    assert.equal(r.aws.maxRetries, 9);
    assert.deepEqual(r.aws.assumeRole?.roleArn, 'arn:aws:iam::1:role/arg');
    assert.equal(r.aws.assumeRole?.durationSeconds, 3600);
    assert.deepEqual(r.aws.allowedAccountIds, ['123456789012']);
    assert.equal(r.settings.useLockfile, false);
    assert.ok(r.files.includes(join(d, 'prod.tfbackend')));
  });

  test('-backend-config works without any backend block (s3state needs no *.tf)', async () => {
    const d = await dir({});
    const r = await resolveBackendConfig({
      cwd: d,
      env: { AWS_DEFAULT_REGION: 'eu-central-1' },
      backendConfig: ['bucket=b', 'key=k'],
    });
    assert.equal(r.settings.bucket, 'b');
    assert.equal(r.settings.region, 'eu-central-1');
    assert.deepEqual(r.values.region?.source, { kind: 'env', name: 'AWS_DEFAULT_REGION' });
    assert.equal(describeConfig(r).attributes.find((a) => a.name === 'region')?.source, 'AWS_DEFAULT_REGION');
  });

  test('*.tf.json backend block', async () => {
    const d = await dir({
      'backend.tf.json': JSON.stringify(
        {
          terraform: {
            backend: {
              s3: {
                bucket: 'jb',
                key: 'jk',
                region: 'us-west-2',
                use_lockfile: true,
                endpoints: { s3: 'http://s3' },
              },
            },
          },
        },
        null,
        2,
      ),
    });
    const r = await resolveBackendConfig({ cwd: d, env: {} });
    assert.equal(r.settings.bucket, 'jb');
    assert.equal(r.settings.useLockfile, true);
    assert.equal(r.aws.endpoints.s3, 'http://s3');
    assert.equal(r.values.bucket?.source.kind, 'hcl');
    assert.equal((r.values.bucket?.source as { file: string }).file, 'backend.tf.json');
  });

  test('literal ${ escapes and env endpoints with scheme added', async () => {
    const d = await dir({
      'main.tf':
        'terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "$${literal}/k"\n    region = "us-east-1"\n  }\n}\n',
    });
    const r = await resolveBackendConfig({ cwd: d, env: { AWS_S3_ENDPOINT: 'minio.local:9000' } });
    assert.equal(r.settings.key, '${literal}/k');
    assert.equal(r.aws.endpoints.s3, 'https://minio.local:9000');
    assert.deepEqual(r.endpoints.s3?.source, { kind: 'env', name: 'AWS_S3_ENDPOINT' });
  });
});

describe('directories initialised by terraform (corpus)', () => {
  async function initialised(savedName: string, environment?: string, mainTf?: string): Promise<string> {
    const files: Record<string, string> = {};
    if (environment !== undefined) files['.terraform/environment'] = environment;
    if (mainTf !== undefined) files['main.tf'] = mainTf;
    const d = await dir(files);
    await mkdir(join(d, '.terraform'), { recursive: true });
    await copyFile(join(corpus, savedName), join(d, '.terraform', 'terraform.tfstate'));
    return d;
  }
  const s3ddbTf = () => readFile(join(corpus, '_gen/s3ddb/main.tf'), 'utf8');

  test('gen-tf1.11.4-backendcfg-s3-dynamodb.tfstate + environment "staging", no flags', async () => {
    const d = await initialised('gen-tf1.11.4-backendcfg-s3-dynamodb.tfstate', 'staging', await s3ddbTf());
    const r = await resolveBackendConfig({ cwd: d, env: {} });
    assert.equal(r.origin, 'terraform-dir');
    assert.equal(r.settings.bucket, 'tfstate-bucket');
    assert.equal(r.settings.key, 'envs/prod/terraform.tfstate');
    assert.equal(r.settings.region, 'us-east-1');
    assert.equal(r.settings.dynamodbTable, 'tf-locks');
    assert.equal(r.settings.workspaceKeyPrefix, 'workspaces');
    assert.equal(r.settings.skipS3Checksum, true);
    assert.deepEqual(r.aws.endpoints, { s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' });
    assert.equal(r.aws.usePathStyle, true);
    assert.equal(r.aws.skipCredentialsValidation, true);
    assert.deepEqual(r.workspace, {
      name: 'staging',
      source: { kind: 'terraform-dir', file: '.terraform/environment' },
    });
    assert.deepEqual(r.values.bucket?.source, {
      kind: 'terraform-dir',
      file: '.terraform/terraform.tfstate',
    });
    // Same block in main.tf: no "changed" warning.
    assert.deepEqual(r.diagnostics, []);
  });

  test('TF_WORKSPACE beats .terraform/environment; -workspace beats both; invalid names are rejected', async () => {
    const d = await initialised('gen-tf1.11.4-backendcfg-s3-use_lockfile.tfstate', 'staging');
    const r1 = await resolveBackendConfig({ cwd: d, env: { TF_WORKSPACE: 'qa' } });
    assert.deepEqual(r1.workspace, { name: 'qa', source: { kind: 'env', name: 'TF_WORKSPACE' } });
    assert.equal(r1.settings.useLockfile, true);
    assert.equal(r1.settings.key, 'native-lock/terraform.tfstate');
    const r2 = await resolveBackendConfig({ cwd: d, env: { TF_WORKSPACE: 'qa' }, workspace: 'dev' });
    assert.deepEqual(r2.workspace, { name: 'dev', source: { kind: 'flag', name: '-workspace' } });
    const { texts } = await rejects({ cwd: d, env: { TF_WORKSPACE: 'a/b' } });
    assert.equal(texts[0]?.summary, 'Invalid workspace name');
    assert.match(texts[0]?.detail ?? '', /"a\/b" is not allowed/);
  });

  test('a changed *.tf block warns and the saved configuration is used', async () => {
    const changed = (await s3ddbTf()).replace('envs/prod/terraform.tfstate', 'envs/other/terraform.tfstate');
    const d = await initialised('gen-tf1.11.4-backendcfg-s3-dynamodb.tfstate', undefined, changed);
    const r = await resolveBackendConfig({ cwd: d, env: {} });
    assert.equal(r.settings.key, 'envs/prod/terraform.tfstate');
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]?.severity, 'warning');
    assert.equal(r.diagnostics[0]?.summary, 'Backend configuration changed');
    assert.match(
      r.diagnostics[0]?.detail ?? '',
      /main\.tf \(line 2\).*\.terraform\/terraform\.tfstate in: key\./,
    );
  });

  test('-backend-config given: *.tf + args are used, like terraform init', async () => {
    const d = await initialised('gen-tf1.11.4-backendcfg-s3-dynamodb.tfstate', undefined, await s3ddbTf());
    const r = await resolveBackendConfig({ cwd: d, env: {}, backendConfig: ['key=from/args.tfstate'] });
    assert.equal(r.origin, 'configuration');
    assert.equal(r.settings.key, 'from/args.tfstate');
    assert.equal(r.settings.bucket, 'tfstate-bucket');
    assert.deepEqual(r.values.bucket?.source, { kind: 'hcl', file: 'main.tf', line: 3 });
  });

  test('terraform 1.9.7 saved config (flat assume-role nulls, uint64 hash) resolves; hash stays exact', async () => {
    const text = await readFile(join(corpus, 'backendcfg-s3-tf1.9.7-mahmoudkebbi.tfstate'), 'utf8');
    const saved = parseSavedBackend(text);
    assert.equal(saved?.hash, '18446744071666608595');
    assert.equal(saved?.terraformVersion, '1.9.7');
    for (const flavor of ['opentofu', 'terraform'] as const) {
      const d = await initialised('backendcfg-s3-tf1.9.7-mahmoudkebbi.tfstate');
      const r = await resolveBackendConfig({ cwd: d, env: {}, flavor });
      assert.equal(r.settings.bucket, 'my-terraform-state-equilux');
      assert.equal(r.settings.key, 'terraform/terraform.tfstate');
      assert.equal(r.settings.region, 'eu-west-1');
      assert.equal(r.settings.encrypt, true);
      assert.equal(r.workspace.name, 'default');
    }
  });

  test('a saved non-s3 backend is refused, naming the type and the file', async () => {
    const d = await initialised('backendcfg-gcs-tf1.10.4-amitayalmog.tfstate');
    const { texts } = await rejects({ cwd: d, env: {} });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Unsupported backend type',
        detail: '.terraform/terraform.tfstate records backend "gcs"; s3state works only with backend "s3".',
      },
    ]);
  });
});

describe('s3state init record', () => {
  test('writeInitRecord then resolve with no flags; secrets are not written', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const d = await dir({
      'main.tf': `terraform {\n  backend "s3" {\n    bucket = "rb"\n    key = "rk"\n    region = "us-east-1"\n    secret_key = "${secret}"\n    access_key = "AKIAIOSFODNN7EXAMPLE"\n  }\n}\n`,
    });
    const first = await resolveBackendConfig({ cwd: d, env: {}, workspace: 'blue' });
    const path = await writeInitRecord(d, first);
    assert.equal(path, join(d, '.s3state', 'backend.json'));
    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes(secret));
    assert.equal((JSON.parse(text) as { workspace: string }).workspace, 'blue');
    // The *.tf file goes away: the record alone is enough.
    await writeFile(join(d, 'main.tf'), '');
    const r = await resolveBackendConfig({ cwd: d, env: {} });
    assert.equal(r.origin, 'init-record');
    assert.equal(r.settings.bucket, 'rb');
    assert.equal(r.settings.key, 'rk');
    assert.equal(r.aws.secretKey, undefined);
    assert.equal(r.aws.accessKey, 'AKIAIOSFODNN7EXAMPLE');
    assert.deepEqual(r.workspace, {
      name: 'blue',
      source: { kind: 'init-record', file: '.s3state/backend.json' },
    });
    assert.deepEqual(r.values.bucket?.source, { kind: 'init-record', file: '.s3state/backend.json' });
    await assert.rejects(stat(join(d, '.terraform')));
  });
});

describe('bad input: one ConfigError, exact texts, nothing written', () => {
  test('malformed HCL names file and line', async () => {
    const d = await dir({ 'main.tf': 'terraform {\n  backend "s3" {\n    bucket = \n  }\n}\n' });
    const { texts } = await rejects({ cwd: d, env: {} });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Invalid expression',
        detail:
          'On main.tf line 3: Expected the start of an expression, but found an invalid expression token.',
      },
    ]);
  });

  test('two backend blocks: Duplicate backend configuration', async () => {
    const block = (b: string) => `terraform {\n  backend "s3" {\n    bucket = "${b}"\n  }\n}\n`;
    const d = await dir({ 'b.tf': block('b'), 'main.tf': block('a') });
    const { texts } = await rejects({ cwd: d, env: {} });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Duplicate backend configuration',
        detail:
          'On main.tf line 2: A module may have only one backend configuration. The backend was previously configured at b.tf:2,3-15.',
      },
    ]);
  });

  test('a non-s3 backend type and a cloud block are refused by name', async () => {
    const d1 = await dir({ 'main.tf': 'terraform {\n  backend "gcs" {\n    bucket = "x"\n  }\n}\n' });
    assert.deepEqual((await rejects({ cwd: d1, env: {} })).texts, [
      {
        severity: 'error',
        summary: 'Unsupported backend type',
        detail:
          'On main.tf line 2: The configuration uses backend "gcs"; s3state works only with backend "s3".',
      },
    ]);
    const d2 = await dir({ 'main.tf': 'terraform {\n  cloud {\n    organization = "o"\n  }\n}\n' });
    assert.match((await rejects({ cwd: d2, env: {} })).texts[0]?.detail ?? '', /"cloud" block/);
  });

  test('unknown attributes: in *.tf, .tfbackend (with suggestion) and KEY=VALUE', async () => {
    const d = await dir({
      'main.tf':
        'terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "k"\n    region = "us-east-1"\n    bukket = "x"\n  }\n}\n',
      'x.tfbackend': 'dynamodb_tabel = "t"\n',
    });
    const { texts } = await rejects({ cwd: d, env: {}, backendConfig: ['x.tfbackend', 'nonsense=1'] });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Unsupported argument',
        detail: 'On main.tf line 6: An argument named "bukket" is not expected here. Did you mean "bucket"?',
      },
      {
        severity: 'error',
        summary: 'Unsupported argument',
        detail:
          'On x.tfbackend line 1: An argument named "dynamodb_tabel" is not expected here. Did you mean "dynamodb_table"?',
      },
      {
        severity: 'error',
        summary: 'Invalid backend configuration argument',
        detail:
          'The backend configuration argument "nonsense" given on the command line is not expected for the selected backend type.',
      },
    ]);
  });

  test('OpenTofu-only attributes are unknown to the terraform flavor', async () => {
    const d = await dir({
      'main.tf':
        'terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "k"\n    region = "us-east-1"\n    state_tags = { a = "b" }\n  }\n}\n',
    });
    assert.equal((await resolveBackendConfig({ cwd: d, env: {} })).settings.stateTags?.a, 'b');
    const { texts } = await rejects({ cwd: d, env: {}, flavor: 'terraform' });
    assert.equal(texts[0]?.summary, 'Unsupported argument');
    assert.match(texts[0]?.detail ?? '', /^On main\.tf line 6: An argument named "state_tags"/);
  });

  test('wrong types name attribute and file:line (HCL) or the argument (KEY=VALUE)', async () => {
    const d = await dir({
      'main.tf':
        'terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "k"\n    region = "us-east-1"\n    encrypt = "maybe"\n    max_retries = "x"\n  }\n}\n',
    });
    const { texts } = await rejects({ cwd: d, env: {}, backendConfig: ['use_lockfile=perhaps'] });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Incorrect attribute value type',
        detail: 'On main.tf line 6: Inappropriate value for attribute "encrypt": a bool is required.',
      },
      {
        severity: 'error',
        summary: 'Incorrect attribute value type',
        detail: 'On main.tf line 7: Inappropriate value for attribute "max_retries": a number is required.',
      },
      {
        severity: 'error',
        summary: 'Invalid backend configuration value',
        detail:
          'Invalid backend configuration argument -backend-config="use_lockfile=perhaps": a bool is required',
      },
    ]);
  });

  test('missing -backend-config file', async () => {
    const d = await dir({ 'main.tf': 'terraform {\n  backend "s3" {}\n}\n' });
    const { texts } = await rejects({ cwd: d, env: {}, backendConfig: ['nope.tfbackend'] });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Failed to read file',
        detail: 'The file "nope.tfbackend" could not be read.',
      },
    ]);
  });

  test('variables and function calls are not allowed in the backend block', async () => {
    const d = await dir({
      'main.tf':
        'variable "x" {\n  default = "a"\n}\nterraform {\n  backend "s3" {\n    bucket = var.x\n    key = "${lower("K")}"\n    region = "us-east-1"\n  }\n}\n',
    });
    const { texts } = await rejects({ cwd: d, env: {} });
    assert.deepEqual(texts, [
      {
        severity: 'error',
        summary: 'Variables not allowed',
        detail: 'On main.tf line 6: Variables may not be used here.',
      },
      {
        severity: 'error',
        summary: 'Function calls not allowed',
        detail: 'On main.tf line 7: Functions may not be called here.',
      },
    ]);
  });

  test('validation errors from every source are reported together', async () => {
    const d = await dir({
      'main.tf': 'terraform {\n  backend "s3" {\n    bucket = ""\n    key = "/k"\n  }\n}\n',
    });
    const { error, texts } = await rejects({ cwd: d, env: {} });
    assert.equal(error.message, 'Invalid bucket value');
    assert.deepEqual(
      texts.map((t) => t.summary),
      ['Invalid bucket value', 'Invalid key value', 'Missing region value'],
    );
  });

  test('no configuration anywhere', async () => {
    const d = await dir({ 'main.tf': 'resource "terraform_data" "x" {}\n' });
    const { texts } = await rejects({ cwd: d, env: {} });
    assert.equal(texts[0]?.summary, 'No backend configuration found');
    assert.match(texts[0]?.detail ?? '', /No backend "s3" block was found/);
  });

  test('secrets never appear in errors', async () => {
    const secret = 'my-secret-sse-key-that-is-not-44-chars';
    const d = await dir({
      'main.tf': `terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "k"\n    region = "nonesuch"\n    sse_customer_key = "${secret}"\n  }\n}\n`,
    });
    const { error, texts } = await rejects({ cwd: d, env: { AWS_SSE_CUSTOMER_KEY: secret } });
    assert.ok(texts.some((t) => t.summary === 'Invalid sse_customer_key value'));
    assert.ok(!JSON.stringify({ texts, message: error.message, detail: error.detail }).includes(secret));
  });
});

test('an override file backend block replaces the original entirely', async () => {
  const d = await dir({
    'main.tf':
      'terraform {\n  backend "s3" {\n    bucket = "orig"\n    key = "orig"\n    region = "us-east-1"\n    encrypt = true\n  }\n}\n',
    'backend_override.tf':
      'terraform {\n  backend "s3" {\n    bucket = "over"\n    key = "over"\n    region = "us-west-2"\n  }\n}\n',
  });
  const r = await resolveBackendConfig({ cwd: d, env: {} });
  assert.equal(r.settings.bucket, 'over');
  assert.equal(r.settings.encrypt, false);
  assert.deepEqual(r.values.bucket?.source, { kind: 'hcl', file: 'backend_override.tf', line: 3 });
});

test('a pre-1.9 saved file (legacy v3 state shape) is read; its non-s3 type is refused by name', async () => {
  const d = await dir({});
  await mkdir(join(d, '.terraform'));
  await copyFile(
    join(corpus, 'backendcfg-kubernetes-saske912.tfstate'),
    join(d, '.terraform', 'terraform.tfstate'),
  );
  const { texts } = await rejects({ cwd: d, env: {} });
  assert.equal(
    texts[0]?.detail,
    '.terraform/terraform.tfstate records backend "kubernetes"; s3state works only with backend "s3".',
  );
});

test('nested attributes: unknown names are errors with a suggestion; missing role_arn is a type error', async () => {
  const d = await dir({
    'main.tf':
      'terraform {\n  backend "s3" {\n    bucket = "b"\n    key = "k"\n    region = "us-east-1"\n    assume_role {\n      rol_arn = "x"\n    }\n  }\n}\n',
  });
  const r1 = await rejects({ cwd: d, env: {} });
  assert.deepEqual(r1.texts, [
    {
      severity: 'error',
      summary: 'Unsupported argument',
      detail: 'On main.tf line 7: An argument named "rol_arn" is not expected here. Did you mean "role_arn"?',
    },
  ]);
  assert.equal(r1.error.diagnostics[0]?.path, 'assume_role.rol_arn');
  const r2 = await rejects({
    cwd: await dir({}),
    env: {},
    backendConfig: ['bucket=b', 'key=k', 'assume_role={session_name="s"}'],
  });
  assert.deepEqual(r2.texts, [
    {
      severity: 'error',
      summary: 'Incorrect attribute value type',
      detail: 'Inappropriate value for attribute "assume_role": attribute "role_arn" is required.',
    },
  ]);
});

test('TF_DATA_DIR moves the saved configuration and the selected workspace', async () => {
  const d = await dir({ 'tfdata/environment': 'staging\n' });
  await copyFile(
    join(corpus, 'gen-tf1.11.4-backendcfg-s3-use_lockfile.tfstate'),
    join(d, 'tfdata', 'terraform.tfstate'),
  );
  const r = await resolveBackendConfig({ cwd: d, env: { TF_DATA_DIR: 'tfdata' } });
  assert.equal(r.settings.key, 'native-lock/terraform.tfstate');
  assert.deepEqual(r.values.key?.source, { kind: 'terraform-dir', file: 'tfdata/terraform.tfstate' });
  assert.deepEqual(r.workspace, {
    name: 'staging',
    source: { kind: 'terraform-dir', file: 'tfdata/environment' },
  });
  await rejects({ cwd: d, env: {} });
});

test('checkChanged: false skips the *.tf files when a saved configuration is used', async () => {
  const d = await dir({ 'main.tf': 'terraform {\n  backend "s3" {\n    bucket = "changed"\n  }\n}\n' });
  await mkdir(join(d, '.terraform'));
  await copyFile(
    join(corpus, 'gen-tf1.11.4-backendcfg-s3-use_lockfile.tfstate'),
    join(d, '.terraform', 'terraform.tfstate'),
  );
  const checked = await resolveBackendConfig({ cwd: d, env: {} });
  assert.equal(checked.diagnostics[0]?.summary, 'Backend configuration changed');
  const fast = await resolveBackendConfig({ cwd: d, env: {}, checkChanged: false });
  assert.deepEqual(fast.diagnostics, []);
  assert.equal(fast.settings.bucket, 'tfstate-bucket');
  assert.ok(!fast.files.includes(join(d, 'main.tf')));
});
