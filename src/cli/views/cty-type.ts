import { goStringCompare } from '../../state/go-json.ts';
import type { JsonNode } from './json-tree.ts';

/** A cty type as Terraform writes it in state JSON (`"string"`, `["list","string"]`, `["object",{…}]`, …). */
export type CtyType =
  | { t: 'string' | 'number' | 'bool' | 'dynamic' }
  | { t: 'list' | 'set' | 'map'; elem: CtyType }
  | { t: 'object'; attrs: [string, CtyType][] }
  | { t: 'tuple'; elems: CtyType[] };

const DYNAMIC: CtyType = { t: 'dynamic' };

/** Reads cty's type JSON. Anything unrecognised is treated as `dynamic` (rendering then follows the value). */
export function parseCtyType(node: JsonNode | undefined): CtyType {
  if (!node) return DYNAMIC;
  if (node.kind === 'string') {
    if (node.value === 'string' || node.value === 'number' || node.value === 'bool') return { t: node.value };
    return DYNAMIC;
  }
  if (node.kind !== 'array' || node.items.length < 2) return DYNAMIC;
  const [head, arg] = node.items;
  if (head?.kind !== 'string' || !arg) return DYNAMIC;
  switch (head.value) {
    case 'list':
    case 'set':
    case 'map':
      return { t: head.value, elem: parseCtyType(arg) };
    case 'object':
      if (arg.kind !== 'object') return DYNAMIC;
      return { t: 'object', attrs: arg.entries.map(([k, v]) => [k, parseCtyType(v)]) };
    case 'tuple':
      if (arg.kind !== 'array') return DYNAMIC;
      return { t: 'tuple', elems: arg.items.map((v) => parseCtyType(v)) };
    default:
      return DYNAMIC;
  }
}

/** cty's `FriendlyName()` of a type, as used in Terraform's messages. */
export function friendlyTypeName(t: CtyType): string {
  switch (t.t) {
    case 'list':
    case 'set':
    case 'map':
      return `${t.t} of ${friendlyTypeName(t.elem)}`;
    case 'dynamic':
      return 'dynamic';
    default:
      return t.t;
  }
}

/** Go byte-order string comparison (UTF-8 bytes), as `sort.Strings` does. */
export function goCompare(a: string, b: string): number {
  return goStringCompare(a, b);
}

/**
 * Go `big.Float.Text('f', -1)` of a JSON number's text: plain decimal notation, no exponent, no
 * trailing fractional zeros. Works on the digits, so big integers stay exact.
 */
export function decimalText(num: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(num);
  if (!m) return num;
  const sign = m[1] ?? '';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let point = (m[2] ?? '').length + (m[4] ? parseInt(m[4], 10) : 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  let intPart = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  if (intPart === '') intPart = '0';
  const frac = digits.slice(point).replace(/0+$/, '');
  const out = frac ? `${intPart}.${frac}` : intPart;
  return out === '0' ? '0' : sign + out;
}
