import type { CommandContext } from '../command-context.ts';
import { S3StateError, UsageError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { formatDiagnostic } from '../io.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { withProgress } from '../progress.ts';
import { outputsFromState } from '../state-helpers.ts';
import { renderOutputHuman, renderOutputJson, renderOutputRaw } from '../views/output-view.ts';

/** `s3state output [NAME] [-json | -raw]`: the same bytes as `terraform output` for the same state. */
export async function run(ctx: CommandContext): Promise<number> {
  const [name] = expectArgs(ctx, 0, 1, 'output name');
  const raw = ctx.options.raw === true;
  if (raw && ctx.globals.json) {
    throw new UsageError('Invalid output format', {
      detail: 'The -raw and -json options are mutually-exclusive.',
    });
  }
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    const read = await withProgress(ctx, `Reading s3://${s.config.settings.bucket}/${mgr.stateKey}`, () =>
      mgr.read(),
    );
    const outputs = outputsFromState(read?.state);
    const view = raw ? renderOutputRaw : ctx.globals.json ? renderOutputJson : renderOutputHuman;
    const r = view(outputs, name);
    if (!r.ok) throw new S3StateError('NOT_FOUND', r.summary, { detail: r.detail });
    if (r.warning) ctx.io.err(formatDiagnostic({ severity: 'warning', ...r.warning }, ctx.io.color));
    ctx.io.out(r.stdout);
    return EXIT.OK;
  });
}
