import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAttribute } from './backend-attributes.ts';
import { coerceValue } from './coerce-value.ts';

const spec = (n: string) => findAttribute(n)!;

test('converts like cty: strings to bool/number, numbers and bools to string, tuples to sets', () => {
  const ok: [string, unknown, unknown][] = [
    ['encrypt', 'true', true],
    ['encrypt', 'false', false],
    ['encrypt', true, true],
    ['max_retries', '7', 7],
    ['max_retries', 3, 3],
    ['bucket', 12, '12'],
    ['bucket', true, 'true'],
    ['shared_config_files', ['a', 'b', 'a'], ['a', 'b']],
    ['allowed_account_ids', [123456789012], ['123456789012']],
    ['state_tags', { a: 'b', n: 1 }, { a: 'b', n: '1' }],
    ['endpoints', { s3: 'http://x' }, { s3: 'http://x' }],
    ['assume_role', [{ role_arn: 'arn' }], { role_arn: 'arn' }],
    ['bucket', null, null],
  ];
  for (const [name, raw, want] of ok) {
    assert.deepEqual(
      coerceValue(spec(name), raw, 'opentofu'),
      { ok: true, value: want },
      `${name}=${JSON.stringify(raw)}`,
    );
  }
});

test("reports cty's conversion errors", () => {
  const bad: [string, unknown, string][] = [
    ['encrypt', 'maybe', 'a bool is required'],
    ['max_retries', 'x', 'a number is required'],
    ['bucket', ['a'], 'a string is required'],
    ['shared_config_files', 'a', 'set of string required'],
    ['shared_config_files', [{}], 'element 0: string required'],
    ['state_tags', ['a'], 'map of string required'],
    ['assume_role', [{ role_arn: 'a' }, { role_arn: 'b' }], 'only one "assume_role" block is allowed'],
  ];
  for (const [name, raw, error] of bad) {
    const r = coerceValue(spec(name), raw, 'opentofu');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error, error, name);
  }
});

test('unknown nested attributes are reported with a suggestion; source_identity is Terraform-only', () => {
  const r = coerceValue(spec('assume_role'), { role_arn: 'a', rol_arn: 'b' }, 'opentofu');
  assert.ok(!r.ok);
  assert.deepEqual(!r.ok && r.unsupported, { name: 'rol_arn', suggestion: 'role_arn' });
  assert.equal(
    coerceValue(spec('assume_role'), { role_arn: 'a', source_identity: 's' }, 'opentofu').ok,
    false,
  );
  assert.equal(
    coerceValue(spec('assume_role'), { role_arn: 'a', source_identity: 's' }, 'terraform').ok,
    true,
  );
});
