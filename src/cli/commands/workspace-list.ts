import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { withSession } from '../session.ts';
import { expectArgs } from '../positionals.ts';

/**
 * `s3state workspace list`: the same text as `terraform workspace list` (`* ` marks the current one,
 * then a blank line). `-json`: `{"current": string, "workspaces": string[]}`.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  return withSession(ctx, async (s) => {
    const names = await s.backend.workspaces();
    if (ctx.globals.json) {
      ctx.io.out(JSON.stringify({ current: s.workspace, workspaces: names }, null, 2) + '\n');
      return EXIT.OK;
    }
    ctx.io.out(names.map((n) => (n === s.workspace ? `* ${n}\n` : `  ${n}\n`)).join('') + '\n');
    return EXIT.OK;
  });
}
