import type { GlobalFlags, ParsedArgs } from './args.ts';
import type { CliIo } from './io.ts';

/** What a command receives from the bin. */
export interface CommandContext {
  io: CliIo;
  globals: GlobalFlags;
  options: ParsedArgs['options'];
  positionals: string[];
  /** Working directory after `-chdir`. */
  cwd: string;
  /** The command's usage line (for usage errors). */
  usage: string;
  /** Full command name, e.g. `state push`. */
  command: string;
}
