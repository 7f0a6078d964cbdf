import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { lockInfoJson, renderLockInfoHuman } from '../views/lock-view.ts';

/**
 * `s3state lock info [-json]`: who holds the lock of the selected workspace, per mechanism.
 * Exit 0 when no lock is held (or locking is disabled), 3 when a lock is held.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    const statuses = await mgr.lockInfo();
    const now = new Date();
    if (ctx.globals.json)
      ctx.io.out(JSON.stringify(lockInfoJson(s.workspace, statuses, now), null, 2) + '\n');
    else ctx.io.out(renderLockInfoHuman(s.workspace, statuses, now));
    return statuses.some((x) => x.holder) ? EXIT.LOCKED : EXIT.OK;
  });
}
