import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { checkWorkspaceName, withSession } from '../session.ts';
import { expectArgs } from '../positionals.ts';
import { writeSelectedWorkspace } from '../workspace-file.ts';

/** `s3state workspace select NAME`: the workspace must exist; writes `.terraform/environment`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [name = ''] = expectArgs(ctx, 1, 1, 'workspace name');
  checkWorkspaceName(name);
  return withSession(ctx, async (s) => {
    const existing = await s.backend.workspaces();
    if (!existing.includes(name)) {
      throw new S3StateError('NOT_FOUND', `Workspace "${name}" doesn't exist.`, {
        detail: 'You can create this workspace with the "new" subcommand.',
      });
    }
    await writeSelectedWorkspace(ctx.cwd, ctx.io.env, name);
    ctx.io.out(`Switched to workspace "${name}".\n`);
    return EXIT.OK;
  });
}
