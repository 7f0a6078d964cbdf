import { type RawArray, type RawJson, type RawObject } from './raw-json.ts';

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
 * Parses JSON text (a string, or UTF-8 bytes as Go reads them) into an ordered, lossless
 * {@link RawJson} tree (key order, number text and string spelling are kept). Strict RFC 8259
 * grammar, like Go: no comments, no trailing commas; a leading byte-order mark is an error. Bytes
 * are parsed as they are, never decoded whole: a large state costs its bytes and its tree, not also
 * a string as long as the file. Invalid UTF-8 in a string decodes to U+FFFD. Throws
 * {@link JsonSyntaxError}.
 */
export function parseJson(input: string | Uint8Array, opts: ParseJsonOptions = {}): RawJson {
  const text = asBuffer(input);
  const lazyDepth = opts.lazyDepth ?? Infinity;
  const member = opts.member;
  if (lazyDepth === Infinity) return new Parser(text, Infinity, member).parseDocument();
  try {
    return new Parser(text, lazyDepth, member).parseDocument();
  } catch (e) {
    // A syntax error inside a skipped container: parse eagerly to report it exactly as Go does.
    if (e === LAZY_INVALID) return new Parser(text, Infinity, member).parseDocument();
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
  /**
   * Replaces each container at nesting depth `depth` (≥ 1) inside the top-level member `key` with
   * what `map` returns, as soon as the container is parsed. Lets a caller turn the parts of a large
   * document into its own model one at a time, so the document's tree is never held whole. `map`
   * must not throw (record a failure in the returned node instead): a syntax error later in the text
   * is reported first, as Go checks the whole document before decoding any of it.
   */
  member?: MemberMap | undefined;
}

/** See {@link ParseJsonOptions.member}. */
export interface MemberMap {
  readonly key: string;
  readonly depth: number;
  map(node: RawJson): RawJson;
}

/** The bytes of `input` (a view of them, not a copy, for bytes). */
export function asBuffer(input: string | Uint8Array): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/** Thrown by the skipping scanner; never escapes {@link parseJson}. */
const LAZY_INVALID = new Error('invalid JSON inside a lazily parsed container');

/**
 * A container whose members are parsed from its source bytes (already validated) the first time
 * `entries` / `items` is read. It reads like an ordinary node (`kind`, `entries` / `items`); the
 * members are a getter on the class, which V8 creates far faster than an own accessor per node
 * (≈60 000 instances of a large state each hold a few of these), and `toJSON` gives
 * `JSON.stringify` the same text as for an eager node.
 */
abstract class LazyContainer {
  // The whole document's bytes and this container's range in them: no copy per container.
  readonly #bytes: Buffer;
  readonly #start: number;
  readonly #end: number;
  readonly #layout: string | undefined;
  #tree: RawJson | undefined;
  constructor(bytes: Buffer, start: number, end: number, layout: string | undefined) {
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
    this.#layout = layout;
  }
  protected build(): RawJson {
    if (this.#tree !== undefined) return this.#tree;
    const src = this.#bytes.subarray(this.#start, this.#end);
    return (this.#tree = new Parser(src, Infinity, undefined).parseDocument());
  }
  static sourceOf(node: RawJson): string | undefined {
    return node instanceof LazyContainer ? node.#bytes.toString('utf8', node.#start, node.#end) : undefined;
  }
  static sameSource(a: RawJson, b: RawJson): boolean {
    if (!(a instanceof LazyContainer) || !(b instanceof LazyContainer)) return false;
    if (a.#end - a.#start !== b.#end - b.#start) return false;
    return a.#bytes.compare(b.#bytes, b.#start, b.#end, a.#start, a.#end) === 0;
  }
  static layoutOf(node: RawJson): string | undefined {
    return node instanceof LazyContainer ? node.#layout : undefined;
  }
}

class LazyObject extends LazyContainer {
  readonly kind = 'object';
  get entries(): readonly (readonly [string, RawJson])[] {
    return (this.build() as RawObject).entries;
  }
  toJSON(): RawObject {
    return { kind: 'object', entries: this.entries };
  }
}

class LazyArray extends LazyContainer {
  readonly kind = 'array';
  get items(): readonly RawJson[] {
    return (this.build() as RawArray).items;
  }
  toJSON(): RawArray {
    return { kind: 'array', items: this.items };
  }
}

/**
 * The exact source text of a container that {@link parseJson} parsed lazily (see
 * {@link ParseJsonOptions.lazyDepth}), or `undefined` for any other node. Two lazy nodes with the
 * same source have the same tree.
 */
export function lazySourceOf(node: RawJson): string | undefined {
  return LazyContainer.sourceOf(node);
}

/** Whether `a` and `b` are both lazily parsed containers with the same source bytes. */
export function lazySameSource(a: RawJson, b: RawJson): boolean {
  return LazyContainer.sameSource(a, b);
}

/**
 * How a lazily parsed container is laid out, as recorded while it was validated: `'*'` for an empty
 * `{}` / `[]`; the line prefix `P` (`"\n"` + spaces) when the text is exactly Go's
 * `json.MarshalIndent` layout with a two-space indent at a position whose line prefix is `P`
 * (members on their own lines at `P` + two spaces per level, `": "` after keys, closers at the
 * opener's level, keys that Go writes as they are, and no `<`, `>`, `&`, U+2028 or U+2029 in any
 * string, which Go's compaction of raw JSON would escape); `undefined` when it is neither, or unknown.
 */
export function lazyLayoutOf(node: RawJson): string | undefined {
  return LazyContainer.layoutOf(node);
}

/** A lazily parsed container node for `bytes[start, end)` (see {@link LazyContainer}). */
function lazyContainer(
  bytes: Buffer,
  start: number,
  end: number,
  isObject: boolean,
  layout: string | undefined,
): RawJson {
  return isObject ? new LazyObject(bytes, start, end, layout) : new LazyArray(bytes, start, end, layout);
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

type Frame = { items: RawJson[] } | { entries: [string, RawJson][]; key: string };

/** Flags of the last string {@link scanString} passed: see {@link STR_ESCAPED} and {@link STR_HTML}. */
let strFlags = 0;
/** The string holds an escape, a non-ASCII byte or a character Go's quoting does not write as itself. */
const STR_ESCAPED = 1;
/** The string holds `<`, `>`, `&`, U+2028 or U+2029 (Go's HTML-escaping of raw JSON rewrites them). */
const STR_HTML = 2;

/**
 * Index after the string starting at `i` (a quote), with what it holds in {@link strFlags}; throws
 * {@link LAZY_INVALID} when malformed. A character loop: most strings in a state are short, where a
 * loop beats setting up a native search per string.
 */
function scanString(s: Buffer, i: number): number {
  let flags = 0;
  for (i++; ; i++) {
    const c = s[i] ?? -1;
    if (c > 0x5c) {
      // Any non-ASCII byte "needs a look" (invalid UTF-8 would be re-spelled); U+2028 and U+2029
      // (E2 80 A8 / A9) are also escaped by Go's compaction.
      if (c >= 0x80) {
        flags |= STR_ESCAPED;
        if (c === 0xe2 && s[i + 1] === 0x80 && ((s[i + 2] ?? 0) & 0xfe) === 0xa8) flags |= STR_HTML;
      }
      continue;
    }
    if (c === 0x22) {
      strFlags = flags;
      return i + 1;
    }
    if (c === 0x5c) {
      flags |= STR_ESCAPED;
      const e = s[i + 1] ?? -1;
      if (e === 0x75) {
        for (let k = 2; k <= 5; k++) {
          const h = s[i + k] ?? -1;
          if (!((h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66) || (h >= 0x41 && h <= 0x46))) {
            throw LAZY_INVALID;
          }
        }
        i += 5;
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
        i++;
      } else {
        throw LAZY_INVALID;
      }
      continue;
    }
    // Also the end of the input (NaN).
    if (!(c >= 0x20)) throw LAZY_INVALID;
    if (c === 0x3c || c === 0x3e || c === 0x26) flags |= STR_ESCAPED | STR_HTML;
  }
}

/** No whitespace at all (see {@link runSpaces}). */
const RUN_EMPTY = -1;
/** Whitespace other than a newline followed by spaces only (see {@link runSpaces}). */
const RUN_OTHER = -2;
/**
 * The whitespace run {@link skipWs} passed: {@link RUN_EMPTY}, {@link RUN_OTHER}, or the number of
 * spaces after its newline when it is `"\n"` + spaces, Go's `MarshalIndent` line break.
 */
let runSpaces = RUN_EMPTY;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index after the whitespace at `i`, with its shape in {@link runSpaces}. */
function skipWs(s: Buffer, i: number): number {
  let c = s[i] ?? -1;
  if (c === 0x0a) {
    let j = i + 1;
    while ((c = s[j] ?? -1) === 0x20) j++;
    if (!isWs(c)) {
      runSpaces = j - i - 1;
      return j;
    }
    i = j;
  } else if (!isWs(c)) {
    runSpaces = RUN_EMPTY;
    return i;
  }
  while (isWs(s[i] ?? -1)) i++;
  runSpaces = RUN_OTHER;
  return i;
}

/** Whether the member key {@link skipKey} passed is laid out as Go writes it (plain key, `": "`). */
let keyCanon = true;

/**
 * Passes `"key"`, the colon and the whitespace after it (`i` at the key's quote), noting in
 * {@link keyCanon} whether that is exactly Go's `"key": ` with a key Go writes as it is.
 */
function skipKey(s: Buffer, i: number): number {
  if ((s[i] ?? -1) !== 0x22) throw LAZY_INVALID;
  i = scanString(s, i);
  let canon = strFlags === 0;
  if ((s[i] ?? -1) !== 0x3a) {
    canon = false;
    i = skipWs(s, i);
    if ((s[i] ?? -1) !== 0x3a) throw LAZY_INVALID;
  }
  if ((s[i + 1] ?? -1) === 0x20 && !isWs(s[i + 2] ?? -1)) i += 2;
  else {
    canon = false;
    i = skipWs(s, i + 1);
  }
  keyCanon = canon;
  return i;
}

/** Whether `word` (ASCII) is at `i`. */
function hasWord(s: Buffer, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (s[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Line prefixes by number of spaces (`"\n"` + spaces), built once each. */
const LINE_PREFIXES: string[] = [];

function linePrefix(spaces: number): string {
  return (LINE_PREFIXES[spaces] ??= '\n' + ' '.repeat(spaces));
}

/** The closers stack of {@link Parser.skipContainer}, reused (the scan is not re-entered). */
const CLOSERS: number[] = [];

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index after the number starting at `i`; throws {@link LAZY_INVALID} when malformed. */
function skipNumber(s: Buffer, i: number): number {
  if ((s[i] ?? -1) === 0x2d) i++;
  if ((s[i] ?? -1) === 0x30) i++;
  else {
    if (!isDigit(s[i] ?? -1)) throw LAZY_INVALID;
    while (isDigit(s[i] ?? -1)) i++;
  }
  if ((s[i] ?? -1) === 0x2e) {
    i++;
    if (!isDigit(s[i] ?? -1)) throw LAZY_INVALID;
    while (isDigit(s[i] ?? -1)) i++;
  }
  const e = s[i] ?? -1;
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = s[i] ?? -1;
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(s[i] ?? -1)) throw LAZY_INVALID;
    while (isDigit(s[i] ?? -1)) i++;
  }
  return i;
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: Buffer,
    private readonly lazyDepth: number,
    private readonly member: MemberMap | undefined,
  ) {}

  /** `v`, a container finished inside the open containers `stack`, after {@link ParseJsonOptions.member}. */
  private mapped(v: RawJson, stack: readonly Frame[]): RawJson {
    const m = this.member;
    if (m === undefined || stack.length !== m.depth) return v;
    const top = stack[0];
    return top !== undefined && 'key' in top && top.key === m.key ? m.map(v) : v;
  }

  /**
   * Validates the container starting at `this.i` (its opening bracket) without building it and
   * moves past it. Throws {@link LAZY_INVALID} on any syntax error or when the nesting limit would
   * be exceeded. Returns the container's layout (see {@link lazyLayoutOf}), checked on the way:
   * every whitespace run is compared with what Go's two-space `MarshalIndent` puts there.
   */
  private skipContainer(depth: number): string | undefined {
    const s = this.s;
    let i = this.i;
    // Closers of the open containers; `depth` counts the enclosing ones for Go's limit.
    const closers = CLOSERS;
    closers.length = 0;
    // `canon` until a whitespace run, key or string differs from Go's; `base` is the number of spaces
    // of the opener's line prefix, taken from the first member's line (-1 until then).
    let canon = true;
    let base = -1;
    let c = s[i] ?? -1;
    for (;;) {
      // --- a value at i (c is s[i], whitespace already passed)
      if (c === 0x7b || c === 0x5b) {
        if (depth + closers.length >= MAX_DEPTH) throw LAZY_INVALID;
        const close = c + 2; // '{' → '}', '[' → ']'
        closers.push(close);
        i = skipWs(s, i + 1);
        c = s[i] ?? -1;
        if (c === close) {
          if (runSpaces !== RUN_EMPTY) canon = false;
          closers.pop();
          i++;
        } else {
          if (canon) {
            if (base < 0 && closers.length === 1) {
              if (runSpaces >= 2) base = runSpaces - 2;
              else canon = false;
            } else if (runSpaces !== base + 2 * closers.length) canon = false;
          }
          if (close === 0x7d) {
            i = skipKey(s, i);
            if (!keyCanon) canon = false;
            c = s[i] ?? -1;
          }
          continue;
        }
      } else if (c === 0x22) {
        i = scanString(s, i);
        if ((strFlags & STR_HTML) !== 0) canon = false;
      } else if (c === 0x74) {
        if (!hasWord(s, i, 'true')) throw LAZY_INVALID;
        i += 4;
      } else if (c === 0x66) {
        if (!hasWord(s, i, 'false')) throw LAZY_INVALID;
        i += 5;
      } else if (c === 0x6e) {
        if (!hasWord(s, i, 'null')) throw LAZY_INVALID;
        i += 4;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        i = skipNumber(s, i);
      } else {
        throw LAZY_INVALID;
      }
      // --- after a value: a comma and the next member, or closer(s)
      for (;;) {
        const open = closers.length;
        if (open === 0) {
          this.i = i;
          return canon ? (base < 0 ? '*' : linePrefix(base)) : undefined;
        }
        const close = closers[open - 1]!;
        // Canonical: a comma right after the value, or the closer on its own line at the opener's level.
        c = s[i] ?? -1;
        if (c !== 0x2c) {
          i = skipWs(s, i);
          c = s[i] ?? -1;
          if (c === close) {
            if (runSpaces !== base + 2 * (open - 1)) canon = false;
            closers.pop();
            i++;
            continue;
          }
          if (c !== 0x2c) throw LAZY_INVALID;
          canon = false;
        }
        // Canonical: the next member on its own line, one level in.
        i = skipWs(s, i + 1);
        if (runSpaces !== base + 2 * open) canon = false;
        if (close === 0x7d) {
          i = skipKey(s, i);
          if (!keyCanon) canon = false;
        }
        c = s[i] ?? -1;
        break;
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

  /** Throws at the current byte (or end of input). Offsets are byte counts, as in Go. */
  private fail(context: string): never {
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) throw new JsonSyntaxError('unexpected end of JSON input', s.length);
    throw new JsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`, this.i + 1);
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s[i];
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
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= MAX_DEPTH) this.fail('exceeded max depth');
        if (stack.length >= this.lazyDepth) {
          const start = this.i;
          const layout = this.skipContainer(stack.length);
          const lazy = lazyContainer(s, start, this.i, c === 0x7b, layout);
          v = this.mapped(lazy, stack);
        }
      }
      if (v !== undefined) {
        // skipped container, attached below
      } else if (c === 0x7b || c === 0x5b) {
        this.i++;
        this.ws();
        if (c === 0x5b) {
          if (s[this.i] === 0x5d) {
            this.i++;
            v = this.mapped({ kind: 'array', items: [] }, stack);
          } else {
            stack.push({ items: [] });
            continue;
          }
        } else if (s[this.i] === 0x7d) {
          this.i++;
          v = this.mapped({ kind: 'object', entries: [] }, stack);
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
          if (d === 0x2c) {
            this.i++;
            this.ws();
            break;
          }
          if (d !== 0x5d) this.fail('after array element');
          this.i++;
          stack.pop();
          v = this.mapped({ kind: 'array', items: top.items }, stack);
        } else {
          top.entries.push([top.key, v]);
          if (d === 0x2c) {
            this.i++;
            this.ws();
            top.key = this.key();
            break;
          }
          if (d !== 0x7d) this.fail('after object key:value pair');
          this.i++;
          stack.pop();
          v = this.mapped({ kind: 'object', entries: top.entries }, stack);
        }
      }
    }
  }

  /** Reads `"key" :` and the whitespace after it. */
  private key(): string {
    if (this.s[this.i] !== 0x22) this.fail('looking for beginning of object key string');
    const k = this.string() as { value: string };
    this.ws();
    if (this.s[this.i] !== 0x3a) this.fail('after object key');
    this.i++;
    this.ws();
    return k.value;
  }

  private scalar(): RawJson {
    const c = this.s[this.i];
    switch (c) {
      case 0x22:
        return this.string();
      case 0x74:
        this.literal('true');
        return { kind: 'bool', value: true };
      case 0x66:
        this.literal('false');
        return { kind: 'bool', value: false };
      case 0x6e:
        this.literal('null');
        return { kind: 'null' };
      default:
        if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  private literal(word: string): void {
    for (let k = 1; k < word.length; k++) {
      this.i++;
      if (this.s[this.i] !== word.charCodeAt(k))
        this.fail(`in literal ${word} (expecting '${word[k] ?? ''}')`);
    }
    this.i++;
  }

  private digits(context: string): void {
    const s = this.s;
    const c = s[this.i] ?? -1;
    if (!(c >= 0x30 && c <= 0x39)) this.fail(context);
    let i = this.i + 1;
    for (;;) {
      const d = s[i] ?? -1;
      if (d >= 0x30 && d <= 0x39) i++;
      else break;
    }
    this.i = i;
  }

  private number(): RawJson {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === 0x2d) this.i++;
    if (s[this.i] === 0x30) this.i++;
    else this.digits('in numeric literal');
    if (s[this.i] === 0x2e) {
      this.i++;
      this.digits('after decimal point in numeric literal');
    }
    if (s[this.i] === 0x65 || s[this.i] === 0x45) {
      this.i++;
      if (s[this.i] === 0x2b || s[this.i] === 0x2d) this.i++;
      this.digits('in exponent of numeric literal');
    }
    return { kind: 'number', text: s.toString('latin1', start, this.i) };
  }

  private string(): RawJson {
    const s = this.s;
    const start = this.i;
    // Fast path: no escapes and no control characters before the closing quote. Such a string is
    // written back exactly as Go quotes its value, so no source spelling is kept for it.
    const close = s.indexOf(0x22, start + 1);
    if (close > 0) {
      let high = 0;
      let i = start + 1;
      for (; i < close; i++) {
        const c = s[i] ?? 0;
        if (c < 0x20 || c === 0x5c) break;
        high |= c;
      }
      if (i === close) {
        this.i = close + 1;
        const value =
          high < 0x80 ? s.toString('latin1', start + 1, close) : s.toString('utf8', start + 1, close);
        return { kind: 'string', value };
      }
    }
    let i = this.i + 1;
    let value = '';
    let chunk = i;
    let hadU = false;
    for (;;) {
      const c = s[i];
      if (c === undefined) {
        this.i = i;
        this.fail('in string literal');
      }
      if (c === 0x22) break;
      if (c < 0x20) {
        this.i = i;
        this.fail('in string literal');
      }
      if (c === 0x5c) {
        value += s.toString('utf8', chunk, i);
        i++;
        const e = s[i];
        switch (e) {
          case 0x22:
            value += '"';
            break;
          case 0x5c:
            value += '\\';
            break;
          case 0x2f:
            value += '/';
            break;
          case 0x62:
            value += '\b';
            break;
          case 0x66:
            value += '\f';
            break;
          case 0x6e:
            value += '\n';
            break;
          case 0x72:
            value += '\r';
            break;
          case 0x74:
            value += '\t';
            break;
          case 0x75: {
            let code = 0;
            for (let k = 1; k <= 4; k++) {
              const h = s[i + k] ?? -1;
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
    value += s.toString('utf8', chunk, i);
    this.i = i + 1;
    const raw = s.toString('utf8', start, this.i);
    // Go replaces unpaired surrogates (from \ud800-style escapes) with U+FFFD when decoding.
    return { kind: 'string', value: hadU ? wellFormed(value) : value, raw };
  }
}
