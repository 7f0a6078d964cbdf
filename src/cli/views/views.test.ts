import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getKey, parseJsonTree, toGoJson, type JsonNode } from './json-tree.ts';
import { renderOutputHuman, renderOutputJson, renderOutputRaw, type OutputEntry } from './output-view.ts';
import { renderStateShow } from './state-show-view.ts';
import { decimalText } from './cty-type.ts';
import { strconvQuote } from './go-quote.ts';
import { formatValue } from './format-value.ts';
import { parseCtyType } from './cty-type.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = path.resolve(repoRoot, '../shared/spec/corpus');
const read = (f: string): string => readFileSync(path.join(corpus, f), 'utf8');

const STATE = 'gen-tf1.11.4-features-deposed-tainted-checks.tfstate';

function outputsOf(stateText: string): OutputEntry[] {
  const tree = parseJsonTree(stateText);
  const outs = getKey(tree, 'outputs');
  assert.ok(outs && outs.kind === 'object');
  return outs.entries.map(([name, o]) => ({
    name,
    value: getKey(o, 'value')!,
    type: getKey(o, 'type')!,
    sensitive:
      getKey(o, 'sensitive')?.kind === 'bool' && (getKey(o, 'sensitive') as { value: boolean }).value,
  }));
}

describe('output views match terraform 1.11.4 byte for byte (corpus)', () => {
  const outputs = outputsOf(read(STATE));
  test('terraform output (all, human) = gen-…-features-output.txt', () => {
    const r = renderOutputHuman(outputs);
    assert.ok(r.ok);
    assert.equal(r.stdout, read('gen-tf1.11.4-features-output.txt'));
  });
  test('terraform output -json = gen-…-features-output.json', () => {
    const r = renderOutputJson(outputs);
    assert.ok(r.ok);
    assert.equal(r.stdout, read('gen-tf1.11.4-features-output.json'));
  });
  test('terraform output -raw plain_string = gen-…-output-raw-plain_string.txt (no newline)', () => {
    const r = renderOutputRaw(outputs, 'plain_string');
    assert.ok(r.ok);
    assert.equal(r.stdout, read('gen-tf1.11.4-features-output-raw-plain_string.txt'));
  });
  test('terraform output secret_object (named sensitive output in clear) = gen-…-output-secret_object.txt', () => {
    const r = renderOutputHuman(outputs, 'secret_object');
    assert.ok(r.ok);
    assert.equal(r.stdout, read('gen-tf1.11.4-features-output-secret_object.txt'));
  });
  test('sensitive values hidden in the all-outputs human view', () => {
    const r = renderOutputHuman(outputs);
    assert.ok(r.ok);
    assert.doesNotMatch(r.stdout, /fake-password|fake-token/);
  });
  test("-raw refuses complex values and unknown names with terraform's texts", () => {
    const r = renderOutputRaw(outputs, 'regions');
    assert.ok(!r.ok);
    assert.equal(r.summary, 'Unsupported value for raw output');
    assert.match(r.detail, /output value "regions" is object\./);
    const m = renderOutputRaw(outputs, 'nope');
    assert.ok(!m.ok);
    assert.equal(m.summary, 'Output "nope" not found');
    const all = renderOutputRaw(outputs);
    assert.ok(!all.ok);
    assert.equal(all.summary, 'Raw output format is only supported for single outputs');
  });
  test('-raw prints numbers and bools like terraform', () => {
    assert.deepEqual(renderOutputRaw(outputs, 'big_number'), { ok: true, stdout: '18446744073709551615' });
    assert.deepEqual(renderOutputRaw(outputs, 'bool_value'), { ok: true, stdout: 'true' });
  });
  test('-json NAME prints the compact value', () => {
    const r = renderOutputJson(outputs, 'plain_string');
    assert.deepEqual(r, { ok: true, stdout: '"hello \\u003cworld\\u003e \\u0026 friends"\n' });
  });
  test('no outputs → warning, empty stdout; -json → {}', () => {
    const r = renderOutputHuman([]);
    assert.ok(r.ok && r.warning?.summary === 'No outputs found' && r.stdout === '');
    assert.deepEqual(renderOutputJson([]), { ok: true, stdout: '{}\n' });
  });
});

