import type { OptionSpec } from './args.ts';
import type { CommandContext } from './command-context.ts';

/** What a command module exports. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}

/** One command of the CLI: its words, usage, help text, options and a lazy loader. */
export interface CommandEntry {
  /** Command words, e.g. `state push`. */
  name: string;
  usage: string;
  summary: string;
  /** Longer help (options are listed from `options`). */
  help: string;
  options: Record<string, OptionSpec>;
  /** Which global flags matter for this command (listed in its help). */
  globals: string[];
  load(): Promise<CommandModule>;
}

const BACKEND_GLOBALS = ['chdir', 'backend-config', 'workspace'];
const LOCK_GLOBALS = ['lock', 'lock-timeout'];

/** Every command, in the order `s3state help` lists them. */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'init',
    usage: 's3state init [options]',
    summary: 'Check the s3 backend configuration and prepare the working directory',
    help:
      'Resolves and validates the s3 backend configuration (backend block in *.tf, -backend-config, the\n' +
      '.terraform/ directory left by `terraform init`, environment), checks that the bucket and the lock table\n' +
      'are reachable, creates the selected workspace when absent, and records the resolved configuration in\n' +
      ".s3state/ when the directory has no .terraform/ (terraform's own files are never written).\n\n" +
      'With -migrate-state, copies local state (terraform.tfstate and terraform.tfstate.d/<ws>/terraform.tfstate)\n' +
      'into the s3 backend under the lock, keeping lineage and serial; the local files stay as backups.',
    options: {
      'migrate-state': { type: 'boolean', description: 'Copy existing local state into the s3 backend.' },
      'force-copy': {
        type: 'boolean',
        description: 'With -migrate-state: do not ask, and overwrite a different non-empty remote state.',
      },
      show: { type: 'boolean', description: 'Only print the resolved configuration (as `s3state config`).' },
    },
    globals: [...BACKEND_GLOBALS, ...LOCK_GLOBALS, 'json', 'input'],
    load: () => import('./commands/init.ts'),
  },
  {
    name: 'config',
    usage: 's3state config [options]',
    summary: 'Show the resolved backend configuration and where each value came from',
    help: 'Prints every resolved attribute with its source (file and line, -backend-config, environment,\ndefault). Secrets are masked.',
    options: {},
    globals: [...BACKEND_GLOBALS, 'json'],
    load: () => import('./commands/config.ts'),
  },
  {
    name: 'workspace list',
    usage: 's3state workspace list [options]',
    summary: 'List workspaces (the current one marked with *)',
    help: 'Lists the workspaces stored in the bucket, exactly as `terraform workspace list` does.',
    options: {},
    globals: [...BACKEND_GLOBALS, 'json'],
    load: () => import('./commands/workspace-list.ts'),
  },
  {
    name: 'workspace show',
    usage: 's3state workspace show [options]',
    summary: 'Show the name of the current workspace',
    help: 'Prints the selected workspace (-workspace, else TF_WORKSPACE, else .terraform/environment, else default).',
    options: {},
    globals: ['chdir', 'workspace', 'json'],
    load: () => import('./commands/workspace-show.ts'),
  },
  {
    name: 'workspace new',
    usage: 's3state workspace new [options] NAME',
    summary: 'Create a new workspace and select it',
    help: "Creates the workspace's empty state in the bucket (under the lock) and selects it in\n.terraform/environment.",
    options: {},
    globals: [...BACKEND_GLOBALS, ...LOCK_GLOBALS],
    load: () => import('./commands/workspace-new.ts'),
  },
  {
    name: 'workspace select',
    usage: 's3state workspace select [options] NAME',
    summary: 'Select a workspace',
    help: 'Writes NAME to .terraform/environment; the workspace must exist.',
    options: {},
    globals: [...BACKEND_GLOBALS],
    load: () => import('./commands/workspace-select.ts'),
  },
  {
    name: 'workspace delete',
    usage: 's3state workspace delete [options] NAME',
    summary: 'Delete a workspace',
    help:
      "Deletes the workspace's state object (and its digest item). Refuses the current workspace, and a\n" +
      'workspace that still tracks resources unless -force.',
    options: { force: { type: 'boolean', description: 'Delete even when the workspace tracks resources.' } },
    globals: [...BACKEND_GLOBALS, ...LOCK_GLOBALS],
    load: () => import('./commands/workspace-delete.ts'),
  },
  {
    name: 'state pull',
    usage: 's3state state pull [options]',
    summary: 'Print the stored state',
    help: 'Prints the current state of the selected workspace on stdout, as `terraform state pull` does.',
    options: {},
    globals: [...BACKEND_GLOBALS],
    load: () => import('./commands/state-pull.ts'),
  },
  {
    name: 'state push',
    usage: 's3state state push [options] PATH',
    summary: 'Replace the stored state with a local file (or - for stdin)',
    help:
      "Writes the state in PATH (or stdin with -) to the selected workspace under the lock, with terraform's\n" +
      'lineage and serial checks.',
    options: { force: { type: 'boolean', description: 'Skip the lineage and serial checks.' } },
    globals: [...BACKEND_GLOBALS, ...LOCK_GLOBALS],
    load: () => import('./commands/state-push.ts'),
  },
  {
    name: 'state list',
    usage: 's3state state list [options] [ADDRESS...]',
    summary: 'List resource instances in the state',
    help: 'Lists resource instance addresses, optionally only those matching the given addresses.\n-json prints a JSON array of addresses.',
    options: {},
    globals: [...BACKEND_GLOBALS, 'json'],
    load: () => import('./commands/state-list.ts'),
  },
  {
    name: 'state show',
    usage: 's3state state show [options] ADDRESS',
    summary: 'Show one resource instance',
    help: 'Shows the attributes of one resource instance (sensitive values hidden), as `terraform state show`.',
    options: {},
    globals: [...BACKEND_GLOBALS],
    load: () => import('./commands/state-show.ts'),
  },
  {
    name: 'state rm',
    usage: 's3state state rm [options] ADDRESS...',
    summary: 'Remove instances from the state',
    help:
      'Removes resources, instances or whole modules from the state under the lock. A backup of the previous\n' +
      'state is written to terraform.tfstate.<timestamp>.backup unless -backup says otherwise.',
    options: {
      'dry-run': { type: 'boolean', description: 'Only print what would be removed.' },
      backup: { type: 'string', description: 'Backup path, or - for no backup.' },
    },
    globals: [...BACKEND_GLOBALS, ...LOCK_GLOBALS],
    load: () => import('./commands/state-rm.ts'),
  },
  {
    name: 'state mv',
    usage: 's3state state mv [options] SOURCE DESTINATION',
    summary: 'Move (rename) an instance, resource or module',
    help:
      'Moves a resource instance, a whole resource or a whole module to a new address under the lock, with a\n' +
      'backup of the previous state as for `state rm`.',
    options: {
      'dry-run': { type: 'boolean', description: 'Only print what would be moved.' },
      backup: { type: 'string', description: 'Backup path, or - for no backup.' },
    },
    globals: [...BACKEND_GLOBALS, ...LOCK_GLOBALS],
    load: () => import('./commands/state-mv.ts'),
  },
  {
    name: 'output',
    usage: 's3state output [options] [NAME]',
    summary: 'Show output values',
    help: 'Prints root module outputs as `terraform output` does (human, -json or -raw).',
    options: { raw: { type: 'boolean', description: 'Print one string, number or bool value as is.' } },
    globals: [...BACKEND_GLOBALS, 'json'],
    load: () => import('./commands/output.ts'),
  },
  {
    name: 'force-unlock',
    usage: 's3state force-unlock [options] LOCK_ID',
    summary: 'Release a stuck lock',
    help: 'Shows who holds the lock of the selected workspace and since when, asks for "yes", then releases it.',
    options: { force: { type: 'boolean', description: 'Do not ask for confirmation.' } },
    globals: [...BACKEND_GLOBALS, 'input'],
    load: () => import('./commands/force-unlock.ts'),
  },
  {
    name: 'lock info',
    usage: 's3state lock info [options]',
    summary: 'Show who holds the lock of the current workspace',
    help:
      'Prints the holder of each configured lock mechanism (ID, operation, who, version, when, how long ago).\n' +
      'Exit code 0 when no lock is held, 3 when a lock is held.',
    options: {},
    globals: [...BACKEND_GLOBALS, 'json'],
    load: () => import('./commands/lock-info.ts'),
  },
  {
    name: 'lock acquire',
    usage: 's3state lock acquire [options]',
    summary: 'Take the lock and print its ID (for CI steps)',
    help: 'Takes the state lock of the selected workspace and prints the lock ID on stdout; release it with\n`s3state lock release ID`. Exit code 3 when someone else holds it.',
    options: { reason: { type: 'string', description: "Text stored in the lock's Info field." } },
    globals: [...BACKEND_GLOBALS, 'lock-timeout', 'json'],
    load: () => import('./commands/lock-acquire.ts'),
  },
  {
    name: 'lock release',
    usage: 's3state lock release [options] LOCK_ID',
    summary: 'Release a lock taken with `lock acquire`',
    help: "Releases the lock with this ID (the ID must match the holder's).",
    options: {},
    globals: [...BACKEND_GLOBALS],
    load: () => import('./commands/lock-release.ts'),
  },
  {
    name: 'dev',
    usage: 's3state dev [options]',
    summary: 'Run a local S3 store and DynamoDB for development',
    help: 'Starts the local state store and a DynamoDB-compatible server, prints the terraform backend block,\nand serves until interrupted (Ctrl-C / SIGTERM).',
    options: {
      dir: { type: 'string', description: 'Data folder (default .s3state).' },
      's3-port': { type: 'string', description: 'S3 port (default: a free one).' },
      'dynamodb-port': { type: 'string', description: 'DynamoDB port (default: a free one).' },
      bucket: { type: 'string', description: 'Bucket name.' },
      table: { type: 'string', description: 'Lock table name.' },
    },
    globals: ['json'],
    load: () => import('./commands/dev.ts'),
  },
  {
    name: 'version',
    usage: 's3state version',
    summary: 'Print the version',
    help: 'Prints the s3state version (also: s3state --version).',
    options: {},
    globals: ['json'],
    load: () => import('./commands/version.ts'),
  },
];

/** Groups with subcommands (`workspace`, `state`, `lock`). */
export const GROUPS = ['workspace', 'state', 'lock'];

/** Global flag descriptions for help texts. */
export const GLOBAL_HELP: Record<string, string> = {
  chdir: '-chdir=DIR              Switch to DIR before doing anything.',
  'backend-config':
    '-backend-config=VALUE   A .tfbackend file or KEY=VALUE (repeatable), as in `terraform init`.',
  workspace:
    '-workspace=NAME         Workspace (else TF_WORKSPACE, else .terraform/environment, else default).',
  lock: '-lock=false             Do not hold the state lock (dangerous).',
  'lock-timeout': '-lock-timeout=DURATION  Retry a held lock for this long (e.g. 30s). Default 0s.',
  json: '-json                   Machine-readable output (one JSON document).',
  input: '-input=false            Never ask for input.',
};
