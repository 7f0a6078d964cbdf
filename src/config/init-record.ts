import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../errors.ts';
import type { ConfigLayer } from './config-layer.ts';
import { findAttribute } from './backend-attributes.ts';

/** Display path of s3state's own init record, relative to the working directory. */
export const INIT_RECORD_FILE = '.s3state/backend.json';

/**
 * Shape of `.s3state/backend.json`, written by `s3state init` where there is no `.terraform/`
 * directory. Secrets are never written: `secret_key`, `token`, `sse_customer_key` and web identity
 * tokens must come from the configuration or the environment again.
 */
export interface InitRecord {
  /** Format version of this file. */
  version: 1;
  /** Always `s3`. */
  type: 's3';
  /** ISO time of `s3state init`. */
  created: string;
  /** Explicitly configured attributes (defaults and env values are not recorded). */
  config: Record<string, unknown>;
  /** Workspace selected at init time, when not `default`. */
  workspace?: string;
}

/** The part of a resolved configuration {@link writeInitRecord} needs. */
export interface InitRecordInput {
  values: Record<string, { value: unknown; source: { kind: string } }>;
  workspace?: { name: string } | undefined;
}

/**
 * Writes `<dir>/.s3state/backend.json` from a resolved configuration (atomically: temp file + rename).
 * Only values from configuration sources are kept (not env, not defaults), and never secrets.
 * Never touches `.terraform/`. Returns the absolute path written.
 */
export async function writeInitRecord(dir: string, resolved: InitRecordInput): Promise<string> {
  const config: Record<string, unknown> = {};
  for (const [name, rv] of Object.entries(resolved.values)) {
    if (rv.source.kind === 'env' || rv.source.kind === 'default') continue;
    const spec = findAttribute(name);
    if (spec?.sensitive === 'secret') continue;
    if (name === 'assume_role_with_web_identity' && typeof rv.value === 'object' && rv.value !== null) {
      const { web_identity_token: _omit, ...rest } = rv.value as Record<string, unknown>;
      config[name] = rest;
      continue;
    }
    config[name] = rv.value;
  }
  const record: InitRecord = { version: 1, type: 's3', created: new Date().toISOString(), config };
  if (resolved.workspace && resolved.workspace.name !== 'default') record.workspace = resolved.workspace.name;
  const folder = join(dir, '.s3state');
  await mkdir(folder, { recursive: true });
  const path = join(folder, 'backend.json');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
  return path;
}

/** What {@link readInitRecord} found. */
export interface InitRecordResult {
  record?: InitRecord | undefined;
  layer?: ConfigLayer | undefined;
  path?: string | undefined;
  diagnostics: Diagnostic[];
}

/** Reads `<dir>/.s3state/backend.json` when present. */
export async function readInitRecord(dir: string): Promise<InitRecordResult> {
  const path = join(dir, '.s3state', 'backend.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { diagnostics: [] };
  }
  try {
    const rec = JSON.parse(text) as Partial<InitRecord>;
    if (rec.version !== 1 || typeof rec.config !== 'object' || rec.config === null) {
      throw new Error('unsupported format');
    }
    const layer: ConfigLayer = { values: {} };
    for (const [k, v] of Object.entries(rec.config)) {
      layer.values[k] = { raw: v, source: { kind: 'init-record', file: INIT_RECORD_FILE } };
    }
    return { record: rec as InitRecord, layer, path, diagnostics: [] };
  } catch (e) {
    return {
      path,
      diagnostics: [
        {
          severity: 'error',
          summary: 'Invalid s3state init record',
          detail: `${INIT_RECORD_FILE} could not be read (${(e as Error).message}). Run "s3state init" again.`,
        },
      ],
    };
  }
}
