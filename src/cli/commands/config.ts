import type { CommandContext } from '../command-context.ts';
import { describeConfig } from '../../config/describe-config.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { resolveConfig } from '../session.ts';
import { renderConfigHuman } from '../views/config-view.ts';

/**
 * `s3state config [-json]` (also `init -show`): the resolved configuration with each value's source,
 * secrets masked. `-json`: `{"origin", "attributes": [{"name","value","source","source_detail"}],
 * "endpoints": [{"service","value","source"}], "workspace": {"name","source"}, "files": [...]}`.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  const config = await resolveConfig(ctx);
  const d = describeConfig(config);
  if (ctx.globals.json) {
    ctx.io.out(
      JSON.stringify(
        {
          origin: config.origin,
          attributes: d.attributes.map((a) => ({
            name: a.name,
            value: a.value,
            source: a.source,
            source_detail: a.sourceDetail,
          })),
          endpoints: d.endpoints,
          workspace: d.workspace,
          files: config.files,
        },
        null,
        2,
      ) + '\n',
    );
  } else ctx.io.out(renderConfigHuman(d, config.origin, config.files));
  return EXIT.OK;
}
