import { GO_NEEDS_ESCAPE, type RawArray, type RawJson, type RawObject } from './raw-json.ts';

/**
 * A JSON syntax error, reported the way Go's `encoding/json` does: `offset` is the number of UTF-8
 * bytes read when the error was found (the offending byte included), or the input length at an
 * unexpected end.
 */
export class JsonSyntaxError extends Error {
  /** Go's `SyntaxError.Offset`. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
  }
}

const MAX_DEPTH = 10000; // Go's encoding/json nesting limit

/**
 * Parses JSON text into an ordered, lossless {@link RawJson} tree (key order, number text and
 * string spelling are kept). Strict RFC 8259 grammar, like Go: no comments, no trailing commas;
 * a leading byte-order mark is an error. Throws {@link JsonSyntaxError}.
 */
export function parseJson(text: string, opts: ParseJsonOptions = {}): RawJson {
  const lazyDepth = opts.lazyDepth ?? Infinity;
  if (lazyDepth === Infinity) return new Parser(text, Infinity).parseDocument();
  try {
    return new Parser(text, lazyDepth).parseDocument();
  } catch (e) {
    // A syntax error inside a skipped container: parse eagerly to report it exactly as Go does.
    if (e === LAZY_INVALID) return new Parser(text, Infinity).parseDocument();
    throw e;
  }
}

/** Options of {@link parseJson}. */
export interface ParseJsonOptions {
  /**
   * Containers (objects and arrays) opened at this nesting depth or deeper (the top-level value is
   * depth 0) are only validated while parsing; their tree is built from the kept source slice the
   * first time `entries` / `items` is read. Saves time and memory when most of a large document is
   * never inspected (e.g. instance attributes for `state list`). Results are identical either way.
   * @default Infinity (build everything at once)
   */
  lazyDepth?: number | undefined;
}

/** Thrown by the skipping scanner; never escapes {@link parseJson}. */
const LAZY_INVALID = new Error('invalid JSON inside a lazily parsed container');

/** Where a lazy container keeps its source text (non-enumerable). */
const LAZY = Symbol('lazy JSON');

/** What a lazy container keeps (one non-enumerable property): its source, layout and, once built, its tree. */
interface LazyRecord {
  readonly source: string;
  readonly layout: string | undefined;
  tree: RawJson | undefined;
}

interface LazyNode {
  [LAZY]: LazyRecord;
}

function lazyBuild(node: LazyNode): RawJson {
  const r = node[LAZY];
  return (r.tree ??= new Parser(r.source, Infinity).parseDocument());
}

function lazyEntries(this: LazyNode): readonly (readonly [string, RawJson])[] {
  return (lazyBuild(this) as RawObject).entries;
}

function lazyItems(this: LazyNode): readonly RawJson[] {
  return (lazyBuild(this) as RawArray).items;
}

const LAZY_OBJECT_MEMBERS = { enumerable: true, get: lazyEntries };
const LAZY_ARRAY_ITEMS = { enumerable: true, get: lazyItems };

/**
 * The exact source text of a container that {@link parseJson} parsed lazily (see
 * {@link ParseJsonOptions.lazyDepth}), or `undefined` for any other node. Two lazy nodes with the
 * same source have the same tree.
 */
export function lazySourceOf(node: RawJson): string | undefined {
  return (node as Partial<LazyNode>)[LAZY]?.source;
}

/**
 * How a lazily parsed container is laid out, as recorded while it was validated: `'*'` for an empty
 * `{}` / `[]`; the line prefix `P` (`"\n"` + spaces) when the text is exactly Go's
 * `json.MarshalIndent` layout with a two-space indent at a position whose line prefix is `P`
 * (members on their own lines at `P` + two spaces per level, `": "` after keys, closers at the
 * opener's level, keys that Go writes as they are); `undefined` when it is neither, or unknown.
 * Characters Go would HTML-escape are not looked at here.
 */
export function lazyLayoutOf(node: RawJson): string | undefined {
  return (node as Partial<LazyNode>)[LAZY]?.layout;
}

/**
 * A container node whose members are parsed from `text` (already validated) on first access. It
 * looks like an ordinary node: `kind` and an enumerable `entries` / `items` (an accessor).
 */
function lazyContainer(text: string, isObject: boolean, layout: string | undefined): RawJson {
  const node = { kind: isObject ? 'object' : 'array' };
  const record: LazyRecord = { source: text, layout, tree: undefined };
  Object.defineProperty(node, LAZY, { value: record, enumerable: false });
  Object.defineProperty(
    node,
    isObject ? 'entries' : 'items',
    isObject ? LAZY_OBJECT_MEMBERS : LAZY_ARRAY_ITEMS,
  );
  return node as RawJson;
}

/** Go's `quoteChar(byte)`: the offending byte as a Latin-1 rune, quoted like `strconv.Quote`. */
function quoteChar(byte: number): string {
  if (byte === 0x27) return `'\\''`;
  if (byte === 0x22) return `'"'`;
  const short: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    12: '\\f',
    10: '\\n',
    13: '\\r',
    9: '\\t',
    11: '\\v',
    92: '\\\\',
  };
  const sh = short[byte];
  if (sh !== undefined) return `'${sh}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  if ((byte >= 0x80 && byte <= 0xa0) || byte === 0xad) return `'\\u00${byte.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(byte)}'`;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_SLOW_PATH = /[\\\u0000-\u001f]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

type Frame = { items: RawJson[] } | { entries: [string, RawJson][]; key: string };

// The first quote, backslash or control character at or after `lastIndex` (a native scan: string
// bodies are most of a state's bytes, and a per-character loop over them was the parser's hot spot).
// eslint-disable-next-line no-control-regex -- control characters are what JSON strings may not hold
const STRING_STOP = /["\\\u0000-\u001f]/g;

/** {@link GO_NEEDS_ESCAPE}, searching from `lastIndex`. */
const KEY_ESCAPE = new RegExp(GO_NEEDS_ESCAPE.source, 'g');

/** Index after the string starting at `i` (a quote); throws {@link LAZY_INVALID} when malformed. */
function skipString(s: string, i: number): number {
  const n = s.length;
  i++;
  for (;;) {
    STRING_STOP.lastIndex = i;
    if (!STRING_STOP.test(s)) throw LAZY_INVALID;
    const j = STRING_STOP.lastIndex - 1;
    const c = s.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) throw LAZY_INVALID;
    // An escape at j: validate it and continue after it.
    const e = s.charCodeAt(j + 1);
    if (e === 0x75) {
      for (let k = 2; k <= 5; k++) {
        const h = s.charCodeAt(j + k);
        if (!((h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66) || (h >= 0x41 && h <= 0x46))) {
          throw LAZY_INVALID;
        }
      }
      i = j + 6;
    } else if (
      e === 0x22 ||
      e === 0x5c ||
      e === 0x2f ||
      e === 0x62 ||
      e === 0x66 ||
      e === 0x6e ||
      e === 0x72 ||
      e === 0x74
    ) {
      i = j + 2;
    } else {
      throw LAZY_INVALID;
    }
    if (i > n) throw LAZY_INVALID;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index after the number starting at `i`; throws {@link LAZY_INVALID} when malformed. */
function skipNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === 0x2d) i++;
  if (s.charCodeAt(i) === 0x30) i++;
  else {
    if (!isDigit(s.charCodeAt(i))) throw LAZY_INVALID;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(s.charCodeAt(i))) throw LAZY_INVALID;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  const e = s.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(s.charCodeAt(i))) throw LAZY_INVALID;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  return i;
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly lazyDepth: number,
  ) {}

  /**
   * Validates the container starting at `this.i` (its opening bracket) without building it and
   * moves past it. Throws {@link LAZY_INVALID} on any syntax error or when the nesting limit would
   * be exceeded. Returns the container's layout (see {@link lazyLayoutOf}), checked on the way:
   * every whitespace run is compared with what Go's two-space `MarshalIndent` puts there.
   */
  private skipContainer(depth: number): string | undefined {
    const s = this.s;
    const n = s.length;
    let i = this.i;
    // Expectation stack of closers; `depth` counts the enclosing containers for Go's limit.
    const closers: number[] = [];
    const bad = (): never => {
      throw LAZY_INVALID;
    };
    // Layout: `canon` until a whitespace run or key differs from Go's; `base` is the line prefix
    // of the opener's line, taken from the first member's line; pads[k] = base + k indents.
    let canon = true;
    let base: string | undefined;
    const pads: string[] = [];
    const padFor = (level: number): string => (pads[level] = (base ?? '\u0000') + '  '.repeat(level));
    const wsIs = (from: number, to: number, level: number): boolean => {
      if (base === undefined) return false;
      const want = pads[level] ?? padFor(level);
      return to - from === want.length && s.startsWith(want, from);
    };
    const keyIsPlain = (open: number, closeQuote: number): boolean => {
      KEY_ESCAPE.lastIndex = open + 1;
      KEY_ESCAPE.test(s);
      return KEY_ESCAPE.lastIndex - 1 === closeQuote; // the first character to look at is the closing quote
    };
    // State machine over tokens: after an opener or comma we expect a value (or key); after a value
    // we expect a comma or a closer.
    let c = s.charCodeAt(i);
    for (;;) {
      // --- expect a value at i (c is s[i], whitespace already skipped)
      if (c === 0x7b || c === 0x5b) {
        if (depth + closers.length >= MAX_DEPTH) bad();
        closers.push(c === 0x7b ? 0x7d : 0x5d);
        i++;
        let w = i;
        while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
        if (c === closers[closers.length - 1]) {
          if (i !== w) canon = false;
          closers.pop();
          i++;
        } else {
          if (canon) {
            if (base === undefined && closers.length === 1) {
              const run = s.slice(w, i);
              if (/^\n {2,}$/.test(run)) base = run.slice(0, -2);
              else canon = false;
            } else if (!wsIs(w, i, closers.length)) canon = false;
          }
          if (closers[closers.length - 1] !== 0x7d) continue;
          if (c !== 0x22) bad();
          const k = i;
          i = skipString(s, i);
          if (canon && !keyIsPlain(k, i - 1)) canon = false;
          w = i;
          while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
          if (i !== w) canon = false;
          if (c !== 0x3a) bad();
          i++;
          w = i;
          while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
          if (canon && (i - w !== 1 || s.charCodeAt(w) !== 0x20)) canon = false;
          continue;
        }
      } else if (c === 0x22) {
        i = skipString(s, i);
      } else if (c === 0x74) {
        if (!s.startsWith('true', i)) bad();
        i += 4;
      } else if (c === 0x66) {
        if (!s.startsWith('false', i)) bad();
        i += 5;
      } else if (c === 0x6e) {
        if (!s.startsWith('null', i)) bad();
        i += 4;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        i = skipNumber(s, i);
      } else {
        bad();
      }
      // --- after a value: comma or closer(s)
      for (;;) {
        if (closers.length === 0) {
          this.i = i;
          return canon ? (base ?? '*') : undefined;
        }
        const close = closers[closers.length - 1];
        // Canonical: a comma right after the value, or the closer on its own line at the opener's level.
        if (canon && s.charCodeAt(i) !== 0x2c) {
          const want = pads[closers.length - 1] ?? padFor(closers.length - 1);
          if (s.startsWith(want, i) && s.charCodeAt(i + want.length) === close) i += want.length;
          else canon = false;
        }
        let w = i;
        while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
        if (i !== w) canon = false;
        if (c === 0x2c) {
          i++;
          // Canonical: the next member on its own line, one level in.
          if (canon) {
            const want = pads[closers.length] ?? padFor(closers.length);
            if (s.startsWith(want, i)) i += want.length;
            else canon = false;
          }
          w = i;
          while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
          if (i !== w) canon = false;
          if (close === 0x7d) {
            if (c !== 0x22) bad();
            const k = i;
            i = skipString(s, i);
            if (canon && !keyIsPlain(k, i - 1)) canon = false;
            w = i;
            while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
            if (i !== w) canon = false;
            if (c !== 0x3a) bad();
            i++;
            w = i;
            while ((c = s.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
            if (canon && (i - w !== 1 || s.charCodeAt(w) !== 0x20)) canon = false;
          }
          break;
        }
        if (c !== close || i >= n) bad();
        closers.pop();
        i++;
      }
    }
  }

  parseDocument(): RawJson {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail('after top-level value');
    return v;
  }

  /** Throws at the current character (or end of input). */
  private fail(context: string): never {
    const s = this.s;
    if (this.i >= s.length) {
      throw new JsonSyntaxError('unexpected end of JSON input', Buffer.byteLength(s, 'utf8'));
    }
    const cp = s.codePointAt(this.i) ?? 0;
    const offset = Buffer.byteLength(s.slice(0, this.i), 'utf8') + 1;
    const firstByte = Buffer.from(String.fromCodePoint(cp), 'utf8')[0] ?? 0;
    throw new JsonSyntaxError(`invalid character ${quoteChar(firstByte)} ${context}`, offset);
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  /**
   * Parses one value with an explicit stack (no recursion), so hostile nesting fails with a typed
   * error at Go's depth limit instead of overflowing the JS stack.
   */
  private value(): RawJson {
    const s = this.s;
    const stack: Frame[] = [];
    for (;;) {
      // Parse the start of a value: either a scalar, or open a container.
      let v: RawJson | undefined;
      const c = s[this.i];
      if (c === '{' || c === '[') {
        if (stack.length >= MAX_DEPTH) this.fail('exceeded max depth');
        if (stack.length >= this.lazyDepth) {
          const start = this.i;
          const layout = this.skipContainer(stack.length);
          v = lazyContainer(s.slice(start, this.i), c === '{', layout);
        }
      }
      if (v !== undefined) {
        // skipped container, attached below
      } else if (c === '{' || c === '[') {
        this.i++;
        this.ws();
        if (c === '[') {
          if (s[this.i] === ']') {
            this.i++;
            v = { kind: 'array', items: [] };
          } else {
            stack.push({ items: [] });
            continue;
          }
        } else if (s[this.i] === '}') {
          this.i++;
          v = { kind: 'object', entries: [] };
        } else {
          stack.push({ entries: [], key: this.key() });
          continue;
        }
      } else {
        v = this.scalar();
      }
      // Attach the finished value to its container(s).
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return v;
        this.ws();
        const d = s[this.i];
        if ('items' in top) {
          top.items.push(v);
          if (d === ',') {
            this.i++;
            this.ws();
            break;
          }
          if (d !== ']') this.fail('after array element');
          this.i++;
          stack.pop();
          v = { kind: 'array', items: top.items };
        } else {
          top.entries.push([top.key, v]);
          if (d === ',') {
            this.i++;
            this.ws();
            top.key = this.key();
            break;
          }
          if (d !== '}') this.fail('after object key:value pair');
          this.i++;
          stack.pop();
          v = { kind: 'object', entries: top.entries };
        }
      }
    }
  }

  /** Reads `"key" :` and the whitespace after it. */
  private key(): string {
    if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
    const k = this.string() as { value: string };
    this.ws();
    if (this.s[this.i] !== ':') this.fail('after object key');
    this.i++;
    this.ws();
    return k.value;
  }

  private scalar(): RawJson {
    const c = this.s[this.i];
    switch (c) {
      case '"':
        return this.string();
      case 't':
        this.literal('true');
        return { kind: 'bool', value: true };
      case 'f':
        this.literal('false');
        return { kind: 'bool', value: false };
      case 'n':
        this.literal('null');
        return { kind: 'null' };
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  private literal(word: string): void {
    for (let k = 1; k < word.length; k++) {
      this.i++;
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting '${word[k] ?? ''}')`);
    }
    this.i++;
  }

  private digits(context: string): void {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (!(c >= 0x30 && c <= 0x39)) this.fail(context);
    let i = this.i + 1;
    while (i < s.length) {
      const d = s.charCodeAt(i);
      if (d >= 0x30 && d <= 0x39) i++;
      else break;
    }
    this.i = i;
  }

  private number(): RawJson {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '-') this.i++;
    if (s[this.i] === '0') this.i++;
    else this.digits('in numeric literal');
    if (s[this.i] === '.') {
      this.i++;
      this.digits('after decimal point in numeric literal');
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      this.digits('in exponent of numeric literal');
    }
    return { kind: 'number', text: s.slice(start, this.i) };
  }

  private string(): RawJson {
    const s = this.s;
    const start = this.i;
    // Fast path: no escapes and no control characters before the closing quote.
    const close = s.indexOf('"', start + 1);
    if (close > 0) {
      const body = s.slice(start + 1, close);
      if (!NEEDS_SLOW_PATH.test(body)) {
        this.i = close + 1;
        return { kind: 'string', value: body, raw: s.slice(start, close + 1) };
      }
    }
    let i = this.i + 1;
    let value = '';
    let chunk = i;
    let hadU = false;
    for (;;) {
      if (i >= s.length) {
        this.i = i;
        this.fail('in string literal');
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.i = i;
        this.fail('in string literal');
      }
      if (c === 0x5c) {
        value += s.slice(chunk, i);
        i++;
        const e = s[i];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            value += e;
            break;
          case 'b':
            value += '\b';
            break;
          case 'f':
            value += '\f';
            break;
          case 'n':
            value += '\n';
            break;
          case 'r':
            value += '\r';
            break;
          case 't':
            value += '\t';
            break;
          case 'u': {
            let code = 0;
            for (let k = 1; k <= 4; k++) {
              const h = s.charCodeAt(i + k);
              const d =
                h >= 0x30 && h <= 0x39
                  ? h - 0x30
                  : h >= 0x61 && h <= 0x66
                    ? h - 0x57
                    : h >= 0x41 && h <= 0x46
                      ? h - 0x37
                      : -1;
              if (d < 0) {
                this.i = i + k;
                this.fail('in \\u hexadecimal character escape');
              }
              code = code * 16 + d;
            }
            value += String.fromCharCode(code);
            hadU = true;
            i += 4;
            break;
          }
          default:
            this.i = i;
            this.fail('in string escape code');
        }
        i++;
        chunk = i;
        continue;
      }
      i++;
    }
    value += s.slice(chunk, i);
    this.i = i + 1;
    const raw = s.slice(start, this.i);
    // Go replaces unpaired surrogates (from \ud800-style escapes) with U+FFFD when decoding.
    return { kind: 'string', value: hadU ? wellFormed(value) : value, raw };
  }
}
