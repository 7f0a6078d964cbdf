import { decimalText, goCompare, parseCtyType, type CtyType } from './cty-type.ts';
import { strconvQuote } from './go-quote.ts';
import { getKey, type JsonNode } from './json-tree.ts';
import { parseJson } from '../../state/parse-json.ts';

/** One resource instance object as `state show` needs it. */
export interface ShowInstance {
  /** Full instance address, e.g. `module.a.terraform_data.x["k"]`. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** The resource's provider string from the state (`provider["…"]`). */
  provider: string;
  tainted: boolean;
  /** The `attributes` object of the instance. */
  attributes: JsonNode;
  /** The `sensitive_attributes` array (paths), if any. */
  sensitiveAttributes?: JsonNode | undefined;
}

const BUILTIN_PROVIDER = 'terraform.io/builtin/terraform';

/**
 * Attributes known to be `DynamicPseudoType` in the builtin provider's schemas: their state JSON is the
 * `{"value": …, "type": …}` wrapper, rendered as the value inside.
 */
const BUILTIN_DYNAMIC: Record<string, Set<string>> = {
  'managed.terraform_data': new Set(['input', 'output', 'triggers_replace']),
  'data.terraform_remote_state': new Set(['config', 'defaults', 'outputs']),
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const pad4 = (n: number): string => '    '.repeat(n);

/**
 * `terraform state show ADDR` human rendering (Terraform's state renderer without provider schemas):
 * `# ADDR:` header (`(tainted)` when tainted), `resource "TYPE" "NAME" {` / `data …`, attributes sorted and
 * aligned, null top-level attributes omitted, four spaces per level, sensitive values as `(sensitive value)`.
 * Values of the builtin provider's dynamic attributes are unwrapped with their recorded type; for other
 * providers the JSON shape decides (objects are rendered as objects, arrays as lists).
 */
export function renderStateShow(inst: ShowInstance): string {
  const header = inst.tainted ? `# ${inst.address}: (tainted)` : `# ${inst.address}:`;
  const kw = inst.mode === 'data' ? 'data' : 'resource';
  const sensitive = sensitivePathSet(inst.sensitiveAttributes);
  const dynamic = inst.provider.includes(BUILTIN_PROVIDER)
    ? (BUILTIN_DYNAMIC[`${inst.mode}.${inst.type}`] ?? new Set<string>())
    : new Set<string>();
  const body = renderBlock(inst.attributes, sensitive, dynamic);
  return `${header}\n${kw} ${strconvQuote(inst.type)} ${strconvQuote(inst.name)} ${body}\n`;
}

function renderBlock(attrs: JsonNode, sensitive: Set<string>, dynamic: Set<string>): string {
  if (attrs.kind !== 'object') return '{}';
  const entries = attrs.entries.filter(([, v]) => v.kind !== 'null').sort((a, b) => goCompare(a[0], b[0]));
  if (entries.length === 0) return '{}';
  const keys = entries.map(([k]) => attrName(k));
  const width = Math.max(...keys.map((k) => k.length));
  let out = '{\n';
  entries.forEach(([k, v], i) => {
    const path = [step('a', k)];
    let type: CtyType | undefined;
    let value = v;
    if (dynamic.has(k)) ({ value, type } = unwrapDynamic(v));
    out += `${pad4(1)}${(keys[i] ?? k).padEnd(width)} = ${renderValue(value, type, 1, path, sensitive)}\n`;
  });
  return out + '}';
}

function unwrapDynamic(v: JsonNode): { value: JsonNode; type: CtyType | undefined } {
  const inner = getKey(v, 'value');
  const t = getKey(v, 'type');
  if (v.kind === 'object' && v.entries.length === 2 && inner && t)
    return { value: inner, type: parseCtyType(t) };
  return { value: v, type: undefined };
}

function renderValue(
  v: JsonNode,
  type: CtyType | undefined,
  indent: number,
  path: string[],
  sensitive: Set<string>,
): string {
  if (sensitive.has(path.join('\0'))) return '(sensitive value)';
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return String(v.value);
    case 'number':
      return decimalText(v.text);
    case 'string': {
      const json = jsonStringValue(v.value);
      if (json) return renderJsonEncode(json, indent);
      return renderString(v.value, indent);
    }
    case 'array': {
      if (v.items.length === 0) return '[]';
      let out = '[\n';
      v.items.forEach((item, i) => {
        const et =
          type?.t === 'tuple'
            ? type.elems[i]
            : type && 'elem' in type && type.t !== 'map'
              ? type.elem
              : undefined;
        const key = type?.t === 'set' ? undefined : step('i', JSON.stringify({ n: i }));
        const childPath = key ? [...path, key] : path;
        out += `${pad4(indent + 1)}${renderValue(item, et, indent + 1, childPath, sensitive)},\n`;
      });
      return out + `${pad4(indent)}]`;
    }
    case 'object': {
      if (v.entries.length === 0) return '{}';
      const isMap = type?.t === 'map';
      const attrTypes = type?.t === 'object' ? new Map(type.attrs) : undefined;
      const entries = [...v.entries].sort((a, b) => goCompare(a[0], b[0]));
      const keys = entries.map(([k]) => attrName(k));
      const width = Math.max(...keys.map((k) => k.length));
      let out = '{\n';
      entries.forEach(([k, child], i) => {
        const ct = isMap && type.t === 'map' ? type.elem : attrTypes?.get(k);
        const childPath = [...path, isMap ? step('i', JSON.stringify({ s: k })) : step('a', k)];
        out += `${pad4(indent + 1)}${(keys[i] ?? k).padEnd(width)} = ${renderValue(child, ct, indent + 1, childPath, sensitive)}\n`;
      });
      return out + `${pad4(indent)}}`;
    }
  }
}

