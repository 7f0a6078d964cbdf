import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';

/** Checks the number of positional arguments; a mismatch is a usage error naming what is missing or extra. */
export function expectArgs(ctx: CommandContext, min: number, max: number, what = 'argument'): string[] {
  const p = ctx.positionals;
  if (p.length < min) {
    throw new UsageError(`Missing ${what}`, {
      detail: `The ${ctx.command} command expects ${min === max ? `exactly ${min}` : `at least ${min}`} ${what}${min === 1 ? '' : 's'}.`,
    });
  }
  if (p.length > max) {
    throw new UsageError('Too many command line arguments', {
      detail: `The ${ctx.command} command expects ${max === 0 ? 'no' : `at most ${max}`} positional argument${max === 1 ? '' : 's'}, got: ${p.join(' ')}.`,
    });
  }
  return p;
}
