import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../errors.ts';
import {
  ENCRYPTION_KEY_CONFLICT_DETAIL,
  ENCRYPTION_KEY_ENV_CONFLICT_DETAIL,
  validateBackendConfig,
  validateKmsKey,
} from './validate-backend-config.ts';

const BASE = { bucket: 'test', key: 'test', region: 'us-west-2' };
const REQ_TAIL =
  '\n\nRefer to the backend documentation for additional information which attributes are required.';

type Case = {
  name: string;
  config: Record<string, unknown>;
  env?: Record<string, string>;
  /** Exactly these diagnostics (severity, summary, detail), in any order. */
  expected: Omit<Diagnostic, 'path'>[];
};

function strip(d: Diagnostic[]): Omit<Diagnostic, 'path'>[] {
  return d.map(({ severity, summary, detail }) => ({ severity, summary, detail })).sort(byText);
}
function byText(a: Omit<Diagnostic, 'path'>, b: Omit<Diagnostic, 'path'>): number {
  const ka = a.summary + a.detail;
  const kb = b.summary + b.detail;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
const E = (summary: string, detail: string) => ({ severity: 'error' as const, summary, detail });
const W = (summary: string, detail: string) => ({ severity: 'warning' as const, summary, detail });

function runCases(flavor: 'opentofu' | 'terraform', cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const got = validateBackendConfig(c.config, c.env ?? {}, flavor);
      assert.deepEqual(strip(got), [...c.expected].sort(byText));
    });
  }
}

