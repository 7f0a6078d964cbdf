import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { renderLockInfoHuman } from '../views/lock-view.ts';

/**
 * `s3state force-unlock [-force] LOCK_ID`: shows the holder of each lock mechanism (who, since when, how
 * long ago) on stderr, asks for `yes` unless `-force`, then releases the lock with the peers' `Unlock(id)`
 * (the ID must match the holder's in every mechanism).
 */
export async function run(ctx: CommandContext): Promise<number> {
  const [id = ''] = expectArgs(ctx, 1, 1, 'lock ID');
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    if (!mgr.lockingEnabled) {
      throw new S3StateError('CONFIG', 'Locking disabled', {
        detail: 'Locking is disabled for this backend.',
      });
    }
    const statuses = await mgr.lockInfo();
    ctx.io.err(renderLockInfoHuman(s.workspace, statuses, new Date()));
    if (ctx.options.force !== true) {
      if (!ctx.globals.input) {
        throw new S3StateError('USAGE', 'Confirmation needed', {
          detail: 'force-unlock asks for confirmation; with -input=false use -force to skip it.',
        });
      }
      const answer = await ctx.io.prompt(
        '\nDo you really want to force-unlock?\n' +
          '  s3state will remove the lock on the remote state.\n' +
          '  This will allow local Terraform commands to modify this state, even though it\n' +
          "  may still be in use. Only 'yes' will be accepted to confirm.\n\n" +
          '  Enter a value: ',
      );
      if (answer === undefined) ctx.io.err('\n');
      if ((answer ?? '').trim() !== 'yes') {
        ctx.io.err('force-unlock cancelled.\n');
        return EXIT.ERROR;
      }
    }
    try {
      await mgr.forceUnlock(id);
    } catch (e) {
      throw new S3StateError('STATE', 'Failed to unlock state', {
        detail: e instanceof Error ? e.message : String(e),
        cause: e,
      });
    }
    ctx.io.out(
      'State has been successfully unlocked!\n\n' +
        'The state has been unlocked, and Terraform commands should now be able to\n' +
        'obtain a new lock on the remote state.\n',
    );
    return EXIT.OK;
  });
}
