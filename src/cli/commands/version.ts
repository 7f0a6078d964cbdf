import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { VERSION } from '../version.ts';

/** `s3state version [-json]`. JSON shape: `{"version": "0.1.0", "node": "v20.x"}`. */
export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.globals.json)
    ctx.io.out(JSON.stringify({ version: VERSION, node: process.version }, null, 2) + '\n');
  else ctx.io.out(`s3state v${VERSION}\non node ${process.version} ${process.platform}_${process.arch}\n`);
  return EXIT.OK;
}
