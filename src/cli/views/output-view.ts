import { decimalText, friendlyTypeName, goCompare, parseCtyType } from './cty-type.ts';
import { formatValue } from './format-value.ts';
import { toGoJson, type JsonNode } from './json-tree.ts';
import { strconvQuote } from './go-quote.ts';

/** One root-module output as the views need it (value and cty type as order-preserving JSON). */
export interface OutputEntry {
  name: string;
  value: JsonNode;
  type: JsonNode;
  sensitive: boolean;
}

/** The result of rendering: text for stdout, or a diagnostic in the peers' words. */
export type ViewResult =
  | { ok: true; stdout: string; warning?: { summary: string; detail: string } }
  | { ok: false; summary: string; detail: string };

const NO_OUTPUTS = {
  summary: 'No outputs found',
  detail:
    'The state file either has no outputs defined, or all the defined outputs are empty. Please define an output ' +
    'in your configuration with the `output` keyword and run `terraform refresh` for it to become visible. If you ' +
    'are using interpolation, please verify the interpolated values have valid keys and pass valid values.',
};

function missing(name: string): ViewResult {
  return {
    ok: false,
    summary: `Output ${strconvQuote(name)} not found`,
    detail:
      'The output variable requested could not be found in the state file. If you recently added this to your ' +
      "configuration, be sure to run `terraform apply`, since the state won't be updated with any new output values.",
  };
}

/**
 * `terraform output [NAME]` (human form). All outputs: `name = value` sorted by name, sensitive ones as
 * `<sensitive>`; one named output: its value in clear.
 */
export function renderOutputHuman(outputs: OutputEntry[], name?: string): ViewResult {
  if (outputs.length === 0) return { ok: true, stdout: '', warning: NO_OUTPUTS };
  if (name !== undefined) {
    const o = outputs.find((x) => x.name === name);
    if (!o) return missing(name);
    return { ok: true, stdout: formatValue(o.value, parseCtyType(o.type), 0) + '\n' };
  }
  const sorted = [...outputs].sort((a, b) => goCompare(a.name, b.name));
  const lines = sorted.map((o) =>
    o.sensitive ? `${o.name} = <sensitive>` : `${o.name} = ${formatValue(o.value, parseCtyType(o.type), 0)}`,
  );
  return { ok: true, stdout: lines.join('\n').trim() + '\n' };
}

/**
 * `terraform output -json [NAME]`: all outputs as `{name: {sensitive, type, value}}` indented two spaces
 * (Go `MarshalIndent`), sensitive values in clear; one named output: its compact JSON value.
 */
export function renderOutputJson(outputs: OutputEntry[], name?: string): ViewResult {
  if (name !== undefined) {
    const o = outputs.find((x) => x.name === name);
    if (!o) return missing(name);
    return { ok: true, stdout: toGoJson(o.value) + '\n' };
  }
  const sorted = [...outputs].sort((a, b) => goCompare(a.name, b.name));
  const doc: JsonNode = {
    kind: 'object',
    entries: sorted.map((o) => [
      o.name,
      {
        kind: 'object',
        entries: [
          ['sensitive', { kind: 'bool', value: o.sensitive }],
          ['type', o.type],
          ['value', o.value],
        ],
      },
    ]),
  };
  return { ok: true, stdout: toGoJson(doc, '  ') + '\n' };
}

/**
 * `terraform output -raw NAME`: a string, number or bool printed with no trailing newline; anything else is
 * refused with Terraform's message.
 */
export function renderOutputRaw(outputs: OutputEntry[], name?: string): ViewResult {
  if (outputs.length === 0) return { ok: true, stdout: '', warning: NO_OUTPUTS };
  if (name === undefined) {
    return {
      ok: false,
      summary: 'Raw output format is only supported for single outputs',
      detail: '',
    };
  }
  const o = outputs.find((x) => x.name === name);
  if (!o) return missing(name);
  const type = parseCtyType(o.type);
  const v = o.value;
  if (type.t !== 'string' && type.t !== 'number' && type.t !== 'bool' && type.t !== 'dynamic') {
    return {
      ok: false,
      summary: 'Unsupported value for raw output',
      detail:
        `The -raw option only supports strings, numbers, and boolean values, but output value ${strconvQuote(name)} is ` +
        `${friendlyTypeName(type)}.\n\nUse the -json option for machine-readable representations of output values ` +
        'that have complex types.',
    };
  }
  if (v.kind === 'null') {
    return {
      ok: false,
      summary: 'Unsupported value for raw output',
      detail: `The value for output value ${strconvQuote(name)} is null, so -raw mode cannot print it.`,
    };
  }
  if (v.kind === 'string') return { ok: true, stdout: v.value };
  if (v.kind === 'number') return { ok: true, stdout: decimalText(v.text) };
  if (v.kind === 'bool') return { ok: true, stdout: String(v.value) };
  return {
    ok: false,
    summary: 'Unsupported value for raw output',
    detail:
      `The -raw option only supports strings, numbers, and boolean values, but output value ${strconvQuote(name)} is ` +
      `${v.kind === 'array' ? 'tuple' : 'object'}.\n\nUse the -json option for machine-readable representations of ` +
      'output values that have complex types.',
  };
}
