import { createAwsClients, type AwsClients } from '../aws/create-aws-clients.ts';
import {
  resolveBackendConfig,
  type ResolveOptions,
  type ResolvedBackendConfig,
} from '../config/resolve-backend-config.ts';
import type { Clock } from '../remote/clock.ts';
import { silentReporter, type CoreReporter } from '../remote/reporter.ts';
import type { StateFlavor } from '../state/state-file.ts';
import { S3Backend } from './s3-backend.ts';
import type { StateManager } from './state-manager.ts';

/** Options of {@link openBackend}: where the configuration comes from, plus the core's collaborators. */
export interface OpenBackendOptions extends Partial<ResolveOptions> {
  /** Use this already-resolved configuration instead of resolving one. */
  config?: ResolvedBackendConfig;
  /** Progress and warnings (core and AWS factory). @default silent */
  reporter?: CoreReporter;
  /** @default the system clock */
  clock?: Clock;
  /** Writer imitated for states s3state serialises. @default 'terraform' */
  stateFlavor?: StateFlavor;
}

/** An opened backend: the typed {@link S3Backend}, its configuration, and the AWS clients behind it. */
export interface OpenedBackend {
  backend: S3Backend;
  config: ResolvedBackendConfig;
  clients: AwsClients;
  /** The state manager of the configuration's selected workspace (created like the peers do). */
  stateManager(): Promise<StateManager>;
  /** Closes the AWS clients. */
  close(): void;
}

/**
 * Resolves the `s3` backend configuration of `cwd` (or takes `config`), builds the AWS clients and
 * returns the backend. DynamoDB is only contacted when `dynamodb_table` is set.
 */
export async function openBackend(opts: OpenBackendOptions = {}): Promise<OpenedBackend> {
  const reporter = opts.reporter ?? silentReporter;
  const config =
    opts.config ??
    (await resolveBackendConfig({
      cwd: opts.cwd ?? process.cwd(),
      ...(opts.backendConfig ? { backendConfig: opts.backendConfig } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.workspace !== undefined ? { workspace: opts.workspace } : {}),
      ...(opts.flavor ? { flavor: opts.flavor } : {}),
      ...(opts.ignoreSaved !== undefined ? { ignoreSaved: opts.ignoreSaved } : {}),
    }));
  for (const d of config.diagnostics) {
    if (d.severity === 'warning') reporter({ level: 'warn', message: `${d.summary}: ${d.detail}` });
  }
  const clients = createAwsClients(config.aws, {
    ...(opts.env ? { env: opts.env } : {}),
    reporter: (e) => reporter({ level: e.kind === 'warning' ? 'warn' : 'debug', message: e.message }),
  });
  const backend = new S3Backend({
    settings: config.settings,
    s3: clients.s3Facade(),
    dynamodb: config.settings.dynamodbTable ? clients.dynamodbFacade() : undefined,
    reporter,
    clock: opts.clock,
    flavor: opts.stateFlavor,
  });
  const workspace = opts.workspace ?? config.workspace.name;
  return {
    backend,
    config,
    clients,
    stateManager: () => backend.stateManager(workspace),
    close: () => clients.destroy(),
  };
}
