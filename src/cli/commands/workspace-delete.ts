import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { checkWorkspaceName, withSession } from '../session.ts';
import { expectArgs } from '../positionals.ts';
import { underCliLock } from '../cli-lock.ts';
import { managedInstanceAddresses } from '../state-helpers.ts';

/**
 * `s3state workspace delete [-force] NAME`, as the peers: refuses `default` and the current workspace;
 * locks the workspace (operation `state-replace-provider`, sic), refuses one that still tracks managed
 * resource instances unless `-force`, unlocks, then deletes the state object (and its digest).
 */
export async function run(ctx: CommandContext): Promise<number> {
  const [name = ''] = expectArgs(ctx, 1, 1, 'workspace name');
  checkWorkspaceName(name);
  const force = ctx.options.force === true;
  return withSession(ctx, async (s) => {
    const existing = await s.backend.workspaces();
    if (!existing.includes(name)) {
      throw new S3StateError('NOT_FOUND', `Workspace "${name}" doesn't exist.`, { detail: '' });
    }
    if (name === s.workspace) {
      throw new S3StateError('USAGE', `Workspace "${name}" is your active workspace.`, {
        detail:
          'You cannot delete the currently active workspace. Please switch\nto another workspace and try again.',
      });
    }
    if (name === 'default') throw new S3StateError('USAGE', "can't delete default state", { detail: '' });
    const mgr = await s.manager({ workspace: name, create: false });
    await underCliLock(ctx, mgr, 'state-replace-provider', async () => {
      const read = await mgr.read();
      const tracked = read ? managedInstanceAddresses(read.state) : [];
      if (tracked.length > 0 && !force) {
        throw new S3StateError('STATE', 'Workspace is not empty', {
          detail:
            `Workspace "${name}" is currently tracking the following resource instances:\n` +
            tracked.map((a) => `  - ${a}\n`).join('') +
            '\nDeleting this workspace would cause Terraform to lose track of any associated remote objects, ' +
            'which would then require you to delete them manually outside of Terraform. You should destroy ' +
            'these objects with Terraform before deleting the workspace.\n\n' +
            'If you want to delete this workspace anyway, and have Terraform forget about these managed ' +
            'objects, use the -force option to disable this safety check.',
        });
      }
    });
    await s.backend.deleteWorkspace(name);
    ctx.io.out(`Deleted workspace "${name}"!\n`);
    return EXIT.OK;
  });
}
