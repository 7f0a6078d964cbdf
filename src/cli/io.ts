import { createRequire } from 'node:module';
import type { Diagnostic } from '../errors.ts';

/** Where a command writes and reads; the bin wires it to the process, tests may pass their own. */
export interface CliIo {
  out(text: string): void;
  /**
   * Resolves once stdout has taken what was written so far (a pipe whose reader is slower than us
   * would otherwise queue a whole large state in memory). Absent: nothing to wait for.
   */
  drained?(): Promise<void>;
  err(text: string): void;
  /** Reads all of stdin (undefined when stdin is a terminal). */
  readStdin(): Promise<Buffer | undefined>;
  /** Asks a question on stderr and reads one line from stdin (undefined when no input is possible). */
  prompt(question: string): Promise<string | undefined>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Colour on stderr: only on a TTY and never with `-no-color` or `NO_COLOR`. */
  color: boolean;
  env: Record<string, string | undefined>;
}

/** The process-backed {@link CliIo}. */
export function processIo(noColor: boolean): CliIo {
  const env = process.env;
  const stderrIsTTY = process.stderr.isTTY === true;
  return {
    out: (t) => void process.stdout.write(t),
    drained: () =>
      // A reader that went away (`| head`): the stream is destroyed with EPIPE; stop writing.
      process.stdout.errored
        ? Promise.reject(process.stdout.errored)
        : process.stdout.writableNeedDrain
          ? new Promise<void>((resolve, reject) => {
              const done = (e?: Error): void => {
                process.stdout.off('drain', done).off('error', done).off('close', done);
                if (e) reject(e);
                else resolve();
              };
              process.stdout.on('drain', done).on('error', done).on('close', done);
            })
          : Promise.resolve(),
    err: (t) => void process.stderr.write(t),
    readStdin: async () => {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    prompt: async (question) => {
      process.stderr.write(question);
      const { createInterface } = createRequire(import.meta.url)(
        'node:readline',
      ) as typeof import('node:readline');
      const rl = createInterface({ input: process.stdin, terminal: false });
      try {
        const line = await new Promise<string | undefined>((resolve) => {
          rl.once('line', (l) => resolve(l));
          rl.once('close', () => resolve(undefined));
        });
        return line;
      } finally {
        rl.close();
      }
    },
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY,
    stdinIsTTY: process.stdin.isTTY === true,
    color: stderrIsTTY && !noColor && (env.NO_COLOR ?? '') === '',
    env,
  };
}

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/**
 * A diagnostic in the peers' plain form: blank line, `Error: <summary>` (or `Warning:`), blank line,
 * detail. Colour (bold red/yellow label) only when `color`.
 */
export function formatDiagnostic(
  d: Pick<Diagnostic, 'severity' | 'summary' | 'detail'>,
  color: boolean,
): string {
  const label = d.severity === 'error' ? 'Error' : 'Warning';
  const head = color
    ? `${BOLD}${d.severity === 'error' ? RED : YELLOW}${label}:${RESET}${BOLD} ${d.summary}${RESET}`
    : `${label}: ${d.summary}`;
  return `\n${head}\n${d.detail ? `\n${d.detail}\n` : ''}`;
}
