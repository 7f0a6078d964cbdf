// Property: any state model the writers can produce is read back to the same model, in both
// layouts (parse(write(s)) == normalise(s)), and writing is a fixed point (write(parse(write(s)))
// == write(s)). Models are generated directly (not via JSON), including big serials, HTML
// characters, U+2028, astral characters, integer-like keys and deposed objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseState } from '../../src/state/parse-state.ts';
import type { RawJson } from '../../src/state/raw-json.ts';
import type { InstanceState, OutputValue, ResourceState, StateFile } from '../../src/state/state-file.ts';
import { sortInstances, sortResources, writeState } from '../../src/state/write-state.ts';

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '\u2028', '"', '\\', '\n', 'é', '😀', '1', 'a', ' '),
    fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
  ),
  maxLength: 8,
});
const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/);

const raw: fc.Arbitrary<RawJson> = fc.letrec<{ v: RawJson }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant<RawJson>({ kind: 'null' }),
    fc.boolean().map((value): RawJson => ({ kind: 'bool', value })),
    fc
      .oneof(
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
        fc.constantFrom('3.14159', '1e-7', '-0.5'),
      )
      .map((t): RawJson => ({ kind: 'number', text: t })),
    text.map((value): RawJson => ({ kind: 'string', value })),
    fc.array(tie('v'), { maxLength: 3 }).map((items): RawJson => ({ kind: 'array', items })),
    fc
      .uniqueArray(fc.tuple(fc.oneof(text, fc.nat(20).map(String)), tie('v')), {
        maxLength: 3,
        selector: (e) => e[0],
      })
      .map((entries): RawJson => ({ kind: 'object', entries })),
  ),
})).v;

const instance: fc.Arbitrary<InstanceState> = fc
  .record(
    {
      indexKey: fc.oneof(fc.nat(30), text),
      status: fc.constant('tainted'),
      deposed: fc.stringMatching(/^[0-9a-f]{8}$/),
      schemaVersion: fc.nat(9),
      attributes: raw,
      sensitiveAttributes: fc.constant<RawJson>({ kind: 'array', items: [] }),
      identitySchemaVersion: fc.nat(3),
      private: fc.base64String({ minLength: 4, maxLength: 12 }),
      dependencies: fc.array(
        ident.map((n) => `t.${n}`),
        { minLength: 1, maxLength: 2 },
      ),
      createBeforeDestroy: fc.constant(true),
    },
    { requiredKeys: ['schemaVersion', 'attributes'] },
  )
  .map((i) => i as InstanceState);

const resource: fc.Arbitrary<ResourceState> = fc.record({
  module: fc.constantFrom('', 'module.a', 'module.a["k<"]', 'module.b[2].module.c'),
  mode: fc.constantFrom<'managed' | 'data'>('managed', 'data'),
  type: ident,
  name: ident,
  provider: fc.constant('provider["registry.terraform.io/hashicorp/t"]'),
  instances: fc.uniqueArray(instance, {
    maxLength: 3,
    selector: (i) => `${typeof i.indexKey}:${String(i.indexKey)}:${i.deposed ?? ''}`,
  }),
});

const output: fc.Arbitrary<OutputValue> = fc.record({ value: raw, type: raw, sensitive: fc.boolean() });

const state: fc.Arbitrary<StateFile> = fc.record({
  version: fc.constant<4>(4),
  terraformVersion: fc.constantFrom('1.11.4', '0.12.31', '1.15.0'),
  serial: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  lineage: text,
  outputs: fc
    .uniqueArray(fc.tuple(text, output), { maxLength: 3, selector: (e) => e[0] })
    .map((e) => new Map(e)),
  resources: fc.uniqueArray(resource, {
    maxLength: 4,
    selector: (r) => `${r.module}|${r.mode}|${r.type}|${r.name}`,
  }),
  checkResults: fc.constantFrom(null, undefined, [
    {
      objectKind: 'check',
      configAddr: 'check.c',
      status: 'fail',
      objects: [{ objectAddr: 'check.c', status: 'fail', failureMessages: ['<no>'] }],
    },
  ]),
});

/** What the writer canonicalises: sorted resources/instances, decoded strings compared by value. */
function normalise(s: StateFile): unknown {
  const strip = (n: RawJson): unknown =>
    n.kind === 'string'
      ? { s: n.value }
      : n.kind === 'array'
        ? n.items.map(strip)
        : n.kind === 'object'
          ? n.entries.map(([k, v]) => [k, strip(v)])
          : n;
  return {
    ...s,
    serial: BigInt(s.serial),
    outputs: [...s.outputs.entries()]
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([k, o]) => [k, strip(o.value), strip(o.type), o.sensitive]),
    resources: sortResources(s.resources).map((r) => ({
      ...r,
      instances: sortInstances(r.instances).map((i) => ({
        ...i,
        attributes: i.attributes && strip(i.attributes),
        sensitiveAttributes: i.sensitiveAttributes && strip(i.sensitiveAttributes),
      })),
    })),
  };
}

test('parse(write(s)) == s and write is a fixed point, in both layouts', () => {
  fc.assert(
    fc.property(state, fc.constantFrom<'terraform' | 'opentofu'>('terraform', 'opentofu'), (s, flavor) => {
      const once = writeState(s, { flavor });
      const back = parseState(once);
      assert.deepEqual(normalise(back), normalise(s));
      assert.equal(writeState(back, { flavor }), once);
    }),
    { numRuns: 300 },
  );
});
