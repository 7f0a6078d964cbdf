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
