// Property tests of the v4 state reader/writer (src/state) and of resource addresses: generated
// states round-trip exactly, real Terraform files are reproduced byte for byte, and damaged input
// only ever fails with a typed s3state error.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { parseState, parseAnyState } from '../../src/state/parse-state.ts';
import { writeState } from '../../src/state/write-state.ts';
import { parseJson } from '../../src/state/parse-json.ts';
import { goMarshal } from '../../src/state/go-json.ts';
import { parseAddress, formatAddress, type Address } from '../../src/state/addresses.ts';
import { isS3StateError } from '../../src/errors.ts';

const RUNS = { numRuns: 200 };
const corpus = resolve(import.meta.dirname, '../../../shared/spec/corpus');

const ident = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/);
const moduleAddr = fc.oneof(
  fc.constant(''),
  ident.map((n) => `module.${n}`),
  fc.tuple(ident, fc.string({ maxLength: 4 })).map(([n, k]) => `module.${n}[${JSON.stringify(k)}]`),
  fc.tuple(ident, fc.nat(20), ident).map(([n, i, m]) => `module.${n}[${i}].module.${m}`),
);
const serialText = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const attrValue = fc.jsonValue({ maxDepth: 3 });
const instance = fc.record(
  {
    status: fc.constant('tainted'),
    schema_version: fc.nat(5),
    attributes: fc.dictionary(ident, attrValue, { maxKeys: 4 }),
    sensitive_attributes: fc.constant([]),
    private: fc.base64String({ maxLength: 12 }),
    dependencies: fc.array(
      ident.map((n) => `terraform_data.${n}`),
      { minLength: 1, maxLength: 3 },
    ),
    create_before_destroy: fc.constant(true),
  },
  { requiredKeys: ['schema_version', 'attributes', 'sensitive_attributes'] },
);
const resource = fc.record({
  module: moduleAddr,
  mode: fc.constantFrom('managed', 'data'),
  type: ident.map((t) => `t_${t}`),
  name: ident,
  provider: fc.constant('provider["registry.terraform.io/hashicorp/aws"]'),
  // Instance keys are unique within a resource (the reader rejects duplicates, as Terraform does).
  instances: fc
    .tuple(fc.array(instance, { maxLength: 3 }), fc.boolean())
    .map(([xs, strKeys]) =>
      xs.length === 1 && !strKeys ? xs : xs.map((x, i) => ({ index_key: strKeys ? `k${i}` : i * 7, ...x })),
    ),
});
/** A v4 state document as Terraform would lay it out, with an exact big serial spliced in. */
const stateText = fc
  .record({
    lineage: fc.uuid(),
    outputs: fc.dictionary(
      fc.string({ maxLength: 6 }),
      fc.record(
        { value: attrValue, type: fc.constant('string'), sensitive: fc.constant(true) },
        { requiredKeys: ['value', 'type'] },
      ),
      { maxKeys: 3 },
    ),
    resources: fc.uniqueArray(resource, {
      maxLength: 5,
      selector: (r) => `${r.module}|${r.mode}|${r.type}|${r.name}`,
    }),
    serial: serialText,
  })
  .map(({ lineage, outputs, resources, serial }) => {
    const doc = {
      version: 4,
      terraform_version: '1.11.4',
      serial: 0,
      lineage,
      outputs,
      resources: resources.map((r) => (r.module === '' ? { ...r, module: undefined } : r)),
      check_results: null,
    };
    return {
      serial,
      text: JSON.stringify(doc, null, 2).replace('"serial": 0', `"serial": ${serial}`) + '\n',
    };
  });

