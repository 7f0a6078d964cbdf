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
  switch (node.kind) {
    case 'null':
      return null;
    case 'bool':
      return node.value;
    case 'string':
      return node.value;
    case 'number': {
      const n = Number(node.text);
      if (/^-?\d+$/.test(node.text)) return Number.isSafeInteger(n) ? n : BigInt(node.text);
      return Number.isFinite(n) ? n : node.text;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.entries) out[k] = toPlain(v);
      return out;
    }
  }
}

/** Deep equality of two trees by meaning (decoded strings, number text, member order ignored). */
export function rawEqual(a: RawJson, b: RawJson): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'null':
      return true;
    case 'bool':
      return a.value === (b as RawBool).value;
    case 'string':
      return a.value === (b as RawString).value;
    case 'number':
      return a.text === (b as RawNumber).text;
    case 'array': {
      const bi = (b as RawArray).items;
      return a.items.length === bi.length && a.items.every((x, i) => rawEqual(x, bi[i] as RawJson));
    }
    case 'object': {
      const be = (b as RawObject).entries;
      if (a.entries.length !== be.length) return false;
      const bm = new Map(be);
      return a.entries.every(([k, v]) => {
        const o = bm.get(k);
        return o !== undefined && rawEqual(v, o);
      });
    }
  }
}
