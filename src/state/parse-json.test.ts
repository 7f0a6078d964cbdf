import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goMarshal } from './go-json.ts';
import { JsonSyntaxError, parseJson } from './parse-json.ts';
import { rawGet, toPlain, type RawJson } from './raw-json.ts';

test('numbers keep their text, integer-like keys keep their order, duplicates are kept', () => {
  const text = '{"2":18446744073709551615,"1":9007199254740993,"f":1.50,"e":-0.0e+10,"2":3}';
  const doc = parseJson(text);
  assert.equal(goMarshal(doc), text);
  assert.deepEqual(rawGet(doc, '1'), { kind: 'number', text: '9007199254740993' });
  assert.deepEqual(rawGet(doc, '2'), { kind: 'number', text: '3' }, 'last duplicate wins on lookup');
  assert.deepEqual(toPlain(doc), { 1: 9007199254740993n, 2: 3, f: 1.5, e: -0 });
});

test('escapes decode; lone surrogates become U+FFFD as in Go', () => {
  const doc = parseJson('["\\u00e9\\n\\"\\\\\\/", "\\ud83d\\ude00", "\\ud800x"]');
  assert.deepEqual(toPlain(doc), ['é\n"\\/', '😀', '\uFFFDx']);
});

// Offsets as Go's encoding/json reports them (bytes read, offending byte included).
const errors: [string, string, number][] = [
  ['', 'unexpected end of JSON input', 0],
  ['{', 'unexpected end of JSON input', 1],
  ['{x', "invalid character 'x' looking for beginning of object key string", 2],
  ['{"a" 1}', "invalid character '1' after object key", 6],
  ['{"a":1 "b"}', "invalid character '\"' after object key:value pair", 8],
  ['[1 2]', "invalid character '2' after array element", 4],
  ['[1,]', "invalid character ']' looking for beginning of value", 4],
  ['01', "invalid character '1' after top-level value", 2],
  ['-x', "invalid character 'x' in numeric literal", 2],
  ['1.x', "invalid character 'x' after decimal point in numeric literal", 3],
  ['1ex', "invalid character 'x' in exponent of numeric literal", 3],
  ['tru', 'unexpected end of JSON input', 3],
  ['trux', "invalid character 'x' in literal true (expecting 'e')", 4],
  ['"a\u0001"', "invalid character '\\x01' in string literal", 3],
  ['"\\x"', "invalid character 'x' in string escape code", 3],
  ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape", 6],
  ['["é",x]', "invalid character 'x' looking for beginning of value", 7],
  ['\ufeff{}', "invalid character 'ï' looking for beginning of value", 1],
  ['[é]', "invalid character 'Ã' looking for beginning of value", 2],
];
for (const [input, message, offset] of errors) {
  test(`syntax error ${JSON.stringify(input)} at byte ${offset}`, () => {
    for (const lazyDepth of [Infinity, 0, 1]) {
      assert.throws(
        () => parseJson(input, { lazyDepth }),
        (e) => e instanceof JsonSyntaxError && e.offset === offset && e.message === message,
        `lazyDepth ${lazyDepth}`,
      );
    }
  });
}

test('lazy containers: same tree, same bytes, errors inside them reported as by the eager parser', () => {
  const docs = [
    '{"a":{"2":18446744073709551615,"1":[true,false,null,-1.5e+3,"\\u00e9\\"<"],"":{}},"b":[[],[{}]]}',
    '[{"k": [ 1 , 2 ] , "s":"x\\ud800y" }, {"\\n":"\\/"}]',
  ];
  for (const text of docs) {
    const eager = parseJson(text);
    for (const lazyDepth of [0, 1, 2, 3]) {
      const lazy = parseJson(text, { lazyDepth });
      assert.equal(goMarshal(lazy), goMarshal(eager), `lazyDepth ${lazyDepth}`);
      assert.deepEqual(toPlain(lazy), toPlain(eager));
      // The same tree when walked, and the same JSON.stringify text (lazy nodes answer toJSON).
      const walk = (n: RawJson): unknown =>
        n.kind === 'object'
          ? { kind: n.kind, entries: n.entries.map(([k, v]) => [k, walk(v)]) }
          : n.kind === 'array'
            ? { kind: n.kind, items: n.items.map(walk) }
            : { ...n };
      assert.deepStrictEqual(walk(lazy), walk(eager));
      assert.equal(JSON.stringify(lazy), JSON.stringify(eager));
    }
  }
  // Errors only a skipped container holds.
  const bad = [
    '{"a":[1,{"b":tru}]}',
    '{"a":[1,{"b":"\\q"}]}',
    '{"a":[1,{"b" 2}]}',
    '{"a":[1,2,]}',
    '{"a":[01]}',
    '{"a":[1',
    '{"a":["\u0001"]}',
  ];
  for (const text of bad) {
    let eagerError: unknown;
    try {
      parseJson(text);
    } catch (e) {
      eagerError = e;
    }
    assert.ok(eagerError instanceof JsonSyntaxError, text);
    assert.throws(
      () => parseJson(text, { lazyDepth: 1 }),
      (e) =>
        e instanceof JsonSyntaxError && e.offset === eagerError.offset && e.message === eagerError.message,
      text,
    );
  }
  assert.throws(
    () => parseJson('[' + '['.repeat(10000) + ']'.repeat(10001), { lazyDepth: 1 }),
    (e) => e instanceof JsonSyntaxError && e.message.endsWith('exceeded max depth'),
  );
});

test("nesting: 10000 levels parse, the 10001st fails like Go's limit (no stack overflow)", () => {
  const ok = '['.repeat(10000) + ']'.repeat(10000);
  assert.equal(goMarshal(parseJson(ok)), ok);
  assert.throws(
    () => parseJson('['.repeat(10001) + ']'.repeat(10001)),
    (e) => e instanceof JsonSyntaxError && e.offset === 10001 && e.message.endsWith('exceeded max depth'),
  );
});

test('member: containers at the given depth inside the named top-level member are replaced as parsed', () => {
  const seen: unknown[] = [];
  const doc = parseJson('{"r":[{"a":[1]},[2],3,{}],"o":[{"b":1}]}', {
    member: {
      key: 'r',
      depth: 2,
      map(node) {
        seen.push(toPlain(node));
        return { kind: 'string', value: 'mapped' };
      },
    },
  });
  assert.deepEqual(seen, [{ a: [1] }, [2], {}]);
  assert.deepEqual(toPlain(doc), { r: ['mapped', 'mapped', 3, 'mapped'], o: [{ b: 1 }] });
});
