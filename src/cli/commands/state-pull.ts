import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { withProgress } from '../progress.ts';
import { emptyState, writeState, writeStateChunks } from '../../state/write-state.ts';
import { DEFAULT_TERRAFORM_VERSION } from '../../backend/state-manager.ts';

/**
 * `s3state state pull`: the stored state followed by one extra newline, as `terraform state pull`
 * prints it (a state terraform wrote comes out byte for byte). With no state: an empty state with
 * serial 0 and an empty lineage.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    const read = await withProgress(ctx, `Reading s3://${s.config.settings.bucket}/${mgr.stateKey}`, () =>
      mgr.read(),
    );
    if (!read) {
      const empty = emptyState({ lineage: '', serial: 0, terraformVersion: DEFAULT_TERRAFORM_VERSION });
      ctx.io.out(writeState(empty, { flavor: 'terraform' }) + '\n');
      return EXIT.OK;
    }
    // Terraform re-serialises the snapshot with its own writer; ours reproduces its bytes exactly
    // (corpus round trip), so a state terraform wrote comes out as stored and a compact (OpenTofu)
    // state is re-indented — decided by the writer itself, not by sniffing the stored layout.
    // In pieces, each written once stdout has taken the one before: a large state never becomes
    // one string or one buffer here, and a slow pipe reader (`| jq`) does not make us queue it all.
    for (const chunk of writeStateChunks(read.state, { flavor: 'terraform' })) {
      ctx.io.out(chunk);
      await ctx.io.drained?.();
    }
    ctx.io.out('\n');
    return EXIT.OK;
  });
}