describe('state show view (corpus)', () => {
  test('terraform state show terraform_data.with_sensitive = gen-…-state-show-with_sensitive.txt', () => {
    const tree = parseJsonTree(read(STATE));
    const resources = getKey(tree, 'resources') as JsonNode & { kind: 'array' };
    const res = resources.items.find((r) => {
      const n = getKey(r, 'name');
      return n?.kind === 'string' && n.value === 'with_sensitive';
    })!;
    const inst = (getKey(res, 'instances') as JsonNode & { kind: 'array' }).items[0]!;
    const out = renderStateShow({
      address: 'terraform_data.with_sensitive',
      mode: 'managed',
      type: 'terraform_data',
      name: 'with_sensitive',
      provider: (getKey(res, 'provider') as { value: string }).value,
      tainted: false,
      attributes: getKey(inst, 'attributes')!,
      sensitiveAttributes: getKey(inst, 'sensitive_attributes'),
    });
    assert.equal(out, read('gen-tf1.11.4-features-state-show-with_sensitive.txt'));
  });
  test('tainted header, nested lists and maps, multi-line strings', () => {
    const attrs = parseJsonTree(
      '{"id":"x","list":["a","b"],"empty":[],"nul":null,"tags":{"b c":"1","a":"2"},"text":"l1\\nl2\\n"}',
    );
    const out = renderStateShow({
      address: 'aws_x.y',
      mode: 'managed',
      type: 'aws_x',
      name: 'y',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      tainted: true,
      attributes: attrs,
      sensitiveAttributes: parseJsonTree('[[{"type":"get_attr","value":"id"}]]'),
    });
    assert.equal(
      out,
      [
        '# aws_x.y: (tainted)',
        'resource "aws_x" "y" {',
        '    empty = []',
        '    id    = (sensitive value)',
        '    list  = [',
        '        "a",',
        '        "b",',
        '    ]',
        '    tags  = {',
        '        a     = "2"',
        '        "b c" = "1"',
        '    }',
        '    text  = <<-EOT',
        '        l1',
        '        l2',
        '    EOT',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('value formatting helpers', () => {
  test('decimalText = Go big.Float Text(f,-1)', () => {
    for (const [i, o] of [
      ['42', '42'],
      ['1.50', '1.5'],
      ['1e3', '1000'],
      ['-2.5E-3', '-0.0025'],
      ['18446744073709551615', '18446744073709551615'],
      ['0.0', '0'],
    ] as const)
      assert.equal(decimalText(i), o, i);
  });
  test('strconv.Quote escapes like Go', () => {
    assert.equal(strconvQuote('a"b\\c\n\t\x01é\u00a0😀'), '"a\\"b\\\\c\\n\\t\\x01é\\u00a0😀"');
  });
  test('collections: tolist/toset/tomap, nulls, heredoc', () => {
    const f = (v: string, t: string): string => formatValue(parseJsonTree(v), parseCtyType(parseJsonTree(t)));
    assert.equal(f('["a"]', '["list","string"]'), 'tolist([\n  "a",\n])');
    assert.equal(f('["a"]', '["set","string"]'), 'toset([\n  "a",\n])');
    assert.equal(f('{"k":1}', '["map","number"]'), 'tomap({\n  "k" = 1\n})');
    assert.equal(f('null', '"string"'), 'tostring(null)');
    assert.equal(f('null', '["list","string"]'), 'tolist(null) /* of string */');
    assert.equal(f('[]', '["tuple",[]]'), '[]');
    assert.equal(f('"a\\nEOT\\nb"', '"string"'), '<<EOT_\na\nEOT\nb\nEOT_');
  });
  test('toGoJson round-trips Go-indented JSON', () => {
    const text = read('gen-tf1.11.4-features-output.json');
    assert.equal(toGoJson(parseJsonTree(text), '  ') + '\n', text);
  });
});
