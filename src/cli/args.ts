import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

/** One option of a command: a boolean flag or a string value (optionally repeatable). */
export interface OptionSpec {
  type: 'boolean' | 'string';
  multiple?: boolean;
  short?: string;
  /** Shown in help. */
  description?: string;
}

/** Options every command accepts (tofu-style, one dash or two). */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  chdir: { type: 'string' },
  'backend-config': { type: 'string', multiple: true },
  workspace: { type: 'string' },
  lock: { type: 'boolean' },
  'lock-timeout': { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  input: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** The global settings after parsing. */
export interface GlobalFlags {
  chdir?: string | undefined;
  backendConfig: string[];
  workspace?: string | undefined;
  /** `-lock=false` turns locking off. @default true */
  lock: boolean;
  /** `-lock-timeout=DURATION` in milliseconds. @default 0 */
  lockTimeoutMs: number;
  json: boolean;
  noColor: boolean;
  /** `-input=false`: never prompt. @default true */
  input: boolean;
  help: boolean;
}

/** The result of parsing one command's arguments. */
export interface ParsedArgs {
  globals: GlobalFlags;
  /** Command-specific options by name (booleans and strings). */
  options: Record<string, boolean | string | string[] | undefined>;
  positionals: string[];
}

/**
 * Rewrites tofu-style single-dash long flags (`-chdir=DIR`, `-json`) to the `--name` form and folds
 * `--flag=true|false` of boolean flags. `-h`, `-` (stdin) and everything after `--` are left alone.
 * Returns the rewritten list and the booleans explicitly set to false.
 */
export function normaliseArgs(
  args: string[],
  specs: Record<string, OptionSpec>,
): { args: string[]; falseFlags: Set<string> } {
  const out: string[] = [];
  const falseFlags = new Set<string>();
  let rest = false;
  for (const a of args) {
    if (rest || a === '-' || !a.startsWith('-')) {
      out.push(a);
      continue;
    }
    if (a === '--') {
      rest = true;
      out.push(a);
      continue;
    }
    let t = a;
    if (!a.startsWith('--') && a.length > 2) t = '-' + a;
    const m = /^--([^=]+)=(.*)$/s.exec(t);
    if (m && specs[m[1] ?? '']?.type === 'boolean') {
      const name = m[1] ?? '';
      const v = (m[2] ?? '').toLowerCase();
      if (v === 'true' || v === '1') out.push(`--${name}`);
      else if (v === 'false' || v === '0') falseFlags.add(name);
      else
        throw new UsageError(`Invalid value for -${name}`, {
          detail: `invalid boolean value "${m[2]}" for -${name}`,
        });
      continue;
    }
    out.push(t);
  }
  return { args: out, falseFlags };
}

/**
 * Parses a command's arguments (global + command options, any order). Unknown flags, missing values
 * and bad durations throw {@link UsageError}.
 */
export function parseCommandArgs(args: string[], commandOptions: Record<string, OptionSpec>): ParsedArgs {
  const specs = { ...GLOBAL_OPTIONS, ...commandOptions };
  const { args: norm, falseFlags } = normaliseArgs(args, specs);
  let parsed;
  try {
    parsed = parseArgs({
      args: norm,
      options: Object.fromEntries(
        Object.entries(specs).map(([k, s]) => [
          k,
          {
            type: s.type,
            ...(s.multiple ? { multiple: true } : {}),
            ...(s.short ? { short: s.short } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError('Failed to parse command-line flags', { detail: flagErrorText(e) });
  }
  const v = parsed.values as Record<string, boolean | string | string[] | undefined>;
  for (const f of falseFlags) v[f] = false;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const lockTimeout = str('lock-timeout');
  const globals: GlobalFlags = {
    chdir: str('chdir'),
    backendConfig: Array.isArray(v['backend-config']) ? v['backend-config'] : [],
    workspace: str('workspace'),
    lock: v.lock !== false,
    lockTimeoutMs: lockTimeout === undefined ? 0 : parseDuration(lockTimeout, '-lock-timeout'),
    json: v.json === true,
    noColor: v['no-color'] === true,
    input: v.input !== false,
    help: v.help === true,
  };
  const options: ParsedArgs['options'] = {};
  for (const k of Object.keys(commandOptions)) options[k] = v[k];
  return { globals, options, positionals: parsed.positionals };
}

function flagErrorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(msg);
  if (unknown) return `flag provided but not defined: -${unknown[2]}`;
  const needs = /Option '(?:-\w, )?--([^ ]+) <value>' argument missing/.exec(msg);
  if (needs) return `flag needs an argument: -${needs[1]}`;
  const noArg = /Option '(?:-\w, )?--([^ ']+)' does not take an argument/.exec(msg);
  if (noArg) return `flag -${noArg[1]} does not take a value`;
  return msg.split('\n')[0] ?? msg;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go `time.ParseDuration` subset (`500ms`, `10s`, `1m30s`, `0`), in milliseconds. */
export function parseDuration(text: string, flag: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += parseFloat(m[1] ?? '0') * (UNIT_MS[m[2] ?? 's'] ?? 0);
    pos = re.lastIndex;
  }
  if (pos !== text.length || text === '') {
    throw new UsageError(`Invalid value for ${flag}`, {
      detail: `time: invalid duration "${text}" (examples: 30s, 5m, 1m30s)`,
    });
  }
  return Math.round(total);
}
