import { isRequired, type AttributeSpec, type AttributeType, type Flavor } from './backend-attributes.ts';
import { closestName } from './closest-name.ts';

/** Result of converting a raw value to an attribute's type: the value, or the peers' conversion error. */
export type CoerceResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      error: string;
      path?: string | undefined;
      unsupported?: { name: string; suggestion?: string };
    };

function typeRequired(type: AttributeType): string {
  switch (type) {
    case 'string':
      return 'string required';
    case 'bool':
      return 'bool required';
    case 'number':
      return 'number required';
    case 'set(string)':
      return 'set of string required';
    case 'list(string)':
      return 'list of string required';
    case 'map(string)':
      return 'map of string required';
    case 'object':
      return 'object required';
  }
}

/** The wording cty uses at the top level of a conversion ("a bool is required"). */
function topLevelRequired(type: AttributeType): string {
  switch (type) {
    case 'string':
      return 'a string is required';
    case 'bool':
      return 'a bool is required';
    case 'number':
      return 'a number is required';
    default:
      return typeRequired(type);
  }
}

const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function toStringValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function convertPrimitive(v: unknown, type: 'string' | 'bool' | 'number'): { ok: boolean; value?: unknown } {
  if (type === 'string') {
    const s = toStringValue(v);
    return s === undefined ? { ok: false } : { ok: true, value: s };
  }
  if (type === 'bool') {
    if (typeof v === 'boolean') return { ok: true, value: v };
    // cty converts the strings "true"/"false" (and "1"/"0") to bool.
    if (v === 'true' || v === '1') return { ok: true, value: true };
    if (v === 'false' || v === '0') return { ok: true, value: false };
    return { ok: false };
  }
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: v };
  if (typeof v === 'string' && NUMBER_RE.test(v)) return { ok: true, value: Number(v) };
  return { ok: false };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Converts `raw` to the type of `spec` the way cty's `convert` does for the backend schema:
 * numbers and bools become strings, the strings `"true"`/`"false"` become bools, numeric strings
 * become numbers, tuples become sets/lists, objects become maps or nested objects. `null` stays
 * `null` (= unset). Nested blocks written as a one-element list (hcl2json's block form) are unwrapped.
 * Errors carry cty's text (`a bool is required`, `set of string required`, `element 0: string required`).
 */
export function coerceValue(spec: AttributeSpec, raw: unknown, flavor: Flavor): CoerceResult {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const { type } = spec;
  if (type === 'string' || type === 'bool' || type === 'number') {
    const r = convertPrimitive(raw, type);
    return r.ok ? { ok: true, value: r.value } : { ok: false, error: topLevelRequired(type) };
  }
  if (type === 'set(string)' || type === 'list(string)') {
    if (!Array.isArray(raw)) return { ok: false, error: typeRequired(type) };
    const out: string[] = [];
    for (const [i, el] of raw.entries()) {
      const s = toStringValue(el);
      if (s === undefined) return { ok: false, error: `element ${i}: string required` };
      // Sets drop duplicates (cty set semantics) and keep first-seen order here.
      if (type === 'set(string)' && out.includes(s)) continue;
      out.push(s);
    }
    return { ok: true, value: out };
  }
  if (type === 'map(string)') {
    if (!isPlainObject(raw)) return { ok: false, error: typeRequired(type) };
    const out: Record<string, string> = {};
    for (const [k, el] of Object.entries(raw)) {
      const s = toStringValue(el);
      if (s === undefined) return { ok: false, error: `element ${JSON.stringify(k)}: string required` };
      out[k] = s;
    }
    return { ok: true, value: out };
  }
  // Nested object / block. hcl2json renders `name { … }` as `[ { … } ]`.
  let obj: unknown = raw;
  if (Array.isArray(raw)) {
    if (raw.length !== 1) {
      return {
        ok: false,
        error: raw.length === 0 ? typeRequired(type) : `only one "${spec.name}" block is allowed`,
      };
    }
    obj = raw[0];
  }
  if (!isPlainObject(obj)) return { ok: false, error: typeRequired(type) };
  const nested = (spec.nested ?? []).filter((a) => a.flavors.includes(flavor));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const child = nested.find((a) => a.name === k);
    // A saved configuration lists the writer's full nested schema with nulls; unset is harmless.
    if (!child && v === null) continue;
    if (!child) {
      const suggestion = closestName(
        k,
        nested.map((a) => a.name),
      );
      return {
        ok: false,
        error: `unsupported attribute "${k}"`,
        path: `${spec.name}.${k}`,
        unsupported: suggestion === undefined ? { name: k } : { name: k, suggestion },
      };
    }
    const r = coerceValue(child, v, flavor);
    if (!r.ok) return { ...r, path: r.path ?? `${spec.name}.${k}` };
    if (r.value !== null) out[k] = r.value;
  }
  for (const child of nested) {
    if (isRequired(child, flavor) && out[child.name] === undefined) {
      return { ok: false, error: `attribute "${child.name}" is required` };
    }
  }
  return { ok: true, value: out };
}
