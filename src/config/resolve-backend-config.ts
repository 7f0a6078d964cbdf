import { resolve } from 'node:path';
import type { AwsOptions } from '../aws/aws-options.ts';
import type { BackendSettings } from '../backend/backend-settings.ts';
import { ConfigError, type Diagnostic } from '../errors.ts';
import type { Flavor } from './backend-attributes.ts';
import {
  applyEnvAndDefaults,
  deprecatedEnvWarnings,
  resolveEndpoints,
  toAwsOptions,
  toBackendSettings,
  type EndpointService,
} from './build-backend-options.ts';
import { mergeLayers, type ConfigLayer, type ResolvedValue } from './config-layer.ts';
import { INIT_RECORD_FILE, readInitRecord } from './init-record.ts';
import { atLocation } from './parse-hcl.ts';
import { readBackendBlocks, type FoundBackendBlock } from './read-backend-blocks.ts';
import { readBackendConfigArgs } from './read-backend-config-args.ts';
import { readTerraformDir } from './read-terraform-dir.ts';
import { validateBackendConfig } from './validate-backend-config.ts';
import type { ValueSource } from './value-source.ts';
import { validateWorkspaceName } from './workspace-name.ts';

export type { ResolvedValue } from './config-layer.ts';
export type { ValueSource } from './value-source.ts';

/** Options of {@link resolveBackendConfig}. */
export interface ResolveOptions {
  /** Working directory: where `*.tf`, `.terraform/` and `.s3state/` are looked for. */
  cwd: string;
  /** Raw `-backend-config` values in order: `FILE` or `KEY=VALUE`. @default [] */
  backendConfig?: string[] | undefined;
  /** Environment variables. @default process.env */
  env?: Record<string, string | undefined> | undefined;
  /** Workspace from a `-workspace` flag (beats `TF_WORKSPACE` and `.terraform/environment`). */
  workspace?: string | undefined;
  /** Whose wording and rules to follow. @default 'opentofu' */
  flavor?: Flavor | undefined;
  /** Ignore `.terraform/terraform.tfstate` and `.s3state/backend.json` (use `*.tf` + args only). @default false */
  ignoreSaved?: boolean | undefined;
  /**
   * When a saved configuration is used (`.terraform/terraform.tfstate` from `terraform init`, or the
   * `.s3state/` record of `s3state init`), also parse the `*.tf` files to warn if their backend block
   * changed. Parsing loads the wasm HCL parser (~0.1–0.3 s); pass `false` for fast read-only commands.
   * @default true
   */
  checkChanged?: boolean | undefined;
}

/** The resolved configuration: typed values with sources, and what the core and the AWS factory need. */
export interface ResolvedBackendConfig {
  /** Every attribute that is set (by configuration, environment or default), by name; nested blocks as objects. */
  values: Record<string, ResolvedValue>;
  /** What the core needs (src/backend/backend-settings.ts). */
  settings: BackendSettings;
  /** What the AWS client factory needs; endpoints resolved with the §1.3 precedence. */
  aws: AwsOptions;
  /** Resolved endpoint per service, with its source (as written, before `https://` is added). */
  endpoints: Partial<Record<EndpointService, ResolvedValue>>;
  /** Selected workspace and where it came from. */
  workspace: { name: string; source: ValueSource };
  /** Warnings (errors are thrown as ConfigError). */
  diagnostics: Diagnostic[];
  /** Absolute paths of the files read. */
  files: string[];
  /** Which configuration was used: `*.tf` + `-backend-config`, the saved `.terraform` one, or s3state's record. */
  origin: 'configuration' | 'terraform-dir' | 'init-record';
  /** The flavor the configuration was resolved with. */
  flavor: Flavor;
}

const STRUCTURAL = new Set([
  'Duplicate backend configuration',
  'Unsupported backend type',
  'Invalid saved backend configuration',
]);

function plainValues(values: Record<string, ResolvedValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.value]));
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function isEmptyLayer(l: ConfigLayer | undefined): boolean {
  return !l || Object.keys(l.values).length === 0;
}

