import type { AwsClients } from '../aws/create-aws-clients.ts';
import { openBackend } from '../backend/open-backend.ts';
import type { S3Backend } from '../backend/s3-backend.ts';
import type { StateManager } from '../backend/state-manager.ts';
import { resolveBackendConfig, type ResolvedBackendConfig } from '../config/resolve-backend-config.ts';
import { validateWorkspaceName } from '../config/workspace-name.ts';
import { UsageError, type Diagnostic } from '../errors.ts';
import type { CommandContext } from './command-context.ts';
import { formatDiagnostic } from './io.ts';

/** An opened backend for one command run. */
export interface Session {
  config: ResolvedBackendConfig;
  backend: S3Backend;
  clients: AwsClients;
  /** The selected workspace. */
  workspace: string;
  /** The selected workspace's state manager (created when it is a new named workspace unless `create: false`). */
  manager(opts?: { create?: boolean; workspace?: string }): Promise<StateManager>;
  close(): void;
}

/**
 * Commands that only read state or workspaces. With a saved configuration (`.terraform/terraform.tfstate`
 * or `.s3state/backend.json`) they skip parsing `*.tf` for the "backend changed" warning, so the wasm
 * HCL parser is never started on their path.
 */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'state pull',
  'state list',
  'state show',
  'output',
  'workspace list',
  'workspace show',
]);

/** Resolves the configuration only (config warnings printed on stderr). */
export async function resolveConfig(
  ctx: CommandContext,
  opts: { ignoreSaved?: boolean } = {},
): Promise<ResolvedBackendConfig> {
  let config: ResolvedBackendConfig;
  try {
    config = await resolveBackendConfig({
      cwd: ctx.cwd,
      backendConfig: ctx.globals.backendConfig,
      env: ctx.io.env,
      ...(ctx.globals.workspace !== undefined ? { workspace: ctx.globals.workspace } : {}),
      ...(opts.ignoreSaved ? { ignoreSaved: true } : {}),
      ...(READ_ONLY_COMMANDS.has(ctx.command) ? { checkChanged: false } : {}),
    });
  } catch (e) {
    // A bad workspace name (from -workspace, TF_WORKSPACE or .terraform/environment) is bad input: exit 2.
    const diags = (e as { diagnostics?: Diagnostic[] }).diagnostics;
    const ws = diags?.find((d) => d.severity === 'error' && d.summary === 'Invalid workspace name');
    if (ws && diags?.every((d) => d.severity !== 'error' || d === ws)) {
      throw new UsageError(ws.summary, { detail: ws.detail, cause: e });
    }
    throw e;
  }
  for (const d of config.diagnostics) ctx.io.err(formatDiagnostic(d, ctx.io.color));
  return config;
}

/** Checks a workspace name with the peers' rule; a bad name is a usage error (exit 2). */
export function checkWorkspaceName(name: string): void {
  const d = validateWorkspaceName(name);
  if (d) throw new UsageError(d.summary, { detail: d.detail });
}

/**
 * Resolves the configuration of the working directory (flags, `*.tf`, `.terraform/`, environment),
 * prints its warnings on stderr, and opens the backend with AWS clients.
 */
export async function openSession(
  ctx: CommandContext,
  opts: { ignoreSaved?: boolean } = {},
): Promise<Session> {
  const config = await resolveConfig(ctx, opts);
  const workspace = config.workspace.name;
  checkWorkspaceName(workspace);
  const warn = (message: string): void =>
    ctx.io.err(formatDiagnostic({ severity: 'warning', summary: message, detail: '' }, ctx.io.color));
  // Config warnings were printed above in the peers' form; the library only reports what comes later.
  const { backend, clients } = await openBackend({
    config: { ...config, diagnostics: [] },
    env: ctx.io.env,
    reporter: (e) => {
      if (e.level === 'warn') warn(e.message);
      else if (e.level === 'info' && ctx.io.stderrIsTTY) ctx.io.err(`${e.message}\n`);
    },
  });
  return {
    config,
    backend,
    clients,
    workspace,
    manager: (o = {}) => backend.stateManager(o.workspace ?? workspace, { create: o.create ?? true }),
    close: () => clients.destroy(),
  };
}

/** Runs `fn` with an open session and always closes it. */
export async function withSession<T>(
  ctx: CommandContext,
  fn: (s: Session) => Promise<T>,
  opts: { ignoreSaved?: boolean } = {},
): Promise<T> {
  const s = await openSession(ctx, opts);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}
