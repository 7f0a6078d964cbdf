import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote } from './go-json.ts';

test('goQuote escapes like Go encoding/json (HTML-safe)', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['q"\\', '"q\\"\\\\"'],
    ['\n\r\t\b\f', '"\\n\\r\\t\\b\\f"'],
    ['\u0001\u001f', '"\\u0001\\u001f"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['héllo ✓ 😀', '"héllo ✓ 😀"'],
    ['bad\ud800x', '"bad\\ufffdx"'],
    ['\u007f', '"\u007f"'],
  ];
  for (const [input, want] of cases) assert.equal(goQuote(input), want, JSON.stringify(input));
});

import { goCompactStringToken, goMarshal, goStringCompare } from './go-json.ts';
import { parseJson } from './parse-json.ts';
import { rawObject, rawString } from './raw-json.ts';

test('goMarshal: MarshalIndent layout (empty containers inline, ": " separator) and compact form', () => {
  const doc = parseJson('{"a":[],"b":{},"c":[1,{"d":null,"e":true}],"f":"x"}');
  assert.equal(
    goMarshal(doc, '  '),
    '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    {\n      "d": null,\n      "e": true\n    }\n  ],\n  "f": "x"\n}',
  );
  assert.equal(goMarshal(doc), '{"a":[],"b":{},"c":[1,{"d":null,"e":true}],"f":"x"}');
  assert.equal(goMarshal(doc, '    ').split('\n')[1], '    "a": [],');
});

test('raw strings are copied as written except <, >, &, U+2028/9 (Go compaction of RawMessage)', () => {
  const doc = parseJson('["\\u00e9\\/", "a<b>&c\u2028", "\\u003c"]');
  assert.equal(goMarshal(doc), '["\\u00e9\\/","a\\u003cb\\u003e\\u0026c\\u2028","\\u003c"]');
  assert.equal(goCompactStringToken('"<&>"'), '"\\u003c\\u0026\\u003e"');
  // Built (not parsed) strings are quoted with Go's rules instead.
  assert.equal(goMarshal(rawObject([['k<', rawString('é/')]])), '{"k\\u003c":"é/"}');
});

test('goStringCompare orders by UTF-8 bytes (astral characters after U+FFFF-range BMP)', () => {
  const sorted = ['b', '\u{1F600}', 'B', '\uFB01', 'a', ''].sort(goStringCompare);
  assert.deepEqual(sorted, ['', 'B', 'a', 'b', '\uFB01', '\u{1F600}']);
});

test('lazily parsed containers are copied only when that is exactly what the writer produces', async () => {
  const { parseJson } = await import('./parse-json.ts');
  const docs = [
    '{"a":{"b":[1,{"c":"d"}],"e":{}}}',
    '{\n  "a": {\n    "b": [\n      1,\n      {\n        "c": "d"\n      }\n    ],\n    "e": {}\n  }\n}',
    '{\n  "a": {\n    "b": [\n      1,\n      {\n        "c":"d"\n      }\n    ],\n    "e": {}\n  }\n}',
    '{\n  "a": {\n    "b": [ ],\n    "e": {}\n  }\n}',
    '{\n  "a": {\n    "b": [],\n    "e": {}\n  }\n }',
    '{\n  "a": {\n    "\\u0041": 1,\n    "e<": 2\n  }\n}',
    '{\n  "a": {\n    "s": "<&>",\n    "t": "\\u003c\\"\\\\"\n  }\n}',
    '{\n  "a": {\n    "x": 1.50e+3 ,\n    "y": [true,false,null]\n  }\n}',
    '{"a":{"x":1 }}',
    '{"a":{"x" :1}}',
    '{"a":[{},[],[[]],{"k":[]}]}',
    '{\n\t"a": {\n\t\t"b": 1\n\t}\n}',
  ];
  for (const text of docs) {
    const eager = parseJson(text);
    for (const lazyDepth of [0, 1, 2]) {
      const lazy = parseJson(text, { lazyDepth });
      for (const indent of ['', '  ', '\t']) {
        assert.equal(
          goMarshal(lazy, indent),
          goMarshal(eager, indent),
          `${text} lazyDepth ${lazyDepth} indent ${JSON.stringify(indent)}`,
        );
      }
    }
  }
});
