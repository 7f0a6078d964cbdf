import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../errors.ts';
import type { ConfigLayer } from './config-layer.ts';
import { atLocation, findDynamicExpression, parseHcl, unescapeTemplates } from './parse-hcl.ts';
import { scanHclBackendBlocks, type DeclPosition, type ScannedBackendBlock } from './scan-hcl-positions.ts';

/** A `backend "T" {}` / `cloud {}` block found in a configuration directory. */
export interface FoundBackendBlock {
  /** Backend type (`s3`, `gcs`, …; `cloud` for a `cloud {}` block). */
  type: string;
  /** File name relative to the directory (e.g. `main.tf`). */
  file: string;
  /** Absolute path of the file. */
  path: string;
  decl: DeclPosition;
  /** The block's attributes with their sources (lines). */
  layer: ConfigLayer;
  /** Found in an override file (`override.tf`, `*_override.tf`, `.tf.json` likewise). */
  override: boolean;
}

/** Terraform's override file names: `override.tf`, `x_override.tf` (and `.tf.json`). */
export function isOverrideFile(name: string): boolean {
  const base = name.replace(/\.tf(\.json)?$/, '');
  return base === 'override' || base.endsWith('_override');
}

/** What {@link readBackendBlocks} found. */
export interface BackendBlocksResult {
  blocks: FoundBackendBlock[];
  /** Absolute paths of the files read. */
  files: string[];
  /** Parse errors and dynamic expressions (errors). */
  diagnostics: Diagnostic[];
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects `{type, body}` pairs from the JSON form of a file, in file order. */
function backendBodies(doc: Record<string, unknown>): { type: string; body: Record<string, unknown> }[] {
  const out: { type: string; body: Record<string, unknown> }[] = [];
  for (const tf of asArray(doc.terraform)) {
    if (!isObject(tf)) continue;
    for (const backend of asArray(tf.backend)) {
      if (!isObject(backend)) continue;
      for (const [type, bodies] of Object.entries(backend)) {
        for (const body of asArray(bodies)) if (isObject(body)) out.push({ type, body });
      }
    }
    for (const body of asArray(tf.cloud)) if (isObject(body)) out.push({ type: 'cloud', body });
  }
  return out;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Approximate positions for a `.tf.json` file: the line of `"backend"` / `"cloud"` and of each attribute key. */
function scanJsonPositions(
  text: string,
  bodies: { type: string; body: Record<string, unknown> }[],
): ScannedBackendBlock[] {
  const out: ScannedBackendBlock[] = [];
  let from = 0;
  for (const { type, body } of bodies) {
    const key = type === 'cloud' ? '"cloud"' : `"${type}"`;
    const at = text.indexOf(key, from);
    const idx = at === -1 ? from : at;
    const line = lineOf(text, idx);
    const attributes = new Map<string, number>();
    for (const name of Object.keys(body)) {
      const a = text.indexOf(`"${name}"`, idx + 1);
      attributes.set(name, a === -1 ? line : lineOf(text, a));
    }
    out.push({
      type,
      decl: { line, column: 1, endColumn: 1 },
      attributes,
      nested: new Map<string, number>(),
    });
    from = idx + 1;
  }
  return out;
}

/**
 * Reads the `backend` (and `cloud`) blocks of the `terraform {}` blocks in the `*.tf` and `*.tf.json`
 * files of `dir` (files in name order, as Terraform loads them; blocks from override files are marked). HCL is parsed with HashiCorp's parser;
 * positions come from {@link scanHclBackendBlocks}. Files that do not mention `terraform` are skipped.
 */
export async function readBackendBlocks(dir: string): Promise<BackendBlocksResult> {
  const result: BackendBlocksResult = { blocks: [], files: [], diagnostics: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.tf') || n.endsWith('.tf.json')).sort();
  } catch {
    return result;
  }
  for (const name of names) {
    const path = join(dir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    if (!text.includes('terraform')) continue;
    result.files.push(path);
    let doc: Record<string, unknown>;
    let positions: ScannedBackendBlock[];
    if (name.endsWith('.tf.json')) {
      try {
        const parsed: unknown = JSON.parse(text);
        doc = isObject(parsed) ? parsed : {};
      } catch (e) {
        result.diagnostics.push({
          severity: 'error',
          summary: 'Invalid JSON',
          detail: atLocation(name, undefined, (e as Error).message),
        });
        continue;
      }
      positions = scanJsonPositions(text, backendBodies(doc));
    } else {
      // The scanner is cheap; the wasm parser is not (~100 ms a call). Parse only files with a block.
      if (scanHclBackendBlocks(text).length === 0) continue;
      const r = await parseHcl(name, text);
      if (!r.ok) {
        result.diagnostics.push(r.diagnostic);
        continue;
      }
      doc = r.value;
      positions = scanHclBackendBlocks(text);
    }
    const bodies = backendBodies(doc);
    bodies.forEach(({ type, body }, i) => {
      // Positions and bodies are both in file order; match them by type and occurrence.
      const fallback: ScannedBackendBlock = {
        type,
        decl: { line: 1, column: 1, endColumn: 1 },
        attributes: new Map<string, number>(),
        nested: new Map<string, number>(),
      };
      const pos: ScannedBackendBlock =
        positions.filter((p) => p.type === type)[bodies.slice(0, i).filter((b) => b.type === type).length] ??
        fallback;
      const layer: ConfigLayer = { values: {} };
      for (const [attr, raw] of Object.entries(body)) {
        const line = pos.attributes.get(attr) ?? pos.nested.get(attr) ?? pos.decl.line;
        const dyn = findDynamicExpression(raw);
        if (dyn) {
          result.diagnostics.push({
            severity: 'error',
            summary: dyn.summary,
            detail: atLocation(name, line, dyn.detail),
            path: attr,
          });
          continue;
        }
        const nestedLines: Record<string, number> = {};
        for (const [k, l] of pos.nested) if (k.startsWith(`${attr}.`)) nestedLines[k] = l;
        layer.values[attr] = {
          raw: unescapeTemplates(raw),
          source: { kind: 'hcl', file: name, line },
          nestedLines,
        };
      }
      result.blocks.push({ type, file: name, path, decl: pos.decl, layer, override: isOverrideFile(name) });
    });
  }
  return result;
}
