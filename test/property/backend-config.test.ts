// Fuzz tests of the configuration reader (src/config): `*.tf` backend blocks and `-backend-config`
// values built from the real attribute table with random values. Whatever the input, the reader
// resolves or throws a typed error, in bounded time, and never repeats a secret in what it reports.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { resolveBackendConfig } from '../../src/config/resolve-backend-config.ts';
import { BACKEND_ATTRIBUTES } from '../../src/config/backend-attributes.ts';
import { isS3StateError } from '../../src/errors.ts';
import { tempDir } from '../harness/tmp.ts';

const SECRET = 'SECRETfuzzMARKER0123456789';
const names = BACKEND_ATTRIBUTES.map((a) => a.name);

/** HCL right-hand sides: well-formed values of every type, and broken ones. */
const hclValue = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(
    'true',
    'false',
    '0',
    '-1',
    '5',
    '1.5',
    'null',
    '[]',
    '{}',
    '["a", "b"]',
    '{ s3 = "http://127.0.0.1:1" }',
  ),
  fc.constantFrom(
    '"${var.x}"',
    'var.region',
    'local.x',
    '"unterminated',
    '{',
    '[1,',
    '"%{ if true }x%{ endif }"',
    '<<EOT\nx\nEOT\n',
  ),
  fc.constantFrom(
    '"us-east-1"',
    '"eu-west-3"',
    '"not-a-region"',
    '"arn:aws:iam::123456789012:role/x"',
    '"1h"',
    '"15m"',
    '"bogus"',
  ),
);
const assignment = fc.tuple(
  fc.oneof(fc.constantFrom(...names), fc.stringMatching(/^[a-z_]{1,10}$/)),
  hclValue,
);
/**
 * Assignments every peer accepts on top of the base block (no duplicates among them). Without them a
 * random block is valid only a few percent of the time, and 80 runs then often resolve nothing at all.
 */
const validPairs: readonly (readonly [string, string])[] = [
  ['profile', '"dev"'],
  ['encrypt', 'true'],
  ['workspace_key_prefix', '"env"'],
  ['max_retries', '3'],
  ['use_path_style', 'true'],
  ['skip_region_validation', 'true'],
  ['acl', '"private"'],
  ['use_lockfile', 'true'],
  ['dynamodb_table', '"locks"'],
];
const validBlock = fc.uniqueArray(fc.constantFrom(...validPairs), { maxLength: 4, selector: ([k]) => k });
const validArgs = fc.uniqueArray(fc.constantFrom('profile=p', 'region=eu-west-3', 'workspace_key_prefix=w'), {
  maxLength: 2,
  selector: (a) => a.split('=')[0],
});
const argValue = fc.oneof(
  fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 10 })).map(([k, v]) => `${k}=${v}`),
  fc
    .tuple(fc.constantFrom('assume_role', 'endpoints', 'state_tags', 'allowed_account_ids'), hclValue)
    .map(([k, v]) => `${k}=${v}`),
  fc.constant(`secret_key=${SECRET}`),
  fc.constant('extra.tfbackend'),
  fc.constant('missing.tfbackend'),
  fc.string({ maxLength: 15 }),
);

describe('backend configuration reader (fuzz)', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    dir = await tempDir('s3state-cfgfuzz-');
  });
  after(async () => {
    await dir.cleanup();
  });

  test('random backend blocks and -backend-config values: resolved or a typed error, no secret echoed', async () => {
    let run = 0;
    let resolved = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(validBlock, fc.array(assignment, { maxLength: 8 })),
        fc.boolean(),
        fc.array(assignment, { maxLength: 4 }),
        fc.oneof(validArgs, fc.array(argValue, { maxLength: 4 })),
        fc.nat(3).map((n) => n > 0),
        async (block, withSecret, fileBody, args, withBase) => {
          const cwd = join(dir.path, `r${run++}`);
          await mkdir(cwd);
          // A valid base three times in four, so that the random parts are what decides.
          const base = withBase
            ? [
                'bucket = "b"',
                'key = "k/terraform.tfstate"',
                'region = "us-east-1"',
                'skip_credentials_validation = true',
              ]
            : [];
          const lines = [...base, ...block.map(([k, v]) => `${k} = ${v}`)].map((l) => `    ${l}`);
          if (withSecret) lines.push(`    secret_key = "${SECRET}"`);
          await writeFile(
            join(cwd, 'main.tf'),
            `terraform {\n  backend "s3" {\n${lines.join('\n')}\n  }\n}\n`,
          );
          await writeFile(
            join(cwd, 'extra.tfbackend'),
            fileBody.map(([k, v]) => `${k} = ${v}`).join('\n') + '\n',
          );
          try {
            const r = await resolveBackendConfig({ cwd, backendConfig: args, env: {} });
            resolved++;
            const shown = JSON.stringify(r.diagnostics);
            assert.ok(!shown.includes(SECRET), `secret in warnings: ${shown}`);
          } catch (e) {
            rejected++;
            assert.ok(isS3StateError(e), `untyped error: ${String(e)}`);
            const shown = JSON.stringify({
              m: e.message,
              d: e.detail,
              h: e.hint,
              diags: (e as { diagnostics?: unknown }).diagnostics,
            });
            assert.ok(!shown.includes(SECRET), `secret in error: ${shown.slice(0, 500)}`);
          } finally {
            await rm(cwd, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 80, timeout: 10_000 },
    );
    // Both outcomes must actually occur, or the generator is not exercising the reader.
    assert.ok(resolved > 0 && rejected > 0, `resolved ${resolved}, rejected ${rejected}`);
  });
});
