import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { underCliLock } from '../cli-lock.ts';
import { parseAddress } from '../../state/addresses.ts';
import { removeAddresses } from '../../state/state-edit.ts';
import { noStateError, writeBackup } from '../state-edit-helpers.ts';

/**
 * `s3state state rm [-dry-run] [-backup=PATH|-] ADDRESS...`: under the lock (`state-rm`), removes the
 * instances (whole resources and modules included), writes a backup of the previous state, persists.
 * Prints `Removed <addr>` lines and `Successfully removed N resource instance(s).` as terraform does.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const addrs = expectArgs(ctx, 1, Infinity, 'address');
  for (const a of addrs) parseAddress(a);
  const dryRun = ctx.options['dry-run'] === true;
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    return underCliLock(ctx, mgr, 'state-rm', async () => {
      const read = await mgr.read();
      if (!read) throw noStateError();
      const r = removeAddresses(read.state, addrs, { allowNone: dryRun });
      const prefix = dryRun ? 'Would remove' : 'Removed';
      ctx.io.out(r.removed.map((a) => `${prefix} ${a}\n`).join(''));
      if (dryRun) {
        if (r.removed.length === 0) ctx.io.out('Would have removed nothing.\n');
        return EXIT.OK;
      }
      const backup = await writeBackup(ctx, read);
      await mgr.write(r.state);
      if (backup) ctx.io.err(`Backup of the previous state: ${backup}\n`);
      ctx.io.out(`Successfully removed ${r.removed.length} resource instance(s).\n`);
      return EXIT.OK;
    });
  });
}
