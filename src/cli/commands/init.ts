import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../command-context.ts';
import { S3StateError } from '../../errors.ts';
import { writeInitRecord } from '../../config/init-record.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { acquireCliLock, releaseCliLock } from '../cli-lock.ts';
import { findLocalStates, migrateLocalStates } from '../migrate-local-state.ts';
import { environmentFile } from '../workspace-file.ts';

/**
 * `s3state init [-migrate-state [-force-copy]] [-show]`: resolves and validates the configuration, checks
 * that the bucket and the lock table answer, creates the selected workspace's state when absent, and
 * records the configuration in `.s3state/backend.json` when the directory has no `.terraform/`.
 * `-migrate-state` first copies local states into the backend (see {@link migrateLocalStates}), asking
 * unless `-force-copy`. `-json`: `{"workspace","bucket","key","created_state","record","migrated":[…]}`.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  if (ctx.options.show === true) {
    const config = await import('./config.ts');
    return config.run(ctx);
  }
  const migrate = ctx.options['migrate-state'] === true;
  const forceCopy = ctx.options['force-copy'] === true;
  const locals = migrate ? await findLocalStates(ctx.cwd) : [];
  return withSession(ctx, async (s) => {
    const settings = s.config.settings;
    // Reachability: listing answers for the bucket, a lock inspection for the table / lock file.
    await s.backend.workspaces();
    const probe = await s.backend.stateManager('default', { create: false });
    await probe.lockInfo();

    let migrated: { workspace: string; file: string; result: string }[] = [];
    if (migrate) {
      if (locals.length === 0) {
        ctx.io.err(
          'No local state (terraform.tfstate, terraform.tfstate.d/*/terraform.tfstate) to migrate.\n',
        );
      } else {
        if (!forceCopy) {
          if (!ctx.globals.input) {
            throw new S3StateError('USAGE', 'Confirmation needed', {
              detail: 'Copying local state asks for confirmation; with -input=false use -force-copy.',
            });
          }
          const answer = await ctx.io.prompt(
            'Do you want to copy existing state to the new backend?\n' +
              `  Pre-existing state was found in the local backend:\n` +
              locals.map((l) => `    ${l.file} (workspace "${l.workspace}")\n`).join('') +
              `  It will be copied to the s3 backend (bucket "${settings.bucket}"), keeping lineage and serial.\n` +
              "  The local files are left in place as backups. Only 'yes' will be accepted.\n\n" +
              '  Enter a value: ',
          );
          if ((answer ?? '').trim() !== 'yes') {
            ctx.io.err('\nMigration cancelled: nothing was copied.\n');
            return EXIT.ERROR;
          }
        }
        migrated = await migrateLocalStates(ctx, s.backend, locals, forceCopy);
        for (const m of migrated) {
          ctx.io.err(
            m.result === 'copied'
              ? `Copied ${m.file} to workspace "${m.workspace}".\n`
              : `Workspace "${m.workspace}" already holds the same state as ${m.file}.\n`,
          );
        }
      }
    }

    // The selected workspace's state, when absent.
    let createdState = false;
    const mgr = await s.backend.stateManager(s.workspace, { create: false });
    if (!(await mgr.readBytes())) {
      const lock = await acquireCliLock(ctx, mgr, 'init');
      try {
        if (!(await mgr.readBytes())) {
          await mgr.writeEmpty();
          createdState = true;
        }
      } finally {
        await releaseCliLock(lock);
      }
    }

    let record: string | undefined;
    const dataDir = path.dirname(environmentFile(ctx.cwd, ctx.io.env));
    if (!existsSync(dataDir) && s.config.origin === 'configuration') {
      record = await writeInitRecord(ctx.cwd, s.config);
    }

    if (ctx.globals.json) {
      ctx.io.out(
        JSON.stringify(
          {
            workspace: s.workspace,
            bucket: settings.bucket,
            key: mgr.stateKey,
            created_state: createdState,
            record: record ?? null,
            migrated,
          },
          null,
          2,
        ) + '\n',
      );
      return EXIT.OK;
    }
    ctx.io.out(
      `Backend "s3": bucket "${settings.bucket}", state s3://${settings.bucket}/${mgr.stateKey} (workspace "${s.workspace}")` +
        `${createdState ? ', created empty state' : ''}.\n` +
        (settings.dynamodbTable ? `Lock table: ${settings.dynamodbTable}\n` : '') +
        (settings.useLockfile ? 'Lock file: enabled\n' : '') +
        (record ? `Recorded the configuration in ${path.relative(ctx.cwd, record)}\n` : '') +
        (migrated.some((m) => m.result === 'copied')
          ? `Migrated ${migrated.filter((m) => m.result === 'copied').length} workspace(s); the local state files were left in place as backups.\n`
          : '') +
        '\ns3state has been successfully initialized!\n',
    );
    return EXIT.OK;
  });
}
