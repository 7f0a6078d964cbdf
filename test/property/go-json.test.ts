// Property tests of the lossless JSON layer that every state read/write goes through: the parser
// (src/state/parse-json.ts) and Go-compatible writer (src/state/go-json.ts). Inputs are generated
// by fast-check; the oracles are JSON.parse/JSON.stringify plus Go's documented escaping rules.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  goQuote,
  goMarshal,
  goMarshalChunks,
  goStringCompare,
  isMarshalled,
} from '../../src/state/go-json.ts';
import { parseJson, JsonSyntaxError, lazyLayoutOf, lazySourceOf } from '../../src/state/parse-json.ts';
import { fromPlain, toPlain } from '../../src/state/raw-json.ts';

const RUNS = { numRuns: 200 };

/** Go's json.Compact/Marshal escapes these inside strings; JSON.stringify leaves them raw. */
function goEscapeHtml(jsonText: string): string {
  return jsonText.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Lone surrogates become U+FFFD in Go (invalid UTF-8). */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Any string, including HTML characters, line separators, controls and lone surrogates. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '&',
      '\u2028',
      '\u2029',
      '"',
      '\\',
      '\n',
      '\u0000',
      '\ud800',
      '\udc00',
      'é',
      '😀',
      'a',
    ),
  }),
);

/** JSON documents as JSON.stringify writes them (valid, no HTML escaping). */
const jsonDoc = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));

/** Inserts JSON whitespace between tokens without touching strings. */
function sprinkle(text: string, ws: string[]): string {
  let out = '';
  let inString = false;
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += c;
    if (inString) {
      if (c === '\\') {
        out += text[++i] ?? '';
      } else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ('{}[],:'.includes(c)) out += ws[k++ % ws.length] ?? '';
  }
  return out;
}

describe('goQuote (property)', () => {
  test('decodes back to the same string (lone surrogates → U+FFFD)', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        assert.equal(JSON.parse(goQuote(s)), wellFormed(s));
      }),
      RUNS,
    );
  });
  test('never emits raw <, >, &, U+2028, U+2029 or control characters', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        const q = goQuote(s);
        assert.doesNotMatch(q, /[<>&\u2028\u2029]/);
        assert.ok(![...q].some((c) => c.charCodeAt(0) < 0x20), 'no raw control characters');
      }),
      RUNS,
    );
  });
  test('equals JSON.stringify plus Go HTML escaping for well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        assert.equal(goQuote(s), goEscapeHtml(JSON.stringify(s)));
      }),
      RUNS,
    );
  });
});

describe('parseJson + goMarshal (property)', () => {
  test('compact output = Go json.Compact of the input (whitespace removed, HTML escaped)', () => {
    fc.assert(
      fc.property(
        jsonDoc,
        fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 1 }),
        (doc, ws) => {
          assert.equal(goMarshal(parseJson(sprinkle(doc, ws))), goEscapeHtml(doc));
        },
      ),
      RUNS,
    );
  });
  test('indented output = JSON.stringify(v, null, 2) with Go HTML escaping', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const doc = JSON.stringify(v);
        assert.equal(goMarshal(parseJson(doc), '  '), goEscapeHtml(JSON.stringify(v, null, 2)));
      }),
      RUNS,
    );
  });
  test('meaning is kept: toPlain(parseJson(t)) deep-equals JSON.parse(t)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const doc = JSON.stringify(v);
        // toPlain turns integers beyond 2^53 into bigint on purpose (no silent rounding).
        const plain = JSON.stringify(toPlain(parseJson(doc)), (_k, x: unknown) =>
          typeof x === 'bigint' ? Number(x) : x,
        );
        assert.deepEqual(JSON.parse(plain), JSON.parse(doc));
      }),
      RUNS,
    );
  });
  test('big and precise numbers survive byte for byte', () => {
    const numText = fc.oneof(
      fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }).map(String),
      fc
        .tuple(
          fc.bigInt({ min: 0n, max: 10n ** 30n }),
          fc.stringMatching(/^[0-9]{1,25}$/),
          fc.integer({ min: -400, max: 400 }),
        )
        .map(([i, f, e]) => `${i}.${f}e${e}`),
    );
    fc.assert(
      fc.property(fc.array(numText, { minLength: 1, maxLength: 8 }), (nums) => {
        const doc = `{"serial":${nums[0]},"values":[${nums.join(',')}]}`;
        assert.equal(goMarshal(parseJson(doc)), doc);
        assert.equal(
          goMarshal(parseJson(doc), '  '),
          goMarshal(parseJson(goMarshal(parseJson(doc), '  ')), '  '),
        );
      }),
      RUNS,
    );
  });
  test('a tree built from values is written once and re-read identically', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const once = goMarshal(fromPlain(v));
        const twice = goMarshal(parseJson(once));
        assert.equal(twice, once);
      }),
      RUNS,
    );
  });
  test('arbitrary text: JsonSyntaxError exactly when JSON.parse rejects it, never another error', () => {
    const almostJson = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      jsonDoc.chain((d) =>
        fc
          .tuple(fc.nat({ max: d.length }), fc.nat({ max: 3 }), fc.string({ maxLength: 3 }))
          .map(([at, del, ins]) => d.slice(0, at) + ins + d.slice(at + del)),
      ),
    );
    fc.assert(
      fc.property(almostJson, (text) => {
        let jsOk = true;
        try {
          JSON.parse(text);
        } catch {
          jsOk = false;
        }
        let ours: unknown;
        try {
          parseJson(text);
          ours = 'ok';
        } catch (e) {
          ours = e;
        }
        if (jsOk)
          assert.equal(ours, 'ok', `parseJson rejected valid JSON ${JSON.stringify(text)}: ${String(ours)}`);
        else {
          assert.ok(
            ours instanceof JsonSyntaxError,
            `expected JsonSyntaxError for ${JSON.stringify(text)}, got ${String(ours)}`,
          );
          assert.ok(ours.offset >= 0 && ours.offset <= Buffer.byteLength(text), 'offset within the input');
        }
      }),
      { numRuns: 500 },
    );
  });
  // Go accepts nesting up to 10000 levels and rejects deeper documents with "exceeded max depth".
  test("deep nesting: accepted up to Go's limit, a JsonSyntaxError beyond it, never a stack overflow", () => {
    for (const depth of [5_000, 9_999]) {
      parseJson('['.repeat(depth) + ']'.repeat(depth));
      parseJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    }
    for (const depth of [10_001, 100_000]) {
      assert.throws(() => parseJson('['.repeat(depth) + ']'.repeat(depth)), JsonSyntaxError);
    }
  });
});

