import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';

/** `s3state lock release LOCK_ID`: releases the lock when the ID matches the holder's. */
export async function run(ctx: CommandContext): Promise<number> {
  const [id = ''] = expectArgs(ctx, 1, 1, 'lock ID');
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    try {
      await mgr.forceUnlock(id);
    } catch (e) {
      throw new S3StateError('STATE', 'Failed to release the lock', {
        detail: e instanceof Error ? e.message : String(e),
        cause: e,
      });
    }
    ctx.io.err(`Released lock ${id} on workspace "${s.workspace}".\n`);
    return EXIT.OK;
  });
}
