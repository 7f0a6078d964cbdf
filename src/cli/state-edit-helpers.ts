import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { S3StateError, StateError } from '../errors.ts';
import type { ReadState } from '../backend/state-manager.ts';
import type { CommandContext } from './command-context.ts';

/** The peers' error for state commands when the workspace has no state. */
export function noStateError(): StateError {
  return new StateError('No state file was found!', {
    detail:
      'State management commands require a state file. Run this command\n' +
      'in a directory where Terraform has been run, or select the workspace that holds the state.',
  });
}

/**
 * Writes the backup of the state before an edit, as terraform's `state rm|mv` do for local state:
 * `-backup=PATH`, `-backup=-` for none, default `terraform.tfstate.<unix seconds>.backup` in the
 * working directory. Returns the path written (undefined for none).
 */
export async function writeBackup(ctx: CommandContext, read: ReadState): Promise<string | undefined> {
  const opt = ctx.options.backup;
  if (opt === '-') return undefined;
  const file =
    typeof opt === 'string' && opt !== ''
      ? path.resolve(ctx.cwd, opt)
      : path.join(ctx.cwd, `terraform.tfstate.${Math.floor(Date.now() / 1000)}.backup`);
  try {
    await writeFile(file, read.payload.data, { mode: 0o600 });
  } catch (e) {
    throw new S3StateError('STATE', 'Failed to write the state backup', {
      detail: `${file}: ${(e as Error).message}. Nothing was changed. Use -backup=PATH or -backup=- (no backup).`,
      cause: e,
    });
  }
  return file;
}
