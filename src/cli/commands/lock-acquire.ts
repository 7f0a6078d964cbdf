import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { acquireCliLock } from '../cli-lock.ts';

/**
 * `s3state lock acquire [-reason=TEXT]`: takes the lock (operation `s3state-lock`, `Info` = reason) and
 * prints its ID on stdout, keeping it after exit (for CI steps). `-json`: the lock info written.
 * Exit 3 when someone else holds it.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  const reason = typeof ctx.options.reason === 'string' ? ctx.options.reason : '';
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    if (!mgr.lockingEnabled) {
      throw new S3StateError('CONFIG', 'Locking disabled', {
        detail: 'Locking is disabled for this backend: set use_lockfile = true or dynamodb_table.',
      });
    }
    const lock = await acquireCliLock(
      { ...ctx, globals: { ...ctx.globals, lock: true } },
      mgr,
      's3state-lock',
      reason,
    );
    if (!lock) return EXIT.ERROR;
    if (ctx.globals.json)
      ctx.io.out(JSON.stringify({ id: lock.id, workspace: s.workspace, info: lock.info }, null, 2) + '\n');
    else ctx.io.out(`${lock.id}\n`);
    ctx.io.err(`Lock held on workspace "${s.workspace}". Release it with: s3state lock release ${lock.id}\n`);
    return EXIT.OK;
  });
}
