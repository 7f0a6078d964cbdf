import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { resolveConfig } from '../session.ts';
import { expectArgs } from '../positionals.ts';

/** `s3state workspace show`: the selected workspace name (as `terraform workspace show`). */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  const config = await resolveConfig(ctx);
  if (ctx.globals.json) {
    ctx.io.out(
      JSON.stringify({ workspace: config.workspace.name, source: config.workspace.source }, null, 2) + '\n',
    );
  } else ctx.io.out(`${config.workspace.name}\n`);
  return EXIT.OK;
}
