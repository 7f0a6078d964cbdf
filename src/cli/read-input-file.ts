import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';

/** Reads a state file argument: a path, or `-` for stdin. Missing file or empty stdin is a usage error. */
export async function readInputFile(
  ctx: CommandContext,
  arg: string,
): Promise<{ bytes: Buffer; name: string }> {
  if (arg === '-') {
    const data = await ctx.io.readStdin();
    if (data === undefined) {
      throw new UsageError('No state on stdin', {
        detail:
          'The path "-" reads the state from stdin, but stdin is a terminal. Pipe a state file into the command.',
      });
    }
    if (data.length === 0) {
      throw new UsageError('No state on stdin', {
        detail: 'The path "-" reads the state from stdin, but stdin was empty.',
      });
    }
    return { bytes: data, name: 'stdin' };
  }
  const file = path.resolve(ctx.cwd, arg);
  try {
    return { bytes: await readFile(file), name: arg };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`Failed to read ${arg}`, {
      detail:
        code === 'ENOENT' ? `open ${arg}: no such file or directory` : `${arg}: ${(e as Error).message}`,
    });
  }
}