/**
 * Resolves the `s3` backend configuration of a working directory the way `tofu`/`terraform` do, and
 * remembers where every value came from.
 *
 * Which configuration is used:
 * 1. when `-backend-config` values are given, or `ignoreSaved`, or nothing is saved: the `backend "s3"`
 *    block of the `*.tf` / `*.tf.json` files, overridden by each `-backend-config` in order (later wins);
 * 2. else the configuration `terraform init` / `tofu init` saved in `.terraform/terraform.tfstate`
 *    (a warning says so when the `*.tf` block sets different values);
 * 3. else s3state's own `.s3state/backend.json` (written by {@link writeInitRecord}).
 *
 * Each attribute left unset then falls back to its environment variables, then its default
 * (see {@link applyEnvAndDefaults}); endpoints follow {@link resolveEndpoints}.
 *
 * Workspace:
 * 1. `workspace` option (the `-workspace` flag);
 * 2. `TF_WORKSPACE`;
 * 3. `.terraform/environment` (the data directory is `TF_DATA_DIR` when set, as in the peers);
 * 4. the workspace recorded by `s3state init`;
 * 5. `default`.
 *
 * Only this function and its readers touch the file system; nothing is written.
 * @throws ConfigError with every diagnostic when the configuration is rejected.
 */
export async function resolveBackendConfig(opts: ResolveOptions): Promise<ResolvedBackendConfig> {
  const env = opts.env ?? process.env;
  const flavor: Flavor = opts.flavor ?? 'opentofu';
  const cwd = resolve(opts.cwd);
  const args = opts.backendConfig ?? [];
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const fail = (extra: Diagnostic[] = []): never => {
    throw new ConfigError([...diagnostics, ...extra]);
  };

  // Read .terraform first: with a saved configuration and no -backend-config, the *.tf files only
  // serve the "changed" warning, which callers may skip.
  const tfDir = await readTerraformDir(cwd, env.TF_DATA_DIR || '.terraform');
  const rec = tfDir.saved ? { diagnostics: [] } : await readInitRecord(cwd);
  const savedWins =
    !opts.ignoreSaved && args.length === 0 && (tfDir.saved !== undefined || rec.layer !== undefined);
  const blocksR =
    savedWins && opts.checkChanged === false
      ? { blocks: [], files: [], diagnostics: [] }
      : await readBackendBlocks(cwd);
  files.push(...blocksR.files);
  diagnostics.push(...blocksR.diagnostics);
  // Override files are merged after the others; their backend block replaces the original entirely.
  const blocks = blocksR.blocks.filter((b) => !b.override);
  const overrides = blocksR.blocks.filter((b) => b.override);
  if (blocks.length > 1) {
    const first = blocks[0] as FoundBackendBlock;
    for (const dup of blocks.slice(1)) {
      diagnostics.push({
        severity: 'error',
        summary: 'Duplicate backend configuration',
        detail: atLocation(
          dup.file,
          dup.decl.line,
          `A module may have only one backend configuration. The backend was previously configured at ${first.file}:${first.decl.line},${first.decl.column}-${first.decl.endColumn}.`,
        ),
      });
    }
  }
  const block = overrides[overrides.length - 1] ?? blocks[0];
  if (block && block.type !== 's3') {
    diagnostics.push({
      severity: 'error',
      summary: 'Unsupported backend type',
      detail: atLocation(
        block.file,
        block.decl.line,
        block.type === 'cloud'
          ? 'The configuration uses a "cloud" block (HCP Terraform); s3state works only with backend "s3".'
          : `The configuration uses backend "${block.type}"; s3state works only with backend "s3".`,
      ),
    });
  }

  const argsR = await readBackendConfigArgs(cwd, args);
  files.push(...argsR.files);
  diagnostics.push(...argsR.diagnostics);

  files.push(...tfDir.files);
  diagnostics.push(...tfDir.diagnostics);
  if (rec.path) files.push(rec.path);

  let origin: ResolvedBackendConfig['origin'] = 'configuration';
  if (!opts.ignoreSaved && args.length === 0) {
    if (tfDir.saved) origin = 'terraform-dir';
    else if (rec.layer) origin = 'init-record';
    else diagnostics.push(...rec.diagnostics);
  }
  if (origin === 'terraform-dir' && tfDir.saved && tfDir.saved.type !== 's3') {
    diagnostics.push({
      severity: 'error',
      summary: 'Unsupported backend type',
      detail: `${tfDir.savedFile} records backend "${tfDir.saved.type}"; s3state works only with backend "s3".`,
    });
  }
  // Structural problems (no usable s3 block) stop here; value problems are collected across all sources.
  if (diagnostics.some((d) => d.severity === 'error' && STRUCTURAL.has(d.summary))) fail();

  let layers: ConfigLayer[];
  if (origin === 'terraform-dir') layers = [tfDir.saved?.layer ?? { values: {} }];
  else if (origin === 'init-record') layers = [rec.layer ?? { values: {} }];
  else layers = [...(block ? [block.layer] : []), ...argsR.layers];

  if (origin === 'configuration' && !block && args.length === 0) {
    // A file that failed to parse may hold the block: report that, not a missing block.
    if (diagnostics.some((d) => d.severity === 'error')) fail();
    fail([
      {
        severity: 'error',
        summary: 'No backend configuration found',
        detail:
          `No backend "s3" block was found in the *.tf files of ${cwd}, no -backend-config was given, and the ` +
          `directory has no ${tfDir.savedFile} (from "terraform init") or ${INIT_RECORD_FILE} (from "s3state init").`,
      },
    ]);
  }

  const merged = mergeLayers(layers, flavor);
  diagnostics.push(...merged.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) fail();

  // A saved configuration wins over the *.tf block, as in later terraform commands; say when they differ.
  if (origin !== 'configuration' && block && !isEmptyLayer(block.layer)) {
    const fromTf = mergeLayers([block.layer], flavor);
    const changed = Object.entries(fromTf.values)
      .filter(([name, v]) => canonical(merged.values[name]?.value ?? null) !== canonical(v.value))
      .map(([name]) => name);
    if (changed.length > 0) {
      const savedFile = origin === 'terraform-dir' ? tfDir.savedFile : INIT_RECORD_FILE;
      diagnostics.push({
        severity: 'warning',
        summary: 'Backend configuration changed',
        detail:
          `The backend block in ${block.file} (line ${block.decl.line}) differs from the configuration saved in ` +
          `${savedFile} in: ${changed.join(', ')}. s3state uses the saved configuration, like terraform after ` +
          `"init"; run "terraform init -reconfigure" (or pass -backend-config) to use the new one.`,
      });
    }
  }

  diagnostics.push(...validateBackendConfig(plainValues(merged.values), env, flavor));
  diagnostics.push(...deprecatedEnvWarnings(env, flavor));
  if (diagnostics.some((d) => d.severity === 'error')) fail();

  const values = applyEnvAndDefaults(merged.values, env, flavor);
  const endpoints = resolveEndpoints(values, env, flavor);

  let workspace: { name: string; source: ValueSource };
  if (opts.workspace !== undefined)
    workspace = { name: opts.workspace, source: { kind: 'flag', name: '-workspace' } };
  else if (env.TF_WORKSPACE)
    workspace = { name: env.TF_WORKSPACE, source: { kind: 'env', name: 'TF_WORKSPACE' } };
  else if (tfDir.environment) {
    workspace = {
      name: tfDir.environment,
      source: { kind: 'terraform-dir', file: tfDir.environmentFile },
    };
  } else if (rec.record?.workspace) {
    workspace = { name: rec.record.workspace, source: { kind: 'init-record', file: INIT_RECORD_FILE } };
  } else workspace = { name: 'default', source: { kind: 'default' } };
  const wsDiag = validateWorkspaceName(workspace.name);
  if (wsDiag) fail([wsDiag]);

  return {
    values,
    settings: toBackendSettings(values),
    aws: toAwsOptions(values, endpoints, env, flavor),
    endpoints,
    workspace,
    diagnostics,
    files,
    origin,
    flavor,
  };
}
