import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isS3StateError } from '../errors.ts';
import { formatAddress, hclQuote, listAddresses, parseAddress } from './addresses.ts';
import type { InstanceState, ResourceState } from './state-file.ts';
import { emptyState } from './write-state.ts';

describe('parseAddress', () => {
  const ok: [string, string][] = [
    ['aws_instance.web', 'resource'],
    ['aws_instance.web[0]', 'instance'],
    ['aws_instance.web["a b"]', 'instance'],
    ['data.aws_ami.x', 'resource'],
    ['module.a', 'module'],
    ['module.a[2].module.b["k"]', 'module'],
    ['module.a["k"].data.x.y[3]', 'instance'],
    ['module.my-mod.aws_s3_bucket.b-1', 'resource'],
  ];
  for (const [text, kind] of ok) {
    test(`${text} → ${kind}, formats back identically`, () => {
      const a = parseAddress(text);
      assert.equal(a.kind, kind);
      assert.equal(formatAddress(a), text);
    });
  }

  // Summaries and details exactly as terraform 1.11.4 prints them for `terraform state list <addr>`.
  const bad: [string, string, string][] = [
    ['a', 'Invalid address', 'Resource specification must include a resource type and name.'],
    ['a.b.c', 'Invalid address', 'Resource instance key must be given in square brackets.'],
    ['module', 'Invalid address operator', 'Prefix "module." must be followed by a module name.'],
    [
      'module.x[',
      'Index value required',
      'Index brackets must contain either a literal number or a literal string.',
    ],
    ['a..b', 'Attribute name required', 'Dot must be followed by attribute name.'],
    ['x.y["a"', 'Unclosed index brackets', 'Index key must be followed by a closing bracket.'],
    [
      'x.y[-1]',
      'Index value required',
      'Index brackets must contain either a literal number or a literal string.',
    ],
    [
      'x.y[1.5]',
      'Invalid address',
      'Invalid resource instance key: value must be a whole number, between -9223372036854775808 and 9223372036854775807.',
    ],
    ['1abc', 'Variable name required', 'Must begin with a variable name.'],
    ['x y', 'Invalid character', 'Expected an attribute access or an index operator.'],
    ['data.x.y.z', 'Invalid address', 'Resource instance key must be given in square brackets.'],
    [
      'module.a[1.5]',
      'Invalid address operator',
      'Invalid module index: value must be a whole number, between -9223372036854775808 and 9223372036854775807.',
    ],
    ['module.a.x', 'Invalid address', 'Resource specification must include a resource type and name.'],
    ['x.y[1].z', 'Invalid address', 'Unexpected extra operators after address.'],
  ];
  for (const [text, summary, detail] of bad) {
    test(`${JSON.stringify(text)} → ${summary}`, () => {
      assert.throws(
        () => parseAddress(text),
        (e) => isS3StateError(e, 'USAGE') && e.message === summary && e.detail === detail,
      );
    });
  }

  test('string keys are quoted HCL-style', () => {
    assert.equal(hclQuote('a"b\\c\n${x}%{y}'), '"a\\"b\\\\c\\n$${x}%%{y}"');
  });
});

function r(
  module: string,
  mode: 'managed' | 'data',
  type: string,
  name: string,
  keys: (number | string | undefined)[],
): ResourceState {
  const instances: InstanceState[] = keys.map((k) => (k === undefined ? {} : { indexKey: k }));
  return { module, mode, type, name, provider: 'p', instances };
}

describe('listAddresses', () => {
  const s = emptyState({ lineage: 'l', serial: 1, terraformVersion: '1.11.4' });
  s.resources = [
    r('module.z', 'managed', 'a', 'x', [undefined]),
    r('module.a.module.b', 'managed', 'a', 'x', [undefined]),
    r('module.a[1]', 'managed', 'a', 'x', [undefined]),
    r('module.a["s"]', 'managed', 'a', 'x', [undefined]),
    r('module.a', 'managed', 'a', 'x', [undefined]),
    r('', 'managed', 'b', 'y', ['k', 2, 10]),
    r('', 'data', 'z', 'a', [undefined]),
    r('', 'managed', 'a', 'z', [undefined]),
  ];

  test("terraform's order: depth, module path (no key < int < string), data first, type, name, key", () => {
    assert.deepEqual(listAddresses(s), [
      'data.z.a',
      'a.z',
      'b.y[2]',
      'b.y[10]',
      'b.y["k"]',
      'module.a.a.x',
      'module.a[1].a.x',
      'module.a["s"].a.x',
      'module.z.a.x',
      'module.a.module.b.a.x',
    ]);
  });

  test('filters: a keyless module matches all its instances and descendants; each filter in turn', () => {
    assert.deepEqual(listAddresses(s, ['module.a']), [
      'module.a.a.x',
      'module.a[1].a.x',
      'module.a["s"].a.x',
      'module.a.module.b.a.x',
    ]);
    assert.deepEqual(listAddresses(s, ['module.a[1]', 'b.y']), [
      'module.a[1].a.x',
      'b.y[2]',
      'b.y[10]',
      'b.y["k"]',
    ]);
    assert.deepEqual(listAddresses(s, ['b.y[10]']), ['b.y[10]']);
  });

  test('a filter that matches nothing fails like terraform', () => {
    assert.throws(
      () => listAddresses(s, ['b.y[3]']),
      (e) => isS3StateError(e, 'STATE') && e.message === 'Unknown resource instance',
    );
    assert.throws(
      () => listAddresses(s, ['nope.x']),
      (e) => isS3StateError(e) && e.message === 'Unknown resource',
    );
    assert.throws(
      () => listAddresses(s, ['module.q']),
      (e) => isS3StateError(e) && e.message === 'Unknown module',
    );
  });
});
