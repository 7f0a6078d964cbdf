import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { checkWorkspaceName, withSession } from '../session.ts';
import { expectArgs } from '../positionals.ts';
import { writeSelectedWorkspace } from '../workspace-file.ts';

/**
 * `s3state workspace new NAME`: creates the workspace's empty state (lock `init`, serial 1, unlock) and
 * selects it in `.terraform/environment`.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const [name = ''] = expectArgs(ctx, 1, 1, 'workspace name');
  checkWorkspaceName(name);
  return withSession(ctx, async (s) => {
    const existing = await s.backend.workspaces();
    if (existing.includes(name)) {
      throw new S3StateError('USAGE', `Workspace "${name}" already exists`, { detail: '' });
    }
    await s.backend.stateManager(name);
    await writeSelectedWorkspace(ctx.cwd, ctx.io.env, name);
    ctx.io.out(
      `Created and switched to workspace "${name}"!\n\n` +
        "You're now on a new, empty workspace. Workspaces isolate their state,\n" +
        'so if you run "terraform plan" Terraform will not see any existing state\n' +
        'for this configuration.\n',
    );
    return EXIT.OK;
  });
}