describe('TestBackendConfig_PrepareConfigValidation (OpenTofu)', () => {
  runCases('opentofu', [
    {
      name: 'null bucket',
      config: { key: 'test', region: 'us-west-2' },
      expected: [E('Invalid bucket value', 'The "bucket" attribute value must not be empty.')],
    },
    {
      name: 'empty bucket',
      config: { ...BASE, bucket: '' },
      expected: [E('Invalid bucket value', 'The "bucket" attribute value must not be empty.')],
    },
    { name: 'whitespace bucket is accepted', config: { ...BASE, bucket: ' ' }, expected: [] },
    {
      name: 'null key',
      config: { bucket: 'test', region: 'us-west-2' },
      expected: [E('Invalid key value', 'The "key" attribute value must not be empty.')],
    },
    {
      name: 'empty key',
      config: { ...BASE, key: '' },
      expected: [E('Invalid key value', 'The "key" attribute value must not be empty.')],
    },
    {
      name: 'key with leading slash',
      config: { ...BASE, key: '/leading-slash' },
      expected: [E('Invalid key value', 'The "key" attribute value must not start or end with "/".')],
    },
    {
      name: 'key with trailing slash',
      config: { ...BASE, key: 'trailing-slash/' },
      expected: [E('Invalid key value', 'The "key" attribute value must not start or end with "/".')],
    },
    { name: 'key with double slash is accepted', config: { ...BASE, key: 'a//b' }, expected: [] },
    {
      name: 'null region',
      config: { bucket: 'test', key: 'test' },
      expected: [
        E(
          'Missing region value',
          'The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.',
        ),
      ],
    },
    {
      name: 'empty region',
      config: { ...BASE, region: '' },
      expected: [
        E(
          'Missing region value',
          'The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.',
        ),
      ],
    },
    {
      name: 'workspace_key_prefix with leading slash',
      config: { ...BASE, workspace_key_prefix: '/env' },
      expected: [
        E(
          'Invalid workspace_key_prefix value',
          'The "workspace_key_prefix" attribute value must not start with "/".',
        ),
      ],
    },
    {
      name: 'workspace_key_prefix with trailing slash',
      config: { ...BASE, workspace_key_prefix: 'env/' },
      expected: [
        E(
          'Invalid workspace_key_prefix value',
          'The "workspace_key_prefix" attribute value must not start with "/".',
        ),
      ],
    },
    {
      name: 'empty workspace_key_prefix is accepted',
      config: { ...BASE, workspace_key_prefix: '' },
      expected: [],
    },
    {
      name: 'encryption key conflict',
      config: {
        ...BASE,
        kms_key_id: 'arn:aws:kms:us-west-2:111122223333:key/57ff7a43-341d-46b6-aee3-a450c9de6dc8',
        sse_customer_key: '4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=',
      },
      expected: [E('Invalid encryption configuration', ENCRYPTION_KEY_CONFLICT_DETAIL)],
    },
    {
      name: 'allowed forbidden account ids conflict',
      config: { ...BASE, allowed_account_ids: ['012345678901'], forbidden_account_ids: ['012345678901'] },
      expected: [
        E(
          'Invalid Attribute Combination',
          'Only one of allowed_account_ids, forbidden_account_ids can be set.',
        ),
      ],
    },
    {
      name: 'invalid retry mode',
      config: { ...BASE, retry_mode: 'xyz' },
      expected: [E('Invalid retry mode', 'Valid values are "standard" and "adaptive".')],
    },
    { name: 'adaptive retry mode', config: { ...BASE, retry_mode: 'adaptive' }, expected: [] },
    {
      name: 'endpoints.s3 conflicts with endpoint',
      config: { ...BASE, endpoints: { s3: 's3.test' }, endpoint: 's3.test' },
      expected: [
        E('Invalid Attribute Combination', 'Only one of endpoints.s3, endpoint can be set.'),
        W('Deprecated Parameter', 'Parameter "endpoint" is deprecated. Use "endpoints.s3" instead.'),
      ],
    },
    {
      name: 'endpoints.iam conflicts with iam_endpoint',
      config: { ...BASE, endpoints: { iam: 'iam.test' }, iam_endpoint: 'iam.test' },
      expected: [
        E('Invalid Attribute Combination', 'Only one of endpoints.iam, iam_endpoint can be set.'),
        W('Deprecated Parameter', 'Parameter "iam_endpoint" is deprecated. Use "endpoints.iam" instead.'),
      ],
    },
    {
      name: 'endpoints.sts conflicts with sts_endpoint',
      config: { ...BASE, endpoints: { sts: 'sts.test' }, sts_endpoint: 'sts.test' },
      expected: [
        E('Invalid Attribute Combination', 'Only one of endpoints.sts, sts_endpoint can be set.'),
        W('Deprecated Parameter', 'Parameter "sts_endpoint" is deprecated. Use "endpoints.sts" instead.'),
      ],
    },
    {
      name: 'endpoints.dynamodb conflicts with dynamodb_endpoint',
      config: { ...BASE, endpoints: { dynamodb: 'dynamo.test' }, dynamodb_endpoint: 'dynamo.test' },
      expected: [
        E('Invalid Attribute Combination', 'Only one of endpoints.dynamodb, dynamodb_endpoint can be set.'),
        W(
          'Deprecated Parameter',
          'Parameter "dynamodb_endpoint" is deprecated. Use "endpoints.dynamodb" instead.',
        ),
      ],
    },
    {
      name: 'shared credentials file conflict and deprecation',
      config: { ...BASE, shared_credentials_file: 'a', shared_credentials_files: ['b'] },
      expected: [
        E(
          'Invalid Attribute Combination',
          'Only one of shared_credentials_file, shared_credentials_files can be set.',
        ),
        W(
          'Deprecated Parameter',
          'Parameter "shared_credentials_file" is deprecated. Use "shared_credentials_files" instead.',
        ),
      ],
    },
    {
      name: 'force_path_style conflicts with use_path_style',
      config: { ...BASE, force_path_style: true, use_path_style: true },
      expected: [
        E('Invalid Attribute Combination', 'Only one of force_path_style, use_path_style can be set.'),
        W(
          'Deprecated Parameter',
          'Parameter "force_path_style" is deprecated. Use "use_path_style" instead.',
        ),
      ],
    },
    {
      name: 'flat assume-role attributes conflict with assume_role',
      config: {
        ...BASE,
        role_arn: 'arn:aws:iam::123456789012:role/x',
        assume_role: { role_arn: 'arn:aws:iam::123456789012:role/y' },
      },
      expected: [
        E(
          'Conflicting Parameters',
          'The following deprecated parameters conflict with the parameter "assume_role". Replace them as follows:\n  * role_arn -> assume_role.role_arn\n',
        ),
      ],
    },
    {
      name: 'web identity token conflict',
      config: {
        ...BASE,
        assume_role_with_web_identity: { web_identity_token: 'tok', web_identity_token_file: '/f' },
      },
      expected: [
        E(
          'Invalid Attribute Combination',
          'Only one of web_identity_token, web_identity_token_file can be set.',
        ),
      ],
    },
    {
      name: 'web identity blank session_name and policy',
      config: { ...BASE, assume_role_with_web_identity: { session_name: ' ', policy: '' } },
      expected: [
        E('Invalid Value', 'The value cannot be empty or all whitespace'),
        E('Invalid Value', 'The value cannot be empty or all whitespace'),
      ],
    },
  ]);
});