/** A string holding a JSON object or array (rendered as `jsonencode(…)`), else undefined. */
function jsonStringValue(s: string): JsonNode | undefined {
  const t = s.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    return parseJson(t);
  } catch {
    return undefined;
  }
}

/** Terraform's rendering of a JSON string: `jsonencode(` + the value one level deeper + `)`. */
function renderJsonEncode(json: JsonNode, indent: number): string {
  const inner = renderValue(json, undefined, indent + 1, [], new Set());
  if (inner === '{}' || inner === '[]') return `jsonencode(${inner})`;
  return `jsonencode(\n${pad4(indent + 1)}${inner}\n${pad4(indent)})`;
}

function renderString(s: string, indent: number): string {
  const lines = s.split('\n');
  if (lines.length < 2) return hclEscape(s);
  if (lines[lines.length - 1] === '') lines.pop();
  return `<<-EOT\n${lines.map((l) => `${pad4(indent + 1)}${l}\n`).join('')}${pad4(indent)}EOT`;
}

function hclEscape(s: string): string {
  return strconvQuote(s);
}

function attrName(k: string): string {
  return IDENT.test(k) ? k : hclEscape(k);
}

function step(kind: 'a' | 'i', v: string): string {
  return `${kind}:${v}`;
}

/** Turns `sensitive_attributes` (arrays of get_attr/index steps) into comparable path keys. */
function sensitivePathSet(node: JsonNode | undefined): Set<string> {
  const out = new Set<string>();
  if (!node || node.kind !== 'array') return out;
  for (const p of node.items) {
    if (p.kind !== 'array') continue;
    const parts: string[] = [];
    for (const s of p.items) {
      const t = getKey(s, 'type');
      const val = getKey(s, 'value');
      if (t?.kind !== 'string' || !val) continue;
      if (t.value === 'get_attr' && val.kind === 'string') parts.push(step('a', val.value));
      else if (t.value === 'index') {
        const kv = getKey(val, 'value');
        if (kv?.kind === 'string') parts.push(step('i', JSON.stringify({ s: kv.value })));
        else if (kv?.kind === 'number') parts.push(step('i', JSON.stringify({ n: Number(kv.text) })));
      }
    }
    out.add(parts.join('\0'));
  }
  return out;
}
