import { COMMANDS, GLOBAL_HELP, type CommandEntry } from './command-table.ts';

const EXIT_CODES =
  'Exit codes:\n' +
  '  0  success (lock info: no lock held)\n' +
  '  1  error\n' +
  '  2  usage error (unknown command or flag, missing or invalid argument); nothing was written\n' +
  '  3  the state is locked by someone else (lock info: a lock is held)\n' +
  '  141  stdout was closed by its reader (`| head`), as after a SIGPIPE; nothing is printed\n';

/** `s3state help`: every command, the global flags and the exit codes. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return (
    'Usage: s3state [global options] <command> [args]\n\n' +
    'The OpenTofu/Terraform s3 state backend as a tool: read, lock, unlock, push and migrate\n' +
    'state in S3 without `terraform init`. Works in any directory where `terraform init` ran.\n\n' +
    'Commands:\n' +
    COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n') +
    '\n\nGlobal options (one dash or two):\n' +
    Object.values(GLOBAL_HELP)
      .map((h) => `  ${h}`)
      .join('\n') +
    '\n  -no-color               No colour (also NO_COLOR).\n' +
    '  -h, -help               Help for a command (also: s3state help <command>).\n' +
    '  -version                Print the version.\n\n' +
    EXIT_CODES
  );
}

/** `s3state help <command>` / `s3state <command> -h`. */
export function commandHelp(c: CommandEntry): string {
  const opts = Object.entries(c.options).map(([name, s]) => {
    const flag = s.type === 'string' ? `-${name}=VALUE` : `-${name}`;
    return `  ${flag.padEnd(23)} ${s.description ?? ''}`;
  });
  const globals = c.globals.map((g) => GLOBAL_HELP[g]).filter((g): g is string => g !== undefined);
  return (
    `Usage: ${c.usage}\n\n${c.summary}.\n\n${c.help}\n` +
    (opts.length ? `\nOptions:\n${opts.join('\n')}\n` : '') +
    (globals.length ? `\nGlobal options:\n${globals.map((g) => `  ${g}`).join('\n')}\n` : '') +
    `\n${EXIT_CODES}`
  );
}
