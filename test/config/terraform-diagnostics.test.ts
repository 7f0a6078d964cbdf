import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isS3StateError, type ConfigError, type Diagnostic } from '../../src/errors.ts';
import { resolveBackendConfig } from '../../src/config/resolve-backend-config.ts';
import { runTerraform, terraformPath } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';

// The real terraform binary is the oracle: `terraform init -json` prints each diagnostic's exact summary
// and detail. For every case below, s3state's terraform flavor must report the same set.
const missing = terraformPath() ? undefined : 'terraform';
if (missing) console.log('SKIPPED: terraform not found');

type Texts = { severity: string; summary: string; detail: string }[];
const sort = (t: Texts) =>
  [...t].sort((a, b) =>
    a.summary + a.detail < b.summary + b.detail ? -1 : a.summary + a.detail > b.summary + b.detail ? 1 : 0,
  );

const BASE = [
  'bucket=b',
  'key=k',
  'region=us-east-1',
  'skip_credentials_validation=true',
  'skip_requesting_account_id=true',
];
const ROLE = 'role_arn="arn:aws:iam::123456789012:role/x"';

const cases: { name: string; args: string[]; env?: Record<string, string> }[] = [
  {
    name: 'required, prefix, conflicts and deprecations',
    args: [
      'bucket=',
      'key=k',
      'workspace_key_prefix=/x',
      'shared_credentials_file=a',
      'shared_credentials_files=["b"]',
      'force_path_style=true',
      'use_path_style=true',
      'allowed_account_ids=["1"]',
      'forbidden_account_ids=["2"]',
    ],
  },
  { name: 'unknown region', args: ['bucket=b', 'key=k', 'region=nonesuch'] },
  { name: 'kms key and SSE-C key', args: [...BASE, 'kms_key_id=not-an-arn', 'sse_customer_key=abc'] },
  { name: 'types and unknown argument', args: ['bucket=b', 'encrypt=maybe', 'bukket=1', 'max_retries=x'] },
  {
    name: 'legacy endpoint, hostname-only URL, dynamodb_table',
    args: [...BASE, 'endpoint=http://x', 'endpoints={s3="localhost:9"}', 'dynamodb_table=t'],
  },
  {
    name: 'URLs, IMDS mode, retry mode',
    args: [
      ...BASE,
      'endpoints={sso="foo", iam="127.0.0.1:99"}',
      'ec2_metadata_service_endpoint=foo',
      'ec2_metadata_service_endpoint_mode=x',
      'retry_mode=xyz',
    ],
  },
  {
    name: 'assume_role: bad duration, short external_id (first validators)',
    args: [...BASE, `assume_role={${ROLE}, duration="1h5x", external_id="a"}`],
  },
  { name: 'assume_role: not an ARN', args: [...BASE, 'assume_role={role_arn="x"}'] },
  // Terraform runs a nested attribute's later validators only while no error was found, in Go map
  // order, so combinations of such errors vary from run to run; these cases have one each.
  { name: 'assume_role: user ARN', args: [...BASE, 'assume_role={role_arn="arn:aws:iam::1:user/x"}'] },
  { name: 'assume_role: truncated policy', args: [...BASE, `assume_role={${ROLE}, policy="{\\"a\\":1"}`] },
  { name: 'assume_role: policy array', args: [...BASE, `assume_role={${ROLE}, policy="[]"}`] },
  { name: 'assume_role: double-encoded policy', args: [...BASE, `assume_role={${ROLE}, policy="\\"{}\\""}`] },
  {
    name: 'assume_role: session name characters',
    args: [...BASE, `assume_role={${ROLE}, session_name="a b"}`],
  },
  {
    name: 'assume_role: short duration and source identity',
    args: [...BASE, `assume_role={${ROLE}, duration="5m", source_identity="!"}`],
  },
  {
    name: 'SSE-C key not base64',
    args: [...BASE, 'sse_customer_key=====CT70aTYB2JGff7AjQtwbiLkwH4npICay1PWtmdka'],
  },
  { name: 'assume_role: empty role_arn', args: [...BASE, 'assume_role={role_arn="  "}'] },
  {
    name: 'invalid AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
    args: BASE,
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'x' },
  },
  { name: 'web identity without token', args: [...BASE, `assume_role_with_web_identity={${ROLE}}`] },
  { name: 'assume_role without role_arn', args: [...BASE, 'assume_role={external_id="ab"}'] },
  {
    name: 'web identity without role_arn',
    args: [...BASE, 'assume_role_with_web_identity={web_identity_token_file="/tok"}'],
  },
];

describe(
  'terraform flavor reports what terraform init reports',
  { skip: missing ? 'terraform not found' : false },
  () => {
    let tmp: { path: string; cleanup: () => Promise<void> };
    before(async () => {
      tmp = await tempDir('s3state-tfdiag-');
    });
    after(async () => {
      await tmp?.cleanup();
    });

    cases.forEach((c, i) => {
      test(c.name, async () => {
        const cwd = join(tmp.path, `c${i}`);
        await mkdir(cwd);
        await writeFile(join(cwd, 'main.tf'), 'terraform {\n  backend "s3" {}\n}\n');
        const r = await runTerraform(
          ['init', '-json', '-input=false', ...c.args.map((a) => `-backend-config=${a}`)],
          {
            cwd,
            home: tmp.path,
            env: {
              AWS_ACCESS_KEY_ID: 'x',
              AWS_SECRET_ACCESS_KEY: 'y',
              AWS_EC2_METADATA_DISABLED: 'true',
              ...c.env,
            },
          },
        );
        const expected: Texts = [];
        for (const line of r.stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          const msg = JSON.parse(line) as { type?: string; diagnostic?: Diagnostic };
          if (msg.type !== 'diagnostic' || !msg.diagnostic) continue;
          const { severity, summary, detail } = msg.diagnostic;
          expected.push({ severity, summary, detail });
        }
        assert.ok(
          expected.some((d) => d.severity === 'error'),
          `terraform accepted the case:\n${r.stdout}`,
        );
        let got: Texts = [];
        try {
          await resolveBackendConfig({ cwd, env: c.env ?? {}, flavor: 'terraform', backendConfig: c.args });
          assert.fail('s3state accepted the case');
        } catch (e) {
          assert.ok(isS3StateError(e, 'CONFIG'), String(e));
          got = (e as ConfigError).diagnostics.map(({ severity, summary, detail }) => ({
            severity,
            summary,
            detail,
          }));
        }
        assert.deepEqual(sort(got), sort(expected));
      });
    });
  },
);
