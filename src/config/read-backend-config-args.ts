import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../errors.ts';
import { findAttribute } from './backend-attributes.ts';
import type { ConfigLayer } from './config-layer.ts';
import { atLocation, findDynamicExpression, parseHcl, unescapeTemplates } from './parse-hcl.ts';
import { scanHclBodyPositions } from './scan-hcl-positions.ts';

/** What {@link readBackendConfigArgs} produced. */
export interface BackendConfigArgsResult {
  /** One layer per `-backend-config` value, in order. */
  layers: ConfigLayer[];
  /** Absolute paths of the files read. */
  files: string[];
  diagnostics: Diagnostic[];
}

/**
 * Reads `-backend-config` values in order, like `terraform init`:
 * a value containing `=` is `KEY=VALUE` (primitive attributes take VALUE as a string converted later to
 * the attribute's type; other attributes parse VALUE as an HCL expression, e.g.
 * `assume_role={role_arn="…"}`); any other value names a `.tfbackend` HCL file (relative to `cwd`).
 */
export async function readBackendConfigArgs(
  cwd: string,
  items: readonly string[],
): Promise<BackendConfigArgsResult> {
  const out: BackendConfigArgsResult = { layers: [], files: [], diagnostics: [] };
  for (const [index, item] of items.entries()) {
    const eq = item.indexOf('=');
    if (eq === -1) {
      await readFile_(cwd, item, out);
      continue;
    }
    const name = item.slice(0, eq);
    const rawValue = item.slice(eq + 1);
    const spec = findAttribute(name);
    const argText = item;
    if (!spec || spec.type === 'string' || spec.type === 'bool' || spec.type === 'number') {
      out.layers.push({
        values: { [name]: { raw: rawValue, source: { kind: 'backend-config-arg', index }, argText } },
      });
      continue;
    }
    // Non-primitive: an HCL expression.
    const synth = `-backend-config="${item}"`;
    const r = await parseHcl(synth, `v = ${rawValue}\n`);
    if (!r.ok) {
      out.diagnostics.push({
        severity: 'error',
        summary: r.diagnostic.summary,
        detail: `Invalid backend configuration argument ${synth}: ${r.diagnostic.detail.replace(/^On .*? line \d+: /, '')}`,
        path: name,
      });
      continue;
    }
    const value = r.value.v;
    const dyn = findDynamicExpression(value);
    if (dyn) {
      out.diagnostics.push({
        severity: 'error',
        summary: dyn.summary,
        detail: `${synth}: ${dyn.detail}`,
        path: name,
      });
      continue;
    }
    out.layers.push({
      values: {
        [name]: { raw: unescapeTemplates(value), source: { kind: 'backend-config-arg', index }, argText },
      },
    });
  }
  return out;
}

async function readFile_(cwd: string, item: string, out: BackendConfigArgsResult): Promise<void> {
  const path = isAbsolute(item) ? item : resolve(cwd, item);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    out.diagnostics.push({
      severity: 'error',
      summary: 'Failed to read file',
      detail: `The file "${item}" could not be read.`,
    });
    return;
  }
  out.files.push(path);
  const r = await parseHcl(item, text);
  if (!r.ok) {
    out.diagnostics.push(r.diagnostic);
    return;
  }
  const pos = scanHclBodyPositions(text);
  const layer: ConfigLayer = { values: {} };
  for (const [name, raw] of Object.entries(r.value)) {
    const line = pos.attributes.get(name) ?? pos.nested.get(name);
    const dyn = findDynamicExpression(raw);
    if (dyn) {
      out.diagnostics.push({
        severity: 'error',
        summary: dyn.summary,
        detail: atLocation(item, line, dyn.detail),
        path: name,
      });
      continue;
    }
    layer.values[name] = {
      raw: unescapeTemplates(raw),
      source:
        line === undefined
          ? { kind: 'backend-config-file', file: item }
          : { kind: 'backend-config-file', file: item, line },
    };
  }
  out.layers.push(layer);
}
