import { StateError } from '../errors.ts';
import type { ResolvedBackendConfig } from '../config/resolve-backend-config.ts';
import { toPlain } from '../state/raw-json.ts';
import { openBackend, type OpenBackendOptions } from './open-backend.ts';

/** One root-module output as `terraform_remote_state` exposes it. */
export interface RemoteOutput {
  /** The value as plain JS (integers beyond 2^53 as `bigint`, never rounded). */
  value: unknown;
  /** The cty type as JSON (`"string"`, `["object", {...}]`, …). */
  type: unknown;
  /** Whether the output is sensitive (the value is still returned, as the data source does). */
  sensitive: boolean;
}

/** Options of {@link readOutputs}. */
export interface ReadOutputsOptions {
  /** A resolved configuration, or how to resolve one (`cwd`, `backendConfig`, `env`, …). */
  config: ResolvedBackendConfig | Omit<OpenBackendOptions, 'config' | 'workspace'>;
  /** Workspace to read. @default the configuration's selected workspace */
  workspace?: string;
  /** @default silent */
  reporter?: OpenBackendOptions['reporter'];
}

function isResolved(c: ReadOutputsOptions['config']): c is ResolvedBackendConfig {
  return 'settings' in c && 'aws' in c;
}

/**
 * The `terraform_remote_state` data source for Node: reads a workspace's state (digest-checked, no
 * lock, nothing written or created) and returns its root outputs. A workspace without state fails
 * with the data source's `Unable to find remote state`.
 */
export async function readOutputs(opts: ReadOutputsOptions): Promise<Record<string, RemoteOutput>> {
  const opened = await openBackend({
    ...(isResolved(opts.config) ? { config: opts.config } : opts.config),
    ...(opts.workspace !== undefined ? { workspace: opts.workspace } : {}),
    ...(opts.reporter ? { reporter: opts.reporter } : {}),
  });
  try {
    const ws = opts.workspace ?? opened.config.workspace.name;
    const mgr = await opened.backend.stateManager(ws, { create: false });
    const read = await mgr.read();
    if (!read) {
      throw new StateError('Unable to find remote state', {
        detail: `No stored state was found for the given workspace in the given backend (workspace "${ws}", s3://${opened.config.settings.bucket}/${mgr.stateKey}).`,
      });
    }
    const out: Record<string, RemoteOutput> = {};
    for (const [name, o] of read.state.outputs) {
      out[name] = { value: toPlain(o.value), type: toPlain(o.type), sensitive: o.sensitive };
    }
    return out;
  } finally {
    opened.close();
  }
}
