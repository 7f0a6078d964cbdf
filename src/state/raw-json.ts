/**
 * An ordered, lossless JSON tree. Used for every part of a state file that Terraform keeps as raw
 * JSON (`attributes`, output values and types, `identity`, `sensitive_attributes`, legacy v1–v3
 * documents): object key order is kept as written (a plain JS object would move integer-like keys
 * such as `"1"` to the front), numbers keep their source text (`18446744073709551615` stays exact),
 * and strings parsed from a file remember their source spelling so that re-serialising copies them
 * byte for byte, as Go's `json.RawMessage` does.
 */
export type RawJson = RawNull | RawBool | RawNumber | RawString | RawArray | RawObject;

/** JSON `null`. */
export interface RawNull {
  readonly kind: 'null';
}
/** JSON `true` / `false`. */
export interface RawBool {
  readonly kind: 'bool';
  readonly value: boolean;
}
/** A JSON number, kept as its exact source text (never converted through `Number`). */
export interface RawNumber {
  readonly kind: 'number';
  /** The number as written, e.g. `9007199254740993` or `3.14159`. */
  readonly text: string;
}
/** A JSON string. */
export interface RawString {
  readonly kind: 'string';
  /** The decoded value. */
  readonly value: string;
  /**
   * The source spelling including the quotes, when the node was parsed from a document. Writers copy
   * it verbatim (re-escaping only `<`, `>`, `&`, U+2028 and U+2029, as Go's compaction of raw JSON
   * does); when absent the value is quoted with Go's rules.
   */
  readonly raw?: string;
}
/** A JSON array. */
export interface RawArray {
  readonly kind: 'array';
  readonly items: readonly RawJson[];
}
/** A JSON object with its members in source order (duplicates kept as written). */
export interface RawObject {
  readonly kind: 'object';
  readonly entries: readonly (readonly [string, RawJson])[];
}

/** The JSON `null` node. */
export const RAW_NULL: RawNull = { kind: 'null' };

/**
 * A character Go's string quoting (`json.Marshal`, HTML escaping on) does not write as itself: quote,
 * backslash, control characters, `<`, `>`, `&`, U+2028, U+2029 and surrogates (a lone one becomes
 * U+FFFD; a pair is written raw, but callers treat any as "needs a look").
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
export const GO_NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/** Builds a string node (quoted with Go's rules when written). */
export function rawString(value: string): RawString {
  return { kind: 'string', value };
}

/** Builds a number node from exact text or a safe integer / bigint. */
export function rawNumber(n: string | number | bigint): RawNumber {
  if (typeof n === 'number' && !Number.isFinite(n)) throw new RangeError(`not a JSON number: ${n}`);
  return { kind: 'number', text: String(n) };
}

/** Builds an object node from entries in the given order. */
export function rawObject(entries: readonly (readonly [string, RawJson])[]): RawObject {
  return { kind: 'object', entries };
}

/** Builds an array node. */
export function rawArray(items: readonly RawJson[]): RawArray {
  return { kind: 'array', items };
}

/**
 * An array node whose items are made from `source` by `make` when they are read. Writers and
 * comparers take them one at a time ({@link arrayLength} / {@link arrayItem}), so the tree of a large
 * state's instances never exists all at once; `items` makes them all, for every other reader.
 */
export class MappedArray<T> implements RawArray {
  readonly kind = 'array';
  readonly #source: readonly T[];
  readonly #make: (t: T) => RawJson;
  constructor(source: readonly T[], make: (t: T) => RawJson) {
    this.#source = source;
    this.#make = make;
  }
  get length(): number {
    return this.#source.length;
  }
  at(i: number): RawJson {
    return this.#make(this.#source[i] as T);
  }
  get items(): readonly RawJson[] {
    return this.#source.map((t) => this.#make(t));
  }
}

/** The number of items of an array node, without making a {@link MappedArray}'s items. */
export function arrayLength(n: RawArray): number {
  return n instanceof MappedArray ? n.length : n.items.length;
}

/** Item `i` of an array node, making only that one of a {@link MappedArray}'s items. */
export function arrayItem(n: RawArray, i: number): RawJson {
  return n instanceof MappedArray ? n.at(i) : (n.items[i] as RawJson);
}

