import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { underCliLock } from '../cli-lock.ts';
import { parseAddress } from '../../state/addresses.ts';
import { moveAddress } from '../../state/state-edit.ts';
import { noStateError, writeBackup } from '../state-edit-helpers.ts';
import { strconvQuote } from '../views/go-quote.ts';

/**
 * `s3state state mv [-dry-run] [-backup=PATH|-] SOURCE DESTINATION`: under the lock (`state-mv`), moves a
 * resource instance, a resource or a whole module; backup and messages as terraform's `state mv`.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const [src = '', dst = ''] = expectArgs(ctx, 2, 2, 'address');
  parseAddress(src);
  parseAddress(dst);
  const dryRun = ctx.options['dry-run'] === true;
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    return underCliLock(ctx, mgr, 'state-mv', async () => {
      const read = await mgr.read();
      if (!read) throw noStateError();
      const r = moveAddress(read.state, src, dst);
      const prefix = dryRun ? 'Would move' : 'Move';
      ctx.io.out(r.moved.map((m) => `${prefix} ${strconvQuote(m.from)} to ${strconvQuote(m.to)}\n`).join(''));
      if (dryRun) {
        if (r.moved.length === 0) ctx.io.out('Would have moved nothing.\n');
        return EXIT.OK;
      }
      if (r.moved.length === 0) {
        ctx.io.out('No matching objects found.\n');
        return EXIT.OK;
      }
      const backup = await writeBackup(ctx, read);
      await mgr.write(r.state);
      if (backup) ctx.io.err(`Backup of the previous state: ${backup}\n`);
      ctx.io.out(`Successfully moved ${r.moved.length} object(s).\n`);
      return EXIT.OK;
    });
  });
}
