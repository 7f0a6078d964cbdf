import type { CommandContext } from '../command-context.ts';
import { notAvailable } from '../not-available.ts';

/** `s3state init` (waiting for the library part it needs). */
export async function run(ctx: CommandContext): Promise<number> {
  return notAvailable(ctx);
}