describe('TestBackendConfig_PrepareConfigValidationWarnings (OpenTofu)', () => {
  runCases('opentofu', [
    {
      name: 'force_path_style deprecated',
      config: { ...BASE, force_path_style: true },
      expected: [
        W(
          'Deprecated Parameter',
          'Parameter "force_path_style" is deprecated. Use "use_path_style" instead.',
        ),
      ],
    },
    {
      name: 'flat assume-role attributes deprecated (padded, sorted)',
      config: {
        ...BASE,
        role_arn: 'arn:aws:iam::123456789012:role/x',
        external_id: 'ext',
        assume_role_duration_seconds: 3600,
      },
      expected: [
        W(
          'Deprecated Parameters',
          'The following parameters have been deprecated. Replace them as follows:\n' +
            '  * assume_role_duration_seconds -> assume_role.duration\n' +
            '  * external_id                  -> assume_role.external_id\n' +
            '  * role_arn                     -> assume_role.role_arn\n',
        ),
      ],
    },
  ]);
});

describe('TestBackendConfig_PrepareConfigWithEnvVars (OpenTofu)', () => {
  runCases('opentofu', [
    {
      name: 'region from AWS_REGION',
      config: { bucket: 'b', key: 'k' },
      env: { AWS_REGION: 'us-west-1' },
      expected: [],
    },
    {
      name: 'region from AWS_DEFAULT_REGION',
      config: { bucket: 'b', key: 'k' },
      env: { AWS_DEFAULT_REGION: 'us-west-1' },
      expected: [],
    },
    {
      name: 'env region is not checked against the list',
      config: { bucket: 'b', key: 'k' },
      env: { AWS_REGION: 'nonesuch' },
      expected: [],
    },
    {
      name: 'kms_key_id with AWS_SSE_CUSTOMER_KEY',
      config: {
        ...BASE,
        kms_key_id: 'arn:aws:kms:us-west-2:111122223333:key/57ff7a43-341d-46b6-aee3-a450c9de6dc8',
      },
      env: { AWS_SSE_CUSTOMER_KEY: '4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=' },
      expected: [E('Invalid encryption configuration', ENCRYPTION_KEY_ENV_CONFLICT_DETAIL)],
    },
  ]);
});

describe('TestBackendConfig_InvalidRegion', () => {
  runCases('opentofu', [
    {
      name: 'nonesuch (OpenTofu wording)',
      config: { ...BASE, region: 'nonesuch' },
      expected: [E('Invalid region value', 'invalid AWS Region: nonesuch')],
    },
    {
      name: 'skip_region_validation',
      config: { ...BASE, region: 'nonesuch', skip_region_validation: true },
      expected: [],
    },
  ]);
  runCases('terraform', [
    {
      name: 'nonesuch (Terraform wording)',
      config: { ...BASE, region: 'nonesuch' },
      expected: [E('Invalid region value', 'Invalid AWS Region: nonesuch')],
    },
  ]);
});

