import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../errors.ts';
import type { ConfigLayer } from './config-layer.ts';

/** The backend configuration `terraform init` / `tofu init` saved in `.terraform/terraform.tfstate`. */
export interface SavedBackend {
  /** Backend type (`s3`, `gcs`, …). */
  type: string;
  /** `terraform_version` of the writer, when present (absent before 1.9). */
  terraformVersion?: string | undefined;
  /** The saved `config` object (every attribute, nulls for unset). */
  config: Record<string, unknown>;
  /** The uint64 `hash`, kept exact as a decimal string (it can exceed 2^53). */
  hash: string | undefined;
  /** Display path (`.terraform/terraform.tfstate`). */
  file: string;
  /** The config as a merge layer. */
  layer: ConfigLayer;
}

/** What {@link readTerraformDir} found in `<dir>/.terraform`. */
export interface TerraformDirResult {
  saved?: SavedBackend | undefined;
  /** Contents of `.terraform/environment` (trimmed), when present and non-empty. */
  environment?: string | undefined;
  /** Display path of the saved backend file (`.terraform/terraform.tfstate`, or under `TF_DATA_DIR`). */
  savedFile: string;
  /** Display path of the selected-workspace file. */
  environmentFile: string;
  files: string[];
  diagnostics: Diagnostic[];
}

/** Display path of the saved backend file, relative to the working directory. */
export const SAVED_BACKEND_FILE = '.terraform/terraform.tfstate';
/** Display path of the selected-workspace file, relative to the working directory. */
export const ENVIRONMENT_FILE = '.terraform/environment';

/**
 * Parses the text of `.terraform/terraform.tfstate`. Accepts both shapes: the 1.9+ one
 * (`{version, terraform_version, backend{type,config,hash}}`) and the legacy v3 state struct
 * (`serial`, `lineage`, `backend`, `modules`). Returns undefined when no `backend` is recorded.
 * @throws SyntaxError on invalid JSON.
 */
export function parseSavedBackend(text: string, file = SAVED_BACKEND_FILE): SavedBackend | undefined {
  const doc = JSON.parse(text) as { terraform_version?: unknown; backend?: unknown };
  const backend = doc.backend as { type?: unknown; config?: unknown } | null | undefined;
  if (!backend || typeof backend.type !== 'string' || backend.type === '') return undefined;
  const config =
    typeof backend.config === 'object' && backend.config !== null && !Array.isArray(backend.config)
      ? (backend.config as Record<string, unknown>)
      : {};
  // JSON.parse would round the uint64 hash; take its digits from the text instead.
  const m = /"hash"\s*:\s*(\d+)/.exec(text);
  const layer: ConfigLayer = { values: {} };
  for (const [k, v] of Object.entries(config))
    layer.values[k] = { raw: v, source: { kind: 'terraform-dir', file } };
  return {
    type: backend.type,
    terraformVersion: typeof doc.terraform_version === 'string' ? doc.terraform_version : undefined,
    config,
    hash: m?.[1],
    file,
    layer,
  };
}

/**
 * Reads `<dir>/<dataDir>/terraform.tfstate` and `<dir>/<dataDir>/environment` (never writes them).
 * @param dataDir the data directory, `TF_DATA_DIR` when set (relative to `dir` unless absolute). @default '.terraform'
 */
export async function readTerraformDir(dir: string, dataDir = '.terraform'): Promise<TerraformDirResult> {
  const savedFile = `${dataDir.replace(/\/+$/, '')}/terraform.tfstate`;
  const environmentFile = `${dataDir.replace(/\/+$/, '')}/environment`;
  const base = resolve(dir, dataDir);
  const out: TerraformDirResult = { savedFile, environmentFile, files: [], diagnostics: [] };
  const statePath = join(base, 'terraform.tfstate');
  let text: string | undefined;
  try {
    text = await readFile(statePath, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    out.files.push(statePath);
    try {
      out.saved = parseSavedBackend(text, savedFile);
    } catch (e) {
      out.diagnostics.push({
        severity: 'error',
        summary: 'Invalid saved backend configuration',
        detail: `${savedFile} is not valid JSON (${(e as Error).message}). Run "terraform init" again or remove the file.`,
      });
    }
  }
  try {
    const env = (await readFile(join(base, 'environment'), 'utf8')).trim();
    out.files.push(join(base, 'environment'));
    if (env !== '') out.environment = env;
  } catch {
    // No selected workspace recorded.
  }
  return out;
}
