import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  attributesFor,
  BACKEND_ATTRIBUTES,
  findAttributePath,
  FLAT_ASSUME_ROLE_ATTRIBUTES,
} from './backend-attributes.ts';

test('OpenTofu has 55 top-level attributes and Terraform 45 (spec §1.1)', () => {
  assert.equal(attributesFor('opentofu').length, 55);
  assert.equal(attributesFor('terraform').length, 45);
});

test('every Terraform attribute is also an OpenTofu one; the difference is the flat assume-role set and tags', () => {
  const tofu = new Set(attributesFor('opentofu').map((a) => a.name));
  const tf = attributesFor('terraform').map((a) => a.name);
  for (const n of tf) assert.ok(tofu.has(n), n);
  const onlyTofu = [...tofu].filter((n) => !tf.includes(n)).sort();
  assert.deepEqual(onlyTofu, [...FLAT_ASSUME_ROLE_ATTRIBUTES, 'lock_tags', 'state_tags'].sort());
});

test('attribute names are unique and every deprecation names an existing replacement', () => {
  const names = BACKEND_ATTRIBUTES.map((a) => a.name);
  assert.equal(new Set(names).size, names.length);
  for (const a of BACKEND_ATTRIBUTES) {
    if (a.deprecated)
      assert.ok(findAttributePath(a.deprecated.replacement), `${a.name} -> ${a.deprecated.replacement}`);
  }
});

test('nested schemas differ where the peers differ', () => {
  assert.deepEqual(
    attributesFor('opentofu', 'endpoints').map((a) => a.name),
    ['s3', 'iam', 'sts', 'dynamodb'],
  );
  assert.deepEqual(
    attributesFor('terraform', 'endpoints').map((a) => a.name),
    ['s3', 'iam', 'sts', 'dynamodb', 'sso'],
  );
  assert.ok(!attributesFor('opentofu', 'assume_role').some((a) => a.name === 'source_identity'));
  assert.ok(attributesFor('terraform', 'assume_role').some((a) => a.name === 'source_identity'));
});

test('secrets are marked sensitive', () => {
  for (const p of [
    'secret_key',
    'token',
    'sse_customer_key',
    'assume_role_with_web_identity.web_identity_token',
  ]) {
    assert.equal(findAttributePath(p)?.sensitive, 'secret', p);
  }
  assert.equal(findAttributePath('access_key')?.sensitive, 'partial');
});
