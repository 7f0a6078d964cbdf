import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goMarshal } from './go-json.ts';
import { parseJson } from './parse-json.ts';
import { rawString } from './raw-json.ts';
import { sameJsonBytes } from './same-json.ts';

// Pairs of documents; the expected answer is what serialising both says.
const docs = [
  '{"a":{"x":[1,2,{"y":"z"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"z"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"Z"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"z"}]},"b":{}}',
  '{"a":{"x":[1,2.0,{"y":"z"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"\\u007a"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"z"},null]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"<"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"\\u003c"}]},"b":[]}',
  '{"a":{"x":[1,2,{"y":"z"}]},"c":[]}',
  '{"a":{"x" : [1, 2, {"y": "z"}]},"b":[]}',
];

test('sameJsonBytes agrees with comparing serialisations, eager and lazy', () => {
  for (const da of docs) {
    for (const db of docs) {
      for (const lazyDepth of [Infinity, 1, 2]) {
        const a = parseJson(da, { lazyDepth });
        const b = parseJson(db, { lazyDepth });
        const want = goMarshal(a, '  ') === goMarshal(b, '  ');
        assert.equal(sameJsonBytes(a, b), want, `${da} vs ${db} (lazyDepth ${lazyDepth})`);
      }
    }
  }
  // Built strings (no source spelling) compare by their Go quoting.
  assert.equal(sameJsonBytes(rawString('<'), parseJson('"\\u003c"')), true);
  assert.equal(sameJsonBytes(rawString('<'), parseJson('"<"')), true);
  assert.equal(sameJsonBytes(rawString('a'), parseJson('"b"')), false);
});
