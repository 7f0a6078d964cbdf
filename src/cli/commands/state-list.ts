import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { withSession } from '../session.ts';
import { listAddresses, parseAddress } from '../../state/addresses.ts';
import { noStateError } from '../state-edit-helpers.ts';

/** `s3state state list [ADDRESS...]`: instance addresses in `terraform state list` order. */
export async function run(ctx: CommandContext): Promise<number> {
  for (const a of ctx.positionals) parseAddress(a); // syntax errors are usage errors, before any I/O
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    const read = await mgr.read();
    if (!read) throw noStateError();
    const addrs = listAddresses(read.state, ctx.positionals);
    if (ctx.globals.json) ctx.io.out(JSON.stringify(addrs, null, 2) + '\n');
    else ctx.io.out(addrs.map((a) => `${a}\n`).join(''));
    return EXIT.OK;
  });
}
