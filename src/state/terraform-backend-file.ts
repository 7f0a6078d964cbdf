import { StateError } from '../errors.ts';
import { goMarshal } from './go-json.ts';
import { JsonSyntaxError, parseJson } from './parse-json.ts';
import { rawGet, toPlain } from './raw-json.ts';
import type { RawJson } from './raw-json.ts';

/**
 * The working directory's backend record, `.terraform/terraform.tfstate`, written by `init`.
 * - `current` (Terraform ≥ 1.9): `{version: 3, terraform_version, backend: {type, config, hash}}`,
 *   2-space indent, no trailing newline.
 * - `legacy` (before 1.9): the v3 state struct (`serial`, `lineage`, `backend`, `modules`), 4-space
 *   indent + `"\n"`.
 */
export interface BackendFile {
  /** Which writer produced it (decides how {@link writeBackendFile} lays it out). */
  layout: 'current' | 'legacy';
  /** Backend type, e.g. `s3`. */
  type: string;
  /** The backend configuration as plain values (integers beyond 2^53 become `bigint`). */
  config: Record<string, unknown>;
  /** The configuration exactly as stored (key order, number text). */
  configRaw: RawJson;
  /** The configuration hash, a uint64 in decimal (exact; may exceed 2^53). */
  hash: string;
  /** `terraform_version` when present. */
  terraformVersion?: string | undefined;
  /** The whole document, for byte-exact rewriting. */
  document: RawJson;
}

function bad(detail: string, cause?: unknown): StateError {
  return new StateError('Invalid backend state file', {
    detail: `The file .terraform/terraform.tfstate ${detail}`,
    hint: 'Run "terraform init -reconfigure" to write it again.',
    cause,
  });
}

/**
 * Parses `.terraform/terraform.tfstate` (either layout). Throws a `StateError` naming the problem
 * when it is not JSON or has no `backend` object.
 */
export function parseBackendFile(bytes: Uint8Array | string): BackendFile {
  const text =
    typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let doc: RawJson;
  try {
    doc = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw bad(`could not be parsed as JSON: syntax error at byte offset ${e.offset}.`, e);
    }
    throw e;
  }
  const backend = rawGet(doc, 'backend');
  if (backend?.kind !== 'object') throw bad('has no "backend" object.');
  const type = rawGet(backend, 'type');
  if (type?.kind !== 'string') throw bad('has no backend "type".');
  const configRaw = rawGet(backend, 'config') ?? { kind: 'null' };
  const config = configRaw.kind === 'object' ? (toPlain(configRaw) as Record<string, unknown>) : {};
  const hash = rawGet(backend, 'hash');
  if (hash !== undefined && hash.kind !== 'number') throw bad('has a backend "hash" that is not a number.');
  const tv = rawGet(doc, 'terraform_version');
  const legacy = rawGet(doc, 'modules') !== undefined || rawGet(doc, 'lineage') !== undefined;
  return {
    layout: legacy ? 'legacy' : 'current',
    type: type.value,
    config,
    configRaw,
    hash: hash?.text ?? '0',
    terraformVersion: tv?.kind === 'string' ? tv.value : undefined,
    document: doc,
  };
}

/** Writes a parsed backend file back in its own layout (byte-identical for files written by Terraform). */
export function writeBackendFile(b: BackendFile): string {
  return b.layout === 'legacy' ? goMarshal(b.document, '    ') + '\n' : goMarshal(b.document, '  ');
}