describe('TestBackendSSECustomerKeyConfig / TestBackendSSECustomerKeyEnvVar', () => {
  runCases('opentofu', [
    {
      name: 'key too short',
      config: { ...BASE, encrypt: true, sse_customer_key: 'key' },
      expected: [E('Invalid sse_customer_key value', 'sse_customer_key must be 44 characters in length')],
    },
    {
      name: 'key not base64',
      config: { ...BASE, encrypt: true, sse_customer_key: '====CT70aTYB2JGff7AjQtwbiLkwH4npICay1PWtmdka' },
      expected: [
        E(
          'Invalid sse_customer_key value',
          'sse_customer_key must be base64 encoded: illegal base64 data at input byte 0',
        ),
      ],
    },
    {
      name: 'valid key',
      config: { ...BASE, encrypt: true, sse_customer_key: '4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=' },
      expected: [],
    },
    {
      name: 'env key too short',
      config: { ...BASE, encrypt: true },
      env: { AWS_SSE_CUSTOMER_KEY: 'key' },
      expected: [
        E(
          'Invalid AWS_SSE_CUSTOMER_KEY value',
          'The environment variable "AWS_SSE_CUSTOMER_KEY" must be 44 characters in length',
        ),
      ],
    },
    {
      name: 'env key not base64',
      config: { ...BASE, encrypt: true },
      env: { AWS_SSE_CUSTOMER_KEY: '====CT70aTYB2JGff7AjQtwbiLkwH4npICay1PWtmdka' },
      expected: [
        E(
          'Invalid AWS_SSE_CUSTOMER_KEY value',
          'The environment variable "AWS_SSE_CUSTOMER_KEY" must be base64 encoded: illegal base64 data at input byte 0',
        ),
      ],
    },
    {
      name: 'config key beats env key',
      config: { ...BASE, sse_customer_key: '4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=' },
      env: { AWS_SSE_CUSTOMER_KEY: 'bad' },
      expected: [],
    },
  ]);
});

describe('TestValidateKMSKey / TestValidateKeyARN', () => {
  const ok = [
    ['kms key id', 'd9a5d2ae-6b9b-4d2f-9a5d-2ae6b9b4d2f9'],
    ['kms key arn', 'arn:aws:kms:us-west-2:111122223333:key/57ff7a43-341d-46b6-aee3-a450c9de6dc8'],
    ['kms multi-region key id', 'mrk-f827515944fb43f9b902a09d2c8b554f'],
    [
      'kms multi-region key arn',
      'arn:aws:kms:us-west-2:111122223333:key/mrk-a835af0b39c94b86a21a8fc9535df681',
    ],
    ['kms alias', 'alias/terraform'],
    ['kms alias arn', 'arn:aws:kms:us-west-2:111122223333:alias/terraform'],
    // The ungrouped key-ID pattern accepts anything starting with a UUID or ending with alias/….
    ['uuid prefix quirk', 'd9a5d2ae-6b9b-4d2f-9a5d-2ae6b9b4d2f9-and-more'],
    ['alias suffix quirk', 'junk alias/x'],
  ] as const;
  for (const [name, v] of ok) test(`accepts ${name}`, () => assert.deepEqual(validateKmsKey(v), []));
  const bad = [
    [
      'invalid key id',
      '$%wrongkey',
      'Invalid KMS Key ID',
      'Value must be a valid KMS Key ID, got "$%wrongkey"',
    ],
    ['not an arn', 'not-an-arn', 'Invalid KMS Key ID', 'Value must be a valid KMS Key ID, got "not-an-arn"'],
    [
      'non-kms arn',
      'arn:aws:lamda:foo:bar:key/xyz',
      'Invalid KMS Key ARN',
      'Value must be a valid KMS Key ARN, got "arn:aws:lamda:foo:bar:key/xyz"',
    ],
    [
      'arn with uppercase uuid',
      'arn:aws:kms:us-west-2:111122223333:key/57FF7A43-341D-46B6-AEE3-A450C9DE6DC8',
      'Invalid KMS Key ARN',
      'Value must be a valid KMS Key ARN, got "arn:aws:kms:us-west-2:111122223333:key/57FF7A43-341D-46B6-AEE3-A450C9DE6DC8"',
    ],
  ] as const;
  for (const [name, v, summary, detail] of bad) {
    test(`rejects ${name}`, () => {
      assert.deepEqual(strip(validateKmsKey(v)), [E(summary, detail)]);
      assert.equal(validateKmsKey(v)[0]?.path, 'kms_key_id');
    });
  }
});

