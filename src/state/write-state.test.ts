import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseState } from './parse-state.ts';
import { rawString } from './raw-json.ts';
import type { InstanceState, ResourceState, StateFile } from './state-file.ts';
import { emptyState, writeState, writeStateBytes, writeStateChunks } from './write-state.ts';

function res(
  module: string,
  mode: 'managed' | 'data',
  type: string,
  name: string,
  instances: InstanceState[] = [{}],
): ResourceState {
  return { module, mode, type, name, provider: 'provider["registry.terraform.io/hashicorp/x"]', instances };
}

function header(s: StateFile, flavor: 'terraform' | 'opentofu'): string {
  return writeState(s, { flavor });
}

describe('writeState', () => {
  test('empty state, terraform layout (what terraform writes for a new workspace)', () => {
    const s = emptyState({ lineage: '0f0e-1', serial: 1, terraformVersion: '1.11.4' });
    assert.equal(
      header(s, 'terraform'),
      '{\n  "version": 4,\n  "terraform_version": "1.11.4",\n  "serial": 1,\n  "lineage": "0f0e-1",\n  "outputs": {},\n  "resources": [],\n  "check_results": null\n}\n',
    );
    assert.equal(
      header(s, 'opentofu'),
      '{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"0f0e-1","outputs":{},"resources":[],"check_results":null}\n',
    );
  });

  test('resources sort by module, mode, type, name; instances by key kind, key, deposed', () => {
    const s = emptyState({ lineage: 'l', serial: 1, terraformVersion: '1.0.0' });
    s.resources = [
      res('module.b', 'managed', 'a', 'x'),
      res('', 'managed', 'b', 'y'),
      res('', 'data', 'z', 'a'),
      res('', 'managed', 'a', 'z'),
      res('module.a["k"]', 'managed', 'a', 'x'),
      res('', 'managed', 'a', 'k', [
        { indexKey: 'b' },
        { indexKey: 10 },
        { indexKey: 'a', deposed: '00000002' },
        { indexKey: 2 },
        { indexKey: 'a' },
        { indexKey: 'a', deposed: '00000001' },
      ]),
    ];
    const back = parseState(writeState(s, { flavor: 'terraform' }));
    assert.deepEqual(
      back.resources.map((r) => `${r.module}|${r.mode}|${r.type}|${r.name}`),
      [
        '|data|z|a',
        '|managed|a|k',
        '|managed|a|z',
        '|managed|b|y',
        'module.a["k"]|managed|a|x',
        'module.b|managed|a|x',
      ],
    );
    assert.deepEqual(
      back.resources[1]?.instances.map((i) => `${String(i.indexKey)}/${i.deposed ?? ''}`),
      ['2/', '10/', 'a/', 'a/00000001', 'a/00000002', 'b/'],
    );
    // The caller's arrays are not reordered.
    assert.equal(s.resources[0]?.module, 'module.b');
  });

  test('struct strings get Go escaping: <>& and U+2028/9, non-ASCII raw', () => {
    const s = emptyState({ lineage: 'a<b>&c\u2028é', serial: 1, terraformVersion: '1.0.0' });
    s.outputs.set('o', { value: rawString('x&y'), type: rawString('string'), sensitive: true });
    const out = writeState(s, { flavor: 'opentofu' });
    assert.ok(out.includes('"lineage":"a\\u003cb\\u003e\\u0026c\\u2028é"'), out);
    assert.ok(out.includes('"outputs":{"o":{"value":"x\\u0026y","type":"string","sensitive":true}}'), out);
  });

  test('outputs are sorted by byte order, sensitive omitted when false', () => {
    const s = emptyState({ lineage: 'l', serial: 1, terraformVersion: '1.0.0' });
    for (const n of ['b', 'B', 'a', '\u{1F600}', '\uFB01']) {
      s.outputs.set(n, { value: rawString(n), type: rawString('string'), sensitive: false });
    }
    const out = writeState(s, { flavor: 'opentofu' });
    const names = [...out.matchAll(/"([^"]+)":\{"value"/g)].map((m) => m[1]);
    assert.deepEqual(names, ['B', 'a', 'b', '\uFB01', '\u{1F600}']);
    assert.ok(!out.includes('sensitive'));
  });

  test('instance field order differs between terraform and opentofu for identity fields', () => {
    const s = parseState(
      JSON.stringify({
        version: 4,
        terraform_version: '1.12.0',
        serial: 1,
        lineage: 'l',
        outputs: {},
        resources: [
          {
            mode: 'managed',
            type: 't',
            name: 'n',
            provider: 'p',
            instances: [
              {
                schema_version: 0,
                attributes: { id: 'x' },
                sensitive_attributes: [],
                identity_schema_version: 0,
                identity: { id: 'x' },
                private: 'bnVsbA==',
                dependencies: ['t.a'],
                create_before_destroy: true,
              },
            ],
          },
        ],
        check_results: null,
      }),
    );
    const keys = (flavor: 'terraform' | 'opentofu'): string[] => {
      const text = writeState(s, { flavor });
      const inst = /"instances":\s*\[\s*(\{[\s\S]*?\})\s*\]/.exec(text)?.[1] ?? '';
      return [...inst.matchAll(/"(\w+)":/g)].map((m) => m[1] as string).filter((k) => k !== 'id');
    };
    assert.deepEqual(keys('terraform'), [
      'schema_version',
      'attributes',
      'sensitive_attributes',
      'identity_schema_version',
      'identity',
      'private',
      'dependencies',
      'create_before_destroy',
    ]);
    assert.deepEqual(keys('opentofu'), [
      'schema_version',
      'attributes',
      'sensitive_attributes',
      'private',
      'dependencies',
      'create_before_destroy',
      'identity',
      'identity_schema_version',
    ]);
  });

  test('numbers serials accept number and bigint and stay exact', () => {
    const a = emptyState({ lineage: 'l', serial: 18446744073709551615n, terraformVersion: '1.0.0' });
    assert.ok(writeState(a, { flavor: 'opentofu' }).includes('"serial":18446744073709551615,'));
    const b: StateFile = { ...a, serial: 7 };
    assert.ok(writeState(b, { flavor: 'opentofu' }).includes('"serial":7,'));
  });

  test('pre-1.3 shape (no check_results) and 0.12 shape (each, depends_on) are preserved', () => {
    const src = `{
  "version": 4,
  "terraform_version": "0.12.31",
  "serial": 3,
  "lineage": "l",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "aws_instance",
      "name": "web",
      "each": "list",
      "provider": "provider.aws",
      "instances": [
        {
          "index_key": 0,
          "schema_version": 1,
          "attributes_flat": {
            "a": "1",
            "b.%": "0"
          },
          "private": "e30=",
          "depends_on": [
            "aws_vpc.main"
          ]
        }
      ]
    }
  ]
}
`;
    assert.equal(writeState(parseState(src), { flavor: 'terraform' }), src);
  });
});

