import type { CommandContext } from '../command-context.ts';
import { S3StateError, UsageError, isS3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { withProgress } from '../progress.ts';
import { underCliLock } from '../cli-lock.ts';
import { readInputFile } from '../read-input-file.ts';
import { parseState } from '../../state/parse-state.ts';
import { checkImport } from '../../state/push-checks.ts';
import type { StateFile } from '../../state/state-file.ts';

/**
 * `s3state state push [-force] PATH|-`: parse the file (a file that is not a state is a usage error and
 * nothing is written), open the workspace (created when new), lock (`state-push`), refresh, check lineage
 * and serial (skipped with `-force`), persist with the peers' serial rules.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const [arg = ''] = expectArgs(ctx, 1, 1, 'state file path');
  const { bytes, name } = await readInputFile(ctx, arg);
  let pushed: StateFile;
  try {
    pushed = parseState(bytes);
  } catch (e) {
    const err = e as Error & { detail?: string };
    throw new UsageError(`${name === 'stdin' ? 'stdin' : `"${name}"`} is not a valid state file`, {
      detail: `${err.message}${err.detail ? `: ${err.detail}` : ''}`,
      cause: e,
    });
  }
  const force = ctx.options.force === true;
  return withSession(ctx, async (s) => {
    const mgr = await s.manager();
    await underCliLock(ctx, mgr, 'state-push', async () => {
      const current = await mgr.read();
      if (!force) {
        try {
          checkImport(current?.state, pushed);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          throw new S3StateError(isS3StateError(e) ? e.code : 'STATE', 'Failed to write state', {
            detail: `${msg}\n\nUse -force to push anyway (the stored state will be overwritten).`,
            cause: e,
          });
        }
      }
      await withProgress(ctx, `Writing s3://${s.config.settings.bucket}/${mgr.stateKey}`, () =>
        mgr.write(pushed),
      );
    });
    return EXIT.OK;
  });
}