describe('Test_validateNestedAssumeRole (OpenTofu)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/x';
  const ar = (o: Record<string, unknown>) => ({ ...BASE, assume_role: o });
  runCases('opentofu', [
    {
      name: 'valid',
      config: ar({
        role_arn: ROLE,
        duration: '1h',
        session_name: 's',
        policy_arns: ['arn:aws:iam::123456789012:policy/p'],
      }),
      expected: [],
    },
    {
      name: 'empty role_arn',
      config: ar({ role_arn: '' }),
      expected: [
        E(
          'Missing Required Value',
          `The attribute "assume_role.role_arn" is required by the backend.${REQ_TAIL}`,
        ),
      ],
    },
    {
      name: 'invalid duration',
      config: ar({ role_arn: ROLE, duration: 'two hours' }),
      expected: [
        E(
          'Invalid Duration',
          'The value "two hours" cannot be parsed as a duration: time: invalid duration "two hours"',
        ),
      ],
    },
    {
      name: 'duration without unit',
      config: ar({ role_arn: ROLE, duration: '10' }),
      expected: [
        E(
          'Invalid Duration',
          'The value "10" cannot be parsed as a duration: time: missing unit in duration "10"',
        ),
      ],
    },
    {
      name: 'too long duration (original string echoed)',
      config: ar({ role_arn: ROLE, duration: '720m1s' }),
      expected: [E('Invalid Duration', 'Duration must be between 15m0s and 12h0m0s, had 720m1s')],
    },
    {
      name: 'too short duration',
      config: ar({ role_arn: ROLE, duration: '10m' }),
      expected: [E('Invalid Duration', 'Duration must be between 15m0s and 12h0m0s, had 10m')],
    },
    {
      name: 'empty external_id, policy, session_name',
      config: ar({ role_arn: ROLE, external_id: '', policy: ' ', session_name: '\t' }),
      expected: [
        E('Invalid Value', 'The value cannot be empty or all whitespace'),
        E('Invalid Value', 'The value cannot be empty or all whitespace'),
        E('Invalid Value', 'The value cannot be empty or all whitespace'),
      ],
    },
    {
      name: 'policy_arns not an ARN (whole list quoted, stops)',
      config: ar({ role_arn: ROLE, policy_arns: ['bad', 'worse'] }),
      expected: [
        E('Invalid ARN', 'The value ["bad" "worse"] cannot be parsed as an ARN: arn: invalid prefix'),
      ],
    },
    {
      name: 'policy_arns not a policy',
      config: ar({ role_arn: ROLE, policy_arns: ['arn:aws:iam::123456789012:role/x'] }),
      expected: [
        E(
          'Invalid IAM Policy ARN',
          'Value must be a valid IAM Policy ARN, got ["arn:aws:iam::123456789012:role/x"]',
        ),
      ],
    },
    {
      name: 'policy_arns with too few sections',
      config: ar({ role_arn: ROLE, policy_arns: ['arn:aws:iam'] }),
      expected: [
        E('Invalid ARN', 'The value ["arn:aws:iam"] cannot be parsed as an ARN: arn: not enough sections'),
      ],
    },
  ]);
});

