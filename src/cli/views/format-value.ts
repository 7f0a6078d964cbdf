import { decimalText, friendlyTypeName, goCompare, type CtyType } from './cty-type.ts';
import { strconvQuote } from './go-quote.ts';
import type { JsonNode } from './json-tree.ts';

/**
 * Renders a value the way `terraform output` (and `terraform console`) does — HCL-like, with
 * `[ … ]` for tuples, `tolist([…])`/`toset([…])`/`tomap({…})` for collections, quoted keys, two
 * spaces per level, heredocs for multi-line strings (Terraform's `repl.FormatValue`).
 */
export function formatValue(value: JsonNode, type: CtyType, indent = 0): string {
  if (value.kind === 'null') return formatNull(type);
  switch (type.t) {
    case 'string':
      return formatString(value, indent);
    case 'number':
      return value.kind === 'number' ? decimalText(value.text) : formatDynamic(value, indent);
    case 'bool':
      return value.kind === 'bool' ? String(value.value) : formatDynamic(value, indent);
    case 'object': {
      if (value.kind !== 'object') return formatDynamic(value, indent);
      const types = new Map(type.attrs);
      const entries = sortedEntries(value);
      return formatMapping(
        entries.map(([k, v]) => [k, v, types.get(k) ?? { t: 'dynamic' }]),
        indent,
      );
    }
    case 'map': {
      if (value.kind !== 'object') return formatDynamic(value, indent);
      const entries = sortedEntries(value);
      return `tomap(${formatMapping(
        entries.map(([k, v]) => [k, v, type.elem]),
        indent,
      )})`;
    }
    case 'tuple': {
      if (value.kind !== 'array') return formatDynamic(value, indent);
      return formatSequence(
        value.items.map((v, i) => [v, type.elems[i] ?? { t: 'dynamic' }]),
        indent,
      );
    }
    case 'list':
    case 'set': {
      if (value.kind !== 'array') return formatDynamic(value, indent);
      const seq = formatSequence(
        value.items.map((v) => [v, type.elem]),
        indent,
      );
      return type.t === 'list' ? `tolist(${seq})` : `toset(${seq})`;
    }
    case 'dynamic':
      return formatDynamic(value, indent);
  }
}

/** A value whose type is not known: the JSON shape decides (objects as objects, arrays as tuples). */
function formatDynamic(value: JsonNode, indent: number): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'string':
      return formatString(value, indent);
    case 'number':
      return decimalText(value.text);
    case 'bool':
      return String(value.value);
    case 'array':
      return formatSequence(
        value.items.map((v) => [v, { t: 'dynamic' }]),
        indent,
      );
    case 'object':
      return formatMapping(
        sortedEntries(value).map(([k, v]) => [k, v, { t: 'dynamic' }]),
        indent,
      );
  }
}

function sortedEntries(value: JsonNode & { kind: 'object' }): (readonly [string, JsonNode])[] {
  return [...value.entries].sort((a, b) => goCompare(a[0], b[0]));
}

function formatNull(type: CtyType): string {
  switch (type.t) {
    case 'dynamic':
      return 'null';
    case 'string':
      return 'tostring(null)';
    case 'number':
      return 'tonumber(null)';
    case 'bool':
      return 'tobool(null)';
    case 'list':
      return `tolist(null) /* of ${friendlyTypeName(type.elem)} */`;
    case 'set':
      return `toset(null) /* of ${friendlyTypeName(type.elem)} */`;
    case 'map':
      return `tomap(null) /* of ${friendlyTypeName(type.elem)} */`;
    default:
      return `null /* ${friendlyTypeName(type)} */`;
  }
}

function formatString(value: JsonNode, indent: number): string {
  if (value.kind !== 'string') return formatDynamic(value, indent);
  const lines = value.value.split('\n');
  if (lines.length < 2) return strconvQuote(value.value);
  const operator = indent > 0 ? '<<-' : '<<';
  let delimiter = 'EOT';
  while (lines.some((l) => l.trim() === delimiter)) delimiter += '_';
  const pad = ' '.repeat(indent);
  return `${operator}${delimiter}${lines.map((l) => `\n${pad}${l}`).join('')}\n${pad}${delimiter}`;
}

function formatMapping(entries: [string, JsonNode, CtyType][], indent: number): string {
  let out = '{';
  const inner = indent + 2;
  for (const [k, v, t] of entries) {
    out += `\n${' '.repeat(inner)}${strconvQuote(k)} = ${formatValue(v, t, inner)}`;
  }
  if (entries.length > 0) out += `\n${' '.repeat(indent)}`;
  return out + '}';
}

function formatSequence(items: [JsonNode, CtyType][], indent: number): string {
  let out = '[';
  const inner = indent + 2;
  for (const [v, t] of items) out += `\n${' '.repeat(inner)}${formatValue(v, t, inner)},`;
  if (items.length > 0) out += `\n${' '.repeat(indent)}`;
  return out + ']';
}
