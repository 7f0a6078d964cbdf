#!/usr/bin/env node
// The `s3state` bin. Loads only what the command needs: each command module is imported lazily, so
// `--version` and `help` never load the AWS SDK.
import { statSync } from 'node:fs';
import path from 'node:path';
import { GLOBAL_OPTIONS, parseCommandArgs } from './args.ts';
import { COMMANDS, GROUPS, type CommandEntry } from './command-table.ts';
import { EXIT } from './exit-codes.ts';
import { processIo, type CliIo } from './io.ts';
import { commandHelp, generalHelp } from './help.ts';
import { renderError, usageFooter } from './render-error.ts';
import { VERSION } from './version.ts';
import { UsageError } from '../errors.ts';

/** Splits argv into the command entry (or a help/version request) and the remaining arguments. */
function findCommand(argv: string[]): {
  words: string[];
  rest: string[];
} {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  let afterDashDash = false;
  const takesValue = (a: string): boolean => {
    const name = a.replace(/^-{1,2}/, '');
    return !name.includes('=') && GLOBAL_OPTIONS[name]?.type === 'string';
  };
  for (; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (afterDashDash || a === '-' || !a.startsWith('-')) {
      const wantWord = words.length === 0 || (words.length === 1 && GROUPS.includes(words[0] ?? ''));
      if (wantWord && !afterDashDash) {
        words.push(a);
        continue;
      }
      rest.push(a);
      continue;
    }
    if (a === '--') afterDashDash = true;
    rest.push(a);
    if (takesValue(a) && i + 1 < argv.length) rest.push(argv[++i] ?? '');
  }
  return { words, rest };
}

async function main(argv: string[]): Promise<number> {
  // The AWS SDK warns about Node 20 on every run; a CLI's stderr is for the user's diagnostics.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const noColor = argv.some((a) => a === '-no-color' || a === '--no-color');
  const io = processIo(noColor);
  if (argv.length === 1 && ['--version', '-version', '-v', 'version'].includes(argv[0] ?? '')) {
    io.out(`s3state v${VERSION}\n`);
    return EXIT.OK;
  }
  const { words, rest } = findCommand(argv);
  const wantsHelp = rest.some((a) => a === '-h' || a === '--help' || a === '-help');
  if (words.length === 0) {
    if (wantsHelp) {
      io.out(generalHelp());
      return EXIT.OK;
    }
    if (rest.some((a) => a === '--version' || a === '-version' || a === '-v')) {
      io.out(`s3state v${VERSION}\n`);
      return EXIT.OK;
    }
    io.err(generalHelp());
    return EXIT.USAGE;
  }
  if (words[0] === 'help') {
    const target = [...words.slice(1), ...rest.filter((a) => !a.startsWith('-'))].join(' ');
    if (target === '') {
      io.out(generalHelp());
      return EXIT.OK;
    }
    const entry = COMMANDS.find((c) => c.name === target);
    if (entry) {
      io.out(commandHelp(entry));
      return EXIT.OK;
    }
    const group = COMMANDS.filter((c) => c.name.startsWith(target + ' '));
    if (group.length > 0) {
      io.out(groupHelp(target, group));
      return EXIT.OK;
    }
    return unknownCommand(io, target);
  }
  const name = words.join(' ');
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const group = COMMANDS.filter((c) => c.name.startsWith((words[0] ?? '') + ' '));
    if (group.length > 0 && words.length === 1) {
      if (wantsHelp) {
        io.out(groupHelp(words[0] ?? '', group));
        return EXIT.OK;
      }
      io.err(
        renderError(
          new UsageError(`Missing subcommand for "${words[0]}"`, {
            detail: `Choose one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}.`,
          }),
          io.color,
        ),
      );
      io.err(`\n${groupHelp(words[0] ?? '', group)}`);
      return EXIT.USAGE;
    }
    return unknownCommand(io, name);
  }
  if (wantsHelp) {
    io.out(commandHelp(entry));
    return EXIT.OK;
  }
  return runEntry(io, entry, rest);
}

async function runEntry(io: CliIo, entry: CommandEntry, rest: string[]): Promise<number> {
  try {
    const parsed = parseCommandArgs(rest, entry.options);
    if (parsed.globals.json && !entry.globals.includes('json')) {
      throw new UsageError('The -json option is not supported by this command', {
        detail: `"s3state ${entry.name}" has no machine-readable output.`,
      });
    }
    let cwd = process.cwd();
    if (parsed.globals.chdir !== undefined) {
      cwd = path.resolve(cwd, parsed.globals.chdir);
      let ok = false;
      try {
        ok = statSync(cwd).isDirectory();
      } catch {
        ok = false;
      }
      if (!ok) {
        io.err(
          renderError(
            new UsageError('Error handling -chdir option', {
              detail: `chdir ${parsed.globals.chdir}: no such directory`,
            }),
            io.color,
          ),
        );
        return EXIT.USAGE;
      }
    }
    const mod = await entry.load();
    return await mod.run({
      io,
      globals: parsed.globals,
      options: parsed.options,
      positionals: parsed.positionals,
      cwd,
      usage: entry.usage,
      command: entry.name,
    });
  } catch (e) {
    if (brokenPipe || isBrokenPipe(e)) return EXIT.BROKEN_PIPE;
    io.err(renderError(e, io.color));
    const code = exitCodeOf(e);
    if (code === EXIT.USAGE) io.err(usageFooter(entry.usage, entry.name));
    return code;
  }
}

/** Set when a write to stdout failed because its reader went away. */
let brokenPipe = false;

function isBrokenPipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';
}

// Without a listener an EPIPE on stdout would end the process with a stack trace, possibly while a
// lock is held; with it the command unwinds normally (locks released) and exits with BROKEN_PIPE.
process.stdout.on('error', (e) => {
  if (!isBrokenPipe(e)) throw e;
  brokenPipe = true;
});

function exitCodeOf(e: unknown): number {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (code === 'USAGE') return EXIT.USAGE;
  if (code === 'LOCK') return EXIT.LOCKED;
  return EXIT.ERROR;
}

function unknownCommand(io: CliIo, name: string): number {
  const near = COMMANDS.map((c) => c.name).find((c) => c.startsWith(name.split(' ')[0]?.slice(0, 3) ?? '\0'));
  io.err(
    renderError(
      new UsageError(`Unknown command "${name}"`, {
        detail: near
          ? `Did you mean "${near}"? Run "s3state help" for the list of commands.`
          : 'Run "s3state help" for the list of commands.',
      }),
      io.color,
    ),
  );
  io.err(`\nUsage: s3state [global options] <command> [args]\n`);
  return EXIT.USAGE;
}

function groupHelp(group: string, entries: CommandEntry[]): string {
  const width = Math.max(...entries.map((e) => e.name.length));
  return (
    `Usage: s3state ${group} <subcommand> [options] [args]\n\nSubcommands:\n` +
    entries.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`).join('\n') +
    '\n'
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = brokenPipe ? EXIT.BROKEN_PIPE : code;
  },
  (e: unknown) => {
    process.stderr.write(
      `s3state: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = EXIT.ERROR;
  },
);