describe('TestAssumeRole_PrepareConfigValidation (Terraform)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/x';
  const ar = (o: Record<string, unknown>) => ({ ...BASE, assume_role: o });
  runCases('terraform', [
    {
      name: 'valid',
      config: ar({
        role_arn: ROLE,
        duration: '2h',
        source_identity: 'me',
        tags: { a: 'b' },
        transitive_tag_keys: ['a'],
      }),
      expected: [],
    },
    {
      name: 'invalid ARN',
      config: ar({ role_arn: 'x' }),
      expected: [E('Invalid ARN', 'The value "x" cannot be parsed as an ARN: arn: invalid prefix')],
    },
    {
      name: 'not a role ARN',
      config: ar({ role_arn: 'arn:aws:iam::1:user/x' }),
      expected: [
        E('Invalid IAM Role ARN', 'Value must be a valid IAM Role ARN, got "arn:aws:iam::1:user/x"'),
      ],
    },
    {
      name: 'missing role_arn',
      config: ar({}),
      expected: [
        E(
          'Missing Required Value',
          `The attribute "assume_role.role_arn" is required by the backend.${REQ_TAIL}`,
        ),
      ],
    },
    {
      name: 'empty role_arn',
      config: ar({ role_arn: '  ' }),
      expected: [E('Invalid Value', 'The value cannot be empty or all whitespace')],
    },
    {
      name: 'invalid duration',
      config: ar({ role_arn: ROLE, duration: '1h5x' }),
      expected: [
        E(
          'Invalid Duration',
          'The value "1h5x" cannot be parsed as a duration: time: unknown unit "x" in duration "1h5x"',
        ),
      ],
    },
    {
      name: 'too short duration (parsed form)',
      config: ar({ role_arn: ROLE, duration: '5m' }),
      expected: [E('Invalid Duration', 'Duration must be between 15m0s and 12h0m0s, had 5m0s')],
    },
    {
      name: 'external_id too short',
      config: ar({ role_arn: ROLE, external_id: 'a' }),
      expected: [E('Invalid Value Length', 'Length must be between 2 and 1224, had 1')],
    },
    {
      name: 'external_id bad characters',
      config: ar({ role_arn: ROLE, external_id: 'a%b' }),
      expected: [
        E('Invalid Value', 'Value can only contain letters, numbers, or the following characters: =,.@/-'),
      ],
    },
    {
      name: 'policy not an object',
      config: ar({ role_arn: ROLE, policy: '[]' }),
      expected: [E('Invalid IAM Policy Document', 'Expected a JSON object describing the policy')],
    },
    {
      name: 'policy empty',
      config: ar({ role_arn: ROLE, policy: '' }),
      expected: [E('Invalid Value', 'The value cannot be empty or all whitespace')],
    },
    {
      name: 'policy truncated JSON',
      config: ar({ role_arn: ROLE, policy: '{"a":1' }),
      expected: [
        E(
          'Invalid JSON Document',
          'The JSON document contains an error: unexpected end of JSON input, at byte offset 6',
        ),
      ],
    },
    {
      name: 'policy double-encoded',
      config: ar({ role_arn: ROLE, policy: '"{}"' }),
      expected: [
        E(
          'Invalid IAM Policy Document',
          'Expected a JSON object describing the policy, had a JSON-encoded string.\n\nThe string content was valid JSON, your policy document may have been double-encoded.',
        ),
      ],
    },
    {
      name: 'policy with leading whitespace is accepted',
      config: ar({ role_arn: ROLE, policy: ' {}' }),
      expected: [],
    },
    {
      name: 'policy_arns each checked',
      config: ar({ role_arn: ROLE, policy_arns: ['arn:aws:iam::1:role/x', 'nope'] }),
      expected: [
        E('Invalid IAM Policy ARN', 'Value must be a valid IAM Policy ARN, got "arn:aws:iam::1:role/x"'),
        E('Invalid ARN', 'The value "nope" cannot be parsed as an ARN: arn: invalid prefix'),
      ],
    },
    {
      name: 'session_name too short',
      config: ar({ role_arn: ROLE, session_name: 'a' }),
      expected: [E('Invalid Value Length', 'Length must be between 2 and 64, had 1')],
    },
    {
      name: 'session_name bad characters',
      config: ar({ role_arn: ROLE, session_name: 'a b' }),
      expected: [
        E('Invalid Value', 'Value can only contain letters, numbers, or the following characters: =,.@-'),
      ],
    },
    {
      name: 'source_identity bad characters',
      config: ar({ role_arn: ROLE, source_identity: 'a b' }),
      expected: [
        E('Invalid Value', 'Value can only contain letters, numbers, or the following characters: =,.@-'),
      ],
    },
  ]);
});

