// A real `terraform state push` of a state above the Go SDK Uploader's 5 MiB part size goes through
// a multipart upload with per-part SHA256 checksums (CreateMultipartUpload, UploadPart ×3,
// CompleteMultipartUpload with Go-encoded ETags). The store must accept it: terraform's push
// succeeds, `terraform state pull` returns the pushed state, and the object read with the AWS SDK
// holds exactly the pushed bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { runTerraform, terraformPath, type RunResult } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';

const tf = terraformPath();
if (!tf) console.log('SKIPPED: terraform not found');

const BUCKET = 'tf-multipart';
const KEY = 'big/terraform.tfstate';

function mainTf(endpoint: string): string {
  return `terraform {
  backend "s3" {
    bucket                      = "${BUCKET}"
    key                         = "${KEY}"
    region                      = "us-east-1"
    use_lockfile                = true
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    endpoints = {
      s3 = "${endpoint}"
    }
  }
}

resource "terraform_data" "app" {
  input = "multipart"
}
`;
}

/** A ~12 MiB v4 state: one string output holding random hex (not compressible, not repetitive). */
function bigState(lineage: string): string {
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 7,
    lineage,
    outputs: {
      blob: { value: randomBytes(6 * 1024 * 1024).toString('hex'), type: 'string' },
      small: { value: 'é " & < > \u2028', type: 'string' },
    },
    resources: [],
    check_results: null,
  };
  return goStyle(JSON.stringify(state, null, 2) + '\n');
}

/**
 * Terraform writes state with Go's encoding/json, which escapes `<`, `>`, `&`, U+2028 and U+2029 in
 * strings; writing the file the same way makes terraform's upload byte-identical to it. (Outside
 * strings JSON holds none of these characters, so replacing them everywhere is safe.)
 */
function goStyle(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Offset of the first differing byte (with some context in the message), or -1 when equal. */
function firstDifference(a: Buffer, b: Buffer): number | string {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      const ctx = (x: Buffer): string => JSON.stringify(x.subarray(Math.max(0, i - 40), i + 40).toString());
      return `${i}: ${ctx(a)} vs ${ctx(b)}`;
    }
  }
  return a.length === b.length ? -1 : n;
}

describe('store ↔ terraform: multipart state push', { skip: tf ? false : 'terraform not found' }, () => {
  let store: TestStore;
  let home: { path: string; cleanup: () => Promise<void> };
  let dir: string;
  const ops: { operation: string; key?: string; status: number }[] = [];
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const run = (args: string[]): Promise<RunResult> => runTerraform(args, { cwd: dir, home: home.path, env });
  const ok = async (args: string[]): Promise<RunResult> => {
    const r = await run(args);
    assert.equal(r.code, 0, `terraform ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  before(async () => {
    store = await startTestStore({
      onRequest: (i) =>
        ops.push({
          operation: i.operation,
          status: i.status,
          ...(i.key !== undefined ? { key: i.key } : {}),
        }),
    });
    await store.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    home = await tempDir('s3state-tf-mp-');
    dir = path.join(home.path, 'work');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'main.tf'), mainTf(store.endpoint));
    await ok(['init', '-input=false', '-no-color']);
  });
  after(async () => {
    await store?.close();
    await home?.cleanup();
  });

  test('terraform state push of a 12 MiB state succeeds via multipart; pull and the SDK return the same bytes', async () => {
    const text = bigState(randomUUID());
    const pushed = Buffer.from(text);
    assert.ok(pushed.length > 12 * 1024 * 1024, 'the state is above 12 MiB');
    await writeFile(path.join(dir, 'big.tfstate'), pushed);

    ops.length = 0;
    await ok(['state', 'push', '-force', '-no-color', 'big.tfstate']);
    const count = (op: string, status = 200): number =>
      ops.filter((o) => o.operation === op && o.status === status && o.key === KEY).length;
    assert.equal(count('CreateMultipartUpload'), 1, JSON.stringify(ops));
    assert.equal(count('UploadPart'), 3, JSON.stringify(ops));
    assert.equal(count('CompleteMultipartUpload'), 1, JSON.stringify(ops));
    assert.equal(count('AbortMultipartUpload', 204), 0, JSON.stringify(ops));

    // The object as any S3 client sees it: exactly the pushed bytes, a multipart ETag.
    const got = await store.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    // Into a workspace without state, terraform first creates one (its own lineage, serial 1) and
    // the pushed state takes that lineage and serial; every other byte is the file's.
    const head1 = /"serial": (\d+),\n {2}"lineage": "([^"]+)"/.exec(bytes.subarray(0, 200).toString());
    assert.ok(head1, 'stored state starts with serial and lineage');
    const expected = Buffer.from(
      text.replace(
        /"serial": 7,\n {2}"lineage": "[^"]+"/,
        `"serial": ${head1[1]},\n  "lineage": "${head1[2]}"`,
      ),
    );
    assert.equal(bytes.length, expected.length);
    assert.equal(firstDifference(bytes, expected), -1, 'stored object equals the state terraform pushed');
    assert.match(got.ETag ?? '', /^"[0-9a-f]{32}-3"$/);
    const head = await store.s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: KEY, ChecksumMode: 'ENABLED' }),
    );
    assert.match(head.ChecksumSHA256 ?? '', /-3$/, 'composite SHA256 checksum of 3 parts');

    // terraform reads it back (GetObject with checksum validation) and prints the same state.
    const pull = await ok(['state', 'pull']);
    // (terraform's UI adds one newline after the state's own.)
    const pulled = Buffer.from(pull.stdout.replace(/\n$/, ''));
    assert.equal(firstDifference(pulled, bytes), -1, 'state pull prints the stored state');

    // A later small push goes through a single PutObject and replaces the big one.
    const small = JSON.parse(bytes.toString()) as { serial: number; outputs: Record<string, unknown> };
    small.serial += 1;
    delete small.outputs.blob;
    await writeFile(path.join(dir, 'small.tfstate'), goStyle(JSON.stringify(small, null, 2) + '\n'));
    ops.length = 0;
    await ok(['state', 'push', '-no-color', 'small.tfstate']);
    assert.equal(count('PutObject'), 1, JSON.stringify(ops));
    assert.equal(count('CreateMultipartUpload'), 0, JSON.stringify(ops));
    const after = await store.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const now = JSON.parse(await after.Body!.transformToString()) as { outputs: Record<string, unknown> };
    assert.deepEqual(Object.keys(now.outputs), ['small']);
  });
});