describe('state reader/writer (property)', () => {
  test('write(parse(x)) is a fixed point: writing what was written changes nothing', () => {
    fc.assert(
      fc.property(stateText, ({ text, serial }) => {
        const s1 = parseState(text);
        assert.equal(s1.serial, BigInt(serial), 'serial exact (uint64)');
        for (const flavor of ['terraform', 'opentofu'] as const) {
          const w1 = writeState(s1, { flavor });
          const w2 = writeState(parseState(w1), { flavor });
          assert.equal(w2, w1, flavor);
        }
      }),
      RUNS,
    );
  });
  test('compact and indented forms carry the same document', () => {
    fc.assert(
      fc.property(stateText, ({ text }) => {
        const s = parseState(text);
        const indented = writeState(s, { flavor: 'terraform', indent: true });
        const compact = writeState(s, { flavor: 'terraform', indent: false });
        assert.equal(compact, goMarshal(parseJson(indented)) + '\n');
      }),
      RUNS,
    );
  });
  test('every v4 state Terraform 1.11.4 wrote in the corpus is reproduced byte for byte', () => {
    const files = readdirSync(corpus).filter((f) => /^gen-tf1\.11\.4-.*\.tfstate$/.test(f));
    let checked = 0;
    for (const f of files) {
      const bytes = readFileSync(resolve(corpus, f), 'utf8');
      // .terraform/terraform.tfstate backend records (format 3) are not states.
      if (!bytes.startsWith('{\n  "version": 4,')) continue;
      checked++;
      assert.equal(writeState(parseState(bytes), { flavor: 'terraform' }), bytes, f);
    }
    assert.ok(checked >= 8, `corpus v4 states present (${checked})`);
  });
  test('damaged corpus files only ever fail with a typed error', () => {
    const files = readdirSync(corpus).filter((f) => f.endsWith('.tfstate'));
    const texts = files.map((f) => readFileSync(resolve(corpus, f), 'utf8').slice(0, 20_000));
    const damaged = fc
      .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(8), fc.string({ maxLength: 4 }))
      .map(([t, at, del, ins]) => {
        const p = at % (t.length + 1);
        return t.slice(0, p) + ins + t.slice(p + del);
      });
    fc.assert(
      fc.property(damaged, (t) => {
        try {
          const s = parseAnyState(t);
          if (s.version === 4) writeState(s, { flavor: 'terraform' });
        } catch (e) {
          assert.ok(isS3StateError(e), `untyped ${String(e)}`);
        }
      }),
      { numRuns: 400 },
    );
  });
  test('arbitrary JSON documents only ever fail with a typed error', () => {
    const doc = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          version: fc.jsonValue({ maxDepth: 1 }),
          serial: fc.jsonValue({ maxDepth: 1 }),
          resources: fc.jsonValue({ maxDepth: 3 }),
          outputs: fc.jsonValue({ maxDepth: 3 }),
          lineage: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
      fc.record({
        version: fc.constant(4),
        resources: fc.array(
          fc.dictionary(
            fc.constantFrom('module', 'mode', 'type', 'name', 'instances', 'provider', 'each'),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(doc, (v) => {
        try {
          const s = parseAnyState(JSON.stringify(v));
          if (s.version === 4) writeState(s, { flavor: 'terraform' });
        } catch (e) {
          assert.ok(isS3StateError(e), `untyped ${String(e)} for ${JSON.stringify(v).slice(0, 200)}`);
        }
      }),
      { numRuns: 400 },
    );
  });
});

const anyAddress: fc.Arbitrary<Address> = fc
  .record({
    module: fc.array(
      fc.record({
        name: ident,
        key: fc.option(fc.oneof(fc.nat(99), fc.string({ maxLength: 5 })), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    kind: fc.constantFrom('module', 'resource', 'instance'),
    mode: fc.constantFrom('managed', 'data'),
    type: ident.map((t) => `t_${t}`),
    name: ident,
    key: fc.oneof(fc.nat(99), fc.string({ maxLength: 5 })),
  })
  .map((r): Address => {
    const module = r.module.map((m) =>
      m.key === undefined ? { name: m.name } : { name: m.name, key: m.key },
    );
    if (r.kind === 'module') return { kind: 'module', module };
    if (r.kind === 'resource') return { kind: 'resource', module, mode: r.mode, type: r.type, name: r.name };
    return { kind: 'instance', module, mode: r.mode, type: r.type, name: r.name, key: r.key };
  })
  .filter((a) => !(a.kind === 'module' && a.module.length === 0));

describe('resource addresses (property)', () => {
  test('format → parse → format is exact', () => {
    fc.assert(
      fc.property(anyAddress, (a) => {
        const text = formatAddress(a);
        assert.equal(formatAddress(parseAddress(text)), text);
      }),
      RUNS,
    );
  });
  test('arbitrary text: an address or a typed error', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({
        unit: fc.constantFrom('module', '.', 'a', '[', ']', '"', '0', '\\', 'data', ' ', '-', '1e3'),
        maxLength: 12,
      }),
      anyAddress
        .map(formatAddress)
        .chain((t) =>
          fc
            .tuple(fc.nat(t.length), fc.string({ maxLength: 2 }))
            .map(([i, s]) => t.slice(0, i) + s + t.slice(i + 1)),
        ),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          parseAddress(t);
        } catch (e) {
          assert.ok(isS3StateError(e), `untyped ${String(e)} for ${JSON.stringify(t)}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