/** The member `key` of an object node (last one wins, as in Go), or `undefined`. */
export function rawGet(node: RawJson | undefined, key: string): RawJson | undefined {
  if (node?.kind !== 'object') return undefined;
  let found: RawJson | undefined;
  for (const [k, v] of node.entries) if (k === key) found = v;
  return found;
}

/**
 * Converts a plain JS value (from `JSON.parse` or code) into a tree. Object keys keep JS enumeration
 * order, so prefer building trees directly when integer-like keys matter. `bigint` becomes an exact
 * number.
 */
export function fromPlain(v: unknown): RawJson {
  if (v === null || v === undefined) return RAW_NULL;
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'number' || typeof v === 'bigint') return rawNumber(v);
  if (typeof v === 'string') return rawString(v);
  if (Array.isArray(v)) return rawArray(v.map(fromPlain));
  if (typeof v === 'object') {
    return rawObject(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)] as const),
    );
  }
  throw new TypeError(`cannot represent ${typeof v} as JSON`);
}

/**
 * Converts a tree into plain JS values for display. Numbers that are not exactly representable as a
 * JS number become `bigint` (integers) or stay as their text (other numbers) so nothing is silently
 * rounded; duplicate object keys keep the last value.
 */
export function toPlain(node: RawJson): unknown {
  // Explicit stack: trees may nest up to 10000 levels (Go's limit).
  const root: { v?: unknown } = {};
  const work: { node: RawJson; set: (v: unknown) => void }[] = [{ node, set: (v) => (root.v = v) }];
  for (let w = work.pop(); w !== undefined; w = work.pop()) {
    const n = w.node;
    switch (n.kind) {
      case 'null':
        w.set(null);
        break;
      case 'bool':
      case 'string':
        w.set(n.value);
        break;
      case 'number': {
        const x = Number(n.text);
        if (/^-?\d+$/.test(n.text)) w.set(Number.isSafeInteger(x) ? x : BigInt(n.text));
        else w.set(Number.isFinite(x) ? x : n.text);
        break;
      }
      case 'array': {
        const arr: unknown[] = new Array<unknown>(n.items.length);
        w.set(arr);
        n.items.forEach((item, i) => work.push({ node: item, set: (v) => (arr[i] = v) }));
        break;
      }
      case 'object': {
        const obj: Record<string, unknown> = {};
        w.set(obj);
        // defineProperty, not assignment: a member named "__proto__" must stay an own property.
        const put = (k: string, x: unknown): void => {
          Object.defineProperty(obj, k, { value: x, writable: true, enumerable: true, configurable: true });
        };
        for (const [k] of n.entries) put(k, undefined); // keep member order for non-index keys
        // Later duplicates win: pushed in reverse, popped (and assigned) in source order.
        for (let i = n.entries.length - 1; i >= 0; i--) {
          const [k, v] = n.entries[i] as readonly [string, RawJson];
          work.push({ node: v, set: (x) => put(k, x) });
        }
        break;
      }
    }
  }
  return root.v;
}

/** Deep equality of two trees by meaning (decoded strings, number text, member order ignored). */
export function rawEqual(a: RawJson, b: RawJson): boolean {
  const work: [RawJson, RawJson][] = [[a, b]];
  for (let p = work.pop(); p !== undefined; p = work.pop()) {
    const [x, y] = p;
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case 'null':
        break;
      case 'bool':
      case 'string':
        if (x.value !== (y as RawBool | RawString).value) return false;
        break;
      case 'number':
        if (x.text !== (y as RawNumber).text) return false;
        break;
      case 'array': {
        const yi = (y as RawArray).items;
        if (x.items.length !== yi.length) return false;
        x.items.forEach((item, i) => work.push([item, yi[i] as RawJson]));
        break;
      }
      case 'object': {
        const xm = new Map(x.entries);
        const ym = new Map((y as RawObject).entries);
        if (xm.size !== ym.size) return false;
        for (const [k, v] of xm) {
          const o = ym.get(k);
          if (o === undefined) return false;
          work.push([v, o]);
        }
        break;
      }
    }
  }
  return true;
}