describe('TestBackendConfig_Authentication_AssumeRoleWithWebIdentity diagnostics (Terraform)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/x';
  runCases('terraform', [
    {
      name: 'no token',
      config: { ...BASE, assume_role_with_web_identity: { role_arn: ROLE } },
      expected: [
        E(
          'Missing Required Value',
          'Exactly one of web_identity_token, web_identity_token_file must be set.',
        ),
      ],
    },
    {
      name: 'token conflict',
      config: {
        ...BASE,
        assume_role_with_web_identity: {
          role_arn: ROLE,
          web_identity_token: 'abcd',
          web_identity_token_file: '/tok',
        },
      },
      expected: [
        E(
          'Invalid Attribute Combination',
          'Only one of web_identity_token, web_identity_token_file can be set.',
        ),
      ],
    },
    {
      name: 'missing role_arn',
      config: { ...BASE, assume_role_with_web_identity: { web_identity_token_file: '/tok' } },
      expected: [
        E(
          'Missing Required Value',
          `The attribute "assume_role_with_web_identity.role_arn" is required by the backend.${REQ_TAIL}`,
        ),
      ],
    },
  ]);
});

describe('TestBackendConfig_PrepareConfigValidation (Terraform)', () => {
  runCases('terraform', [
    {
      name: 'null bucket',
      config: { key: 'test', region: 'us-west-2' },
      expected: [
        E('Missing Required Value', `The attribute "bucket" is required by the backend.${REQ_TAIL}`),
      ],
    },
    {
      name: 'empty bucket',
      config: { ...BASE, bucket: '' },
      expected: [E('Invalid Value', 'The value cannot be empty or all whitespace')],
    },
    {
      name: 'whitespace bucket',
      config: { ...BASE, bucket: '  ' },
      expected: [E('Invalid Value', 'The value cannot be empty or all whitespace')],
    },
    {
      name: 'null key',
      config: { bucket: 'test', region: 'us-west-2' },
      expected: [E('Missing Required Value', `The attribute "key" is required by the backend.${REQ_TAIL}`)],
    },
    {
      name: 'key with leading slash',
      config: { ...BASE, key: '/x' },
      expected: [E('Invalid Value', 'The value must not start or end with "/"')],
    },
    {
      name: 'key with double slash',
      config: { ...BASE, key: 'a//b' },
      expected: [E('Invalid Value', 'Value must not contain "//"')],
    },
    {
      name: 'null region',
      config: { bucket: 'test', key: 'test' },
      expected: [
        E(
          'Missing region value',
          'The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.',
        ),
      ],
    },
    {
      name: 'workspace_key_prefix slash',
      config: { ...BASE, workspace_key_prefix: '/x' },
      expected: [E('Invalid Value', 'The value must not start or end with "/"')],
    },
    {
      name: 'kms_key_id and sse_customer_key',
      config: {
        ...BASE,
        kms_key_id: 'not-an-arn',
        sse_customer_key: '4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=',
      },
      expected: [
        E('Invalid Attribute Combination', 'Only one of kms_key_id, sse_customer_key can be set.'),
        E('Invalid KMS Key ID', 'Value must be a valid KMS Key ID, got "not-an-arn"'),
      ],
    },
    {
      name: 'dynamodb_table deprecated',
      config: { ...BASE, dynamodb_table: 'locks' },
      expected: [
        W(
          'Deprecated Parameter',
          'The parameter "dynamodb_table" is deprecated. Use parameter "use_lockfile" instead.',
        ),
      ],
    },
    {
      name: 'legacy endpoint with endpoints.s3',
      config: { ...BASE, endpoint: 'http://x', endpoints: { s3: 'localhost:9' } },
      expected: [
        W(
          'Deprecated Parameter',
          'The parameter "endpoint" is deprecated. Use parameter "endpoints.s3" instead.',
        ),
        E(
          'Conflicting Parameters',
          'The parameters "endpoint" and "endpoints.s3" cannot be configured together.',
        ),
        W(
          'Complete URL Expected',
          'The value should be a valid URL containing at least a scheme and hostname. Had "localhost:9".\n\nUsing an incomplete URL, such as a hostname only, may work, but may have unexpected behavior.',
        ),
      ],
    },
    {
      name: 'endpoint that is not a URL',
      config: { ...BASE, endpoints: { iam: '127.0.0.1:99' } },
      expected: [
        E(
          'Invalid Value',
          'The value "127.0.0.1:99" cannot be parsed as a URL: parse "127.0.0.1:99": first path segment in URL cannot contain colon',
        ),
      ],
    },
    {
      name: 'sso endpoint and IMDS endpoint must be full URLs',
      config: { ...BASE, endpoints: { sso: 'foo' }, ec2_metadata_service_endpoint: 'foo' },
      expected: [
        E(
          'Invalid Value',
          'The value must be a valid URL containing at least a scheme and hostname. Had "foo"',
        ),
        E(
          'Invalid Value',
          'The value must be a valid URL containing at least a scheme and hostname. Had "foo"',
        ),
      ],
    },
    {
      name: 'IMDS endpoint mode',
      config: { ...BASE, ec2_metadata_service_endpoint_mode: 'x' },
      expected: [E('Invalid Value', 'Value must be one of [IPv4, IPv6]')],
    },
    {
      name: 'retry mode',
      config: { ...BASE, retry_mode: 'xyz' },
      expected: [E('Invalid Value', 'unknown RetryMode, xyz')],
    },
    {
      name: 'shared credentials and path style conflicts',
      config: {
        ...BASE,
        shared_credentials_file: 'a',
        shared_credentials_files: ['b'],
        force_path_style: true,
        use_path_style: true,
      },
      expected: [
        E(
          'Invalid Attribute Combination',
          'Only one of shared_credentials_file, shared_credentials_files can be set.',
        ),
        W(
          'Deprecated Parameter',
          'The parameter "shared_credentials_file" is deprecated. Use parameter "shared_credentials_files" instead.',
        ),
        E('Invalid Attribute Combination', 'Only one of force_path_style, use_path_style can be set.'),
        W(
          'Deprecated Parameter',
          'The parameter "force_path_style" is deprecated. Use parameter "use_path_style" instead.',
        ),
      ],
    },
  ]);
});