describe('writeStateChunks', () => {
  const big = (n: number): StateFile => ({
    ...emptyState({ lineage: 'l-1', serial: 3, terraformVersion: '1.11.4' }),
    resources: Array.from({ length: n }, (_, k) =>
      res('', 'managed', 'terraform_data', `r${k}`, [
        { attributes: { kind: 'object', entries: [['id', rawString('x'.repeat(500) + k)]] } },
      ]),
    ),
  });
  test('the pieces joined are writeState, the last ends with the newline', () => {
    const s = big(5000);
    const pieces = [...writeStateChunks(s, { flavor: 'terraform' })];
    assert.ok(pieces.length >= 2, `a ~3 MB state comes in several pieces, got ${pieces.length}`);
    assert.equal(pieces.join(''), writeState(s, { flavor: 'terraform' }));
    assert.ok(pieces.at(-1)!.endsWith('}\n'));
    const empty = emptyState({ lineage: '', serial: 0, terraformVersion: 'v' });
    const opts = { flavor: 'opentofu' } as const;
    assert.equal([...writeStateChunks(empty, opts)].join(''), writeState(empty, opts));
  });
  test('pieces are produced only as they are taken', () => {
    const s = big(5000);
    const it = writeStateChunks(s, { flavor: 'terraform' });
    const first = it.next();
    assert.equal(first.done, false);
    assert.ok(first.value.length < 2 << 20, 'the first piece is a small part of the state, not all of it');
    assert.equal(it.next().done, false, 'more pieces follow the first');
  });
});

describe('writeStateBytes', () => {
  test('the UTF-8 bytes of writeState, non-ASCII and escapes included, across many pieces', () => {
    const attrs = (k: number): InstanceState => ({
      attributes: {
        kind: 'object',
        entries: [['note', rawString(`é ✓ 😀 <&> \u2028 ${k} ${'y'.repeat(300)}`)]],
      },
    });
    const s: StateFile = {
      ...emptyState({ lineage: 'l-2', serial: 9, terraformVersion: '1.11.4' }),
      resources: Array.from({ length: 800 }, (_, k) =>
        res('', 'managed', 'terraform_data', `r${k}`, [attrs(k)]),
      ),
    };
    for (const flavor of ['terraform', 'opentofu'] as const) {
      const bytes = writeStateBytes(s, { flavor });
      assert.ok(bytes.length > 1 << 17, 'large enough to span several pieces');
      assert.deepEqual(bytes, Buffer.from(writeState(s, { flavor }), 'utf8'));
    }
  });
});
