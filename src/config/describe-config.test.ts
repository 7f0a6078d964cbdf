import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConfig } from './describe-config.ts';
import { maskAttributeValue, maskSecret } from './mask-secret.ts';

test('maskSecret hides secrets entirely and access keys partially', () => {
  assert.equal(maskSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), '(sensitive value)');
  assert.equal(maskSecret('AKIAIOSFODNN7EXAMPLE', 'partial'), '****************MPLE');
  assert.equal(maskSecret('abc', 'partial'), '(sensitive value)');
});

test('describeConfig lists attributes in table order with sources and masks secrets', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const token = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
  const d = describeConfig({
    values: {
      secret_key: { value: secret, source: { kind: 'hcl', file: 'main.tf', line: 7 } },
      region: { value: 'eu-west-1', source: { kind: 'env', name: 'AWS_DEFAULT_REGION' } },
      bucket: { value: 'b', source: { kind: 'backend-config-arg', index: 1 } },
      access_key: { value: 'AKIAIOSFODNN7EXAMPLE', source: { kind: 'hcl', file: 'main.tf', line: 6 } },
      assume_role_with_web_identity: {
        value: { role_arn: 'arn:aws:iam::1:role/r', web_identity_token: token },
        source: { kind: 'backend-config-file', file: 'prod.tfbackend', line: 3 },
      },
      max_retries: { value: 5, source: { kind: 'default' } },
    },
    endpoints: {
      s3: { value: 'http://127.0.0.1:9000', source: { kind: 'env', name: 'AWS_ENDPOINT_URL_S3' } },
    },
    workspace: { name: 'staging', source: { kind: 'terraform-dir', file: '.terraform/environment' } },
  });
  assert.deepEqual(
    d.attributes.map((a) => [a.name, a.source]),
    [
      ['bucket', '-backend-config #2'],
      ['region', 'AWS_DEFAULT_REGION'],
      ['access_key', 'main.tf:6'],
      ['secret_key', 'main.tf:7'],
      ['max_retries', 'default'],
      ['assume_role_with_web_identity', 'prod.tfbackend:3'],
    ],
  );
  const text = JSON.stringify(d);
  assert.ok(!text.includes(secret) && !text.includes(token) && !text.includes('AKIAIOSFODNN7EXAMPLE'));
  assert.deepEqual(d.workspace, { name: 'staging', source: '.terraform/environment' });
  assert.deepEqual(d.endpoints, [
    { service: 's3', value: 'http://127.0.0.1:9000', source: 'AWS_ENDPOINT_URL_S3' },
  ]);
  assert.equal(
    describeConfig(
      {
        values: { max_retries: { value: 5, source: { kind: 'default' } } },
        workspace: { name: 'default', source: { kind: 'default' } },
      },
      { includeDefaults: false },
    ).attributes.length,
    0,
  );
  assert.deepEqual(
    maskAttributeValue('assume_role_with_web_identity', { web_identity_token: token, role_arn: 'r' }),
    {
      web_identity_token: '(sensitive value)',
      role_arn: 'r',
    },
  );
});
