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