describe('goStringCompare (property)', () => {
  test('orders like a comparison of UTF-8 bytes (Go sort.Strings)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(
          Math.sign(goStringCompare(a, b)),
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
      }),
      RUNS,
    );
  });
});

describe('lazy layout recorded by the parser (property)', () => {
  /** Every lazy node of a tree, with the line prefix the two-space writer would put it at. */
  function lazyNodes(
    node: import('../../src/state/raw-json.ts').RawJson,
    pad: string,
    out: { node: import('../../src/state/raw-json.ts').RawJson; pad: string }[],
  ): typeof out {
    if (lazySourceOf(node) !== undefined) out.push({ node, pad });
    else if (node.kind === 'array') for (const it of node.items) lazyNodes(it, pad + '  ', out);
    else if (node.kind === 'object') for (const [, v] of node.entries) lazyNodes(v, pad + '  ', out);
    return out;
  }
  const HTML = /[<>&\u2028\u2029]/;

  /** Like `sprinkle`, but also before closers, commas and colons (outside strings). */
  function perturb(text: string, ws: string[]): string {
    let out = '';
    let inString = false;
    let k = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (!inString && '}],:'.includes(c)) out += ws[k++ % ws.length] ?? '';
      out += c;
      if (inString) {
        if (c === '\\') out += text[++i] ?? '';
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if ('{[,:'.includes(c)) out += ws[k++ % ws.length] ?? '';
    }
    return out;
  }

  test('the recorded layout gives isMarshalled’s verdict for two-space pads, and output is unchanged', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 5 }),
        // Mostly the writer's own layout; sometimes a stray space, tab or newline somewhere.
        fc.oneof(
          fc.constant<string[] | undefined>(undefined),
          fc.array(fc.constantFrom('', '', '', '', '', '', ' ', '\n', '\t', '  '), { minLength: 1 }),
        ),
        fc.boolean(),
        (v, ws, keysWithQuotes) => {
          const value = keysWithQuotes ? { 'k"q': v, 'k<': [v], plain: { x: v } } : { a: [v, { b: v }] };
          let text = JSON.stringify(value, null, 2);
          if (ws) text = perturb(text, ws);
          for (const lazyDepth of [1, 2, 3]) {
            const tree = parseJson(text, { lazyDepth });
            for (const { node, pad } of lazyNodes(tree, '\n', [])) {
              const src = lazySourceOf(node)!;
              const layout = lazyLayoutOf(node);
              for (const p of [pad, '\n', '\n  ', '\n    ', '\n      ']) {
                const fast = layout !== undefined && (layout === '*' || layout === p) && !HTML.test(src);
                const slow = isMarshalled(src, p, '  ');
                if (layout !== undefined)
                  assert.equal(
                    fast,
                    slow,
                    `layout ${JSON.stringify(layout)} pad ${JSON.stringify(p)}: ${src}`,
                  );
                else
                  assert.equal(
                    slow,
                    false,
                    `layout not recorded but marshalled at ${JSON.stringify(p)}: ${src}`,
                  );
              }
            }
            assert.equal(goMarshal(tree, '  '), goMarshal(parseJson(text), '  '));
          }
        },
      ),
      RUNS,
    );
  });
});

describe('goMarshalChunks (property)', () => {
  test('the pieces, joined, are goMarshal’s text; no piece much over the chunk size unless one token is', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (v, size, pretty) => {
          const tree = parseJson(JSON.stringify(v, null, 2), { lazyDepth: 2 });
          const indent = pretty ? '  ' : '';
          const pieces = [...goMarshalChunks(tree, indent, size)];
          assert.equal(pieces.join(''), goMarshal(tree, indent));
          assert.ok(pieces.every((p) => p.length > 0));
        },
      ),
      RUNS,
    );
  });
});