test('diagnostics name the attribute path', () => {
  const d = validateBackendConfig({ ...BASE, key: '/x', assume_role: { role_arn: '' } }, {}, 'opentofu');
  assert.deepEqual(d.map((x) => x.path).sort(), ['assume_role.role_arn', 'key']);
});

test('secrets never appear in diagnostics', () => {
  const secret = 'c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWshIQ=x';
  for (const flavor of ['opentofu', 'terraform'] as const) {
    const d = validateBackendConfig(
      { ...BASE, sse_customer_key: secret, secret_key: secret, token: secret },
      { AWS_SSE_CUSTOMER_KEY: secret },
      flavor,
    );
    assert.ok(d.length > 0);
    assert.ok(!JSON.stringify(d).includes(secret), JSON.stringify(d));
  }
});

test('Configure-time checks (region list, SSE-C key) run only when PrepareConfig found no error', () => {
  for (const flavor of ['opentofu', 'terraform'] as const) {
    const d = validateBackendConfig(
      { ...BASE, key: '', region: 'nonesuch', sse_customer_key: 'short' },
      {},
      flavor,
    );
    assert.ok(
      !d.some((x) => x.summary === 'Invalid region value' || x.summary === 'Invalid sse_customer_key value'),
      flavor,
    );
    const d2 = validateBackendConfig({ ...BASE, region: 'nonesuch', sse_customer_key: 'short' }, {}, flavor);
    assert.deepEqual(
      d2.map((x) => x.summary),
      ['Invalid region value', 'Invalid sse_customer_key value'],
    );
  }
});

test('TestBackendConfig_EC2MetadataEndpoint: invalid AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (both peers)', () => {
  for (const flavor of ['opentofu', 'terraform'] as const) {
    assert.deepEqual(
      strip(validateBackendConfig(BASE, { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'x' }, flavor)),
      [E('unknown EC2 IMDS endpoint mode, must be either IPv6 or IPv4', '')],
    );
    assert.deepEqual(
      validateBackendConfig(BASE, { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, flavor),
      [],
    );
  }
});
