import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { S3Backend } from '../backend/s3-backend.ts';
import { S3StateError, StateError } from '../errors.ts';
import { parseState } from '../state/parse-state.ts';
import { statesEqualIgnoringHeader } from '../state/push-checks.ts';
import type { StateFile } from '../state/state-file.ts';
import { acquireCliLock, releaseCliLock } from './cli-lock.ts';
import type { CommandContext } from './command-context.ts';
import { isEmptyState } from './state-helpers.ts';

/** A local state found for migration. */
export interface LocalState {
  workspace: string;
  /** Path relative to the working directory. */
  file: string;
  bytes: Buffer;
  state: StateFile;
}

/**
 * The local backend's states: `terraform.tfstate` (workspace `default`) and
 * `terraform.tfstate.d/<ws>/terraform.tfstate` for every other local workspace. Empty files are skipped.
 */
export async function findLocalStates(cwd: string): Promise<LocalState[]> {
  const found: { workspace: string; file: string }[] = [];
  const isFile = async (p: string): Promise<boolean> => {
    try {
      return (await stat(path.join(cwd, p))).isFile();
    } catch {
      return false;
    }
  };
  if (await isFile('terraform.tfstate')) found.push({ workspace: 'default', file: 'terraform.tfstate' });
  let names: string[];
  try {
    names = (await readdir(path.join(cwd, 'terraform.tfstate.d'), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    names = [];
  }
  for (const ws of names) {
    const file = path.join('terraform.tfstate.d', ws, 'terraform.tfstate');
    if (await isFile(file)) found.push({ workspace: ws, file });
  }
  const out: LocalState[] = [];
  for (const f of found) {
    const bytes = await readFile(path.join(cwd, f.file));
    if (bytes.length === 0) continue;
    let state: StateFile;
    try {
      state = parseState(bytes);
    } catch (e) {
      const err = e as Error & { detail?: string };
      throw new StateError(`Failed to read the local state ${f.file}`, {
        detail: `${err.message}${err.detail ? `: ${err.detail}` : ''}\n\nNothing was migrated.`,
        cause: e,
      });
    }
    out.push({ ...f, bytes, state });
  }
  return out;
}

/** What happened to one workspace in a migration. */
export interface MigrationOutcome {
  workspace: string;
  file: string;
  result: 'copied' | 'already-present';
}

/**
 * Copies local states into the s3 backend as `terraform init -migrate-state` does, under the lock of each
 * destination (`migration destination state`): the exact bytes are stored, so lineage and serial are kept.
 * A destination that already holds a different non-empty state is refused unless `forceCopy`; one holding
 * the same state is left alone.
 */
export async function migrateLocalStates(
  ctx: CommandContext,
  backend: S3Backend,
  locals: LocalState[],
  forceCopy: boolean,
): Promise<MigrationOutcome[]> {
  // Check every destination first, so that a refusal leaves the backend untouched.
  const plans: { local: LocalState; same: boolean }[] = [];
  for (const local of locals) {
    const mgr = await backend.stateManager(local.workspace, { create: false });
    const remote = (await mgr.read())?.state;
    const same =
      remote !== undefined &&
      remote.lineage === local.state.lineage &&
      BigInt(remote.serial) === BigInt(local.state.serial) &&
      statesEqualIgnoringHeader(remote, local.state);
    if (!same && !isEmptyState(remote) && !forceCopy) {
      throw new S3StateError(
        'STATE',
        `Workspace "${local.workspace}" already has a different state in the s3 backend`,
        {
          detail:
            `The s3 backend already holds a non-empty state for workspace "${local.workspace}" (lineage ` +
            `"${remote?.lineage}", serial ${String(remote?.serial)}) that differs from ${local.file} (lineage ` +
            `"${local.state.lineage}", serial ${String(local.state.serial)}).\n\nNothing was migrated. Use -force-copy ` +
            'to overwrite the remote state with the local one.',
        },
      );
    }
    plans.push({ local, same });
  }
  const outcomes: MigrationOutcome[] = [];
  for (const { local, same } of plans) {
    if (same) {
      outcomes.push({ workspace: local.workspace, file: local.file, result: 'already-present' });
      continue;
    }
    const mgr = await backend.stateManager(local.workspace, { create: false });
    const lock = await acquireCliLock(ctx, mgr, 'migration destination state');
    try {
      await mgr.writeBytes(local.bytes);
    } finally {
      await releaseCliLock(lock);
    }
    outcomes.push({ workspace: local.workspace, file: local.file, result: 'copied' });
  }
  return outcomes;
}
