// Runs one command as a child process and measures its wall time and peak memory (max RSS).
// Peak RSS comes from GNU time (`/usr/bin/time -f`), which reads the child's rusage; without it
// only wall time is reported.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One run of one command. */
export interface RunSample {
  /** Wall time in seconds. */
  wall: number;
  /** Peak resident memory in MiB, when GNU time is available. */
  rssMb?: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Median of several runs. */
export interface Summary {
  runs: number;
  /** Median wall time, seconds. */
  wall: number;
  /** Median peak RSS, MiB (undefined without GNU time). */
  rssMb?: number;
  /** Exit code of the last run. */
  code: number;
  /** Stderr of the first failing run ('' when all succeeded). */
  error: string;
}

const GNU_TIME = '/usr/bin/time';
/** Whether peak memory can be measured. */
export const haveGnuTime = existsSync(GNU_TIME);

let counter = 0;

/** Runs `cmd` once. `input` is written to stdin. */
export function runOnce(
  cmd: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string; captureStdout?: boolean },
): Promise<RunSample> {
  const timeFile = join(tmpdir(), `s3state-bench-time-${process.pid}-${counter++}`);
  const argv = haveGnuTime ? [GNU_TIME, '-f', '%e %M', '-o', timeFile, ...cmd] : [...cmd];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      // Large outputs are drained but not kept unless asked for.
      if (opts.captureStdout || stdout.length < 64 * 1024) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallHr = Number(process.hrtime.bigint() - start) / 1e9;
      let rssMb: number | undefined;
      if (haveGnuTime && existsSync(timeFile)) {
        const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
        const last = lines.at(-1) ?? '';
        const m = /^([\d.]+) (\d+)$/.exec(last);
        // Wall time comes from our own clock (GNU time has 10 ms resolution); RSS is in KiB.
        if (m) rssMb = Number(m[2]) / 1024;
        rmSync(timeFile, { force: true });
      }
      const sample: RunSample = { wall: wallHr, code: code ?? -1, stdout, stderr };
      if (rssMb !== undefined) sample.rssMb = rssMb;
      resolve(sample);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Median of numbers (mean of the middle two for even counts). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `cmd` `runs` times (after `warmup` unmeasured runs) and summarises. */
export async function measure(
  cmd: readonly string[],
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    runs: number;
    warmup?: number;
    input?: string;
    before?: () => Promise<void>;
  },
): Promise<Summary> {
  for (let i = 0; i < (opts.warmup ?? 1); i++) {
    await opts.before?.();
    await runOnce(cmd, opts);
  }
  const samples: RunSample[] = [];
  for (let i = 0; i < opts.runs; i++) {
    await opts.before?.();
    samples.push(await runOnce(cmd, opts));
  }
  const failed = samples.find((s) => s.code !== 0);
  const rss = samples.map((s) => s.rssMb).filter((x): x is number => x !== undefined);
  const out: Summary = {
    runs: samples.length,
    wall: median(samples.map((s) => s.wall)),
    code: samples.at(-1)?.code ?? -1,
    error: failed ? (failed.stderr.trim() || failed.stdout.trim()).split('\n').slice(0, 3).join(' | ') : '',
  };
  if (rss.length > 0) out.rssMb = median(rss);
  return out;
}

/**
 * Runs several commands in turn, round after round (one warm-up round first), so that load changes
 * on a shared machine hit every tool alike; returns one summary per command.
 */
export async function measureInterleaved(
  cmds: readonly (readonly string[])[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; runs: number; before?: () => Promise<void> },
): Promise<Summary[]> {
  const samples: RunSample[][] = cmds.map(() => []);
  for (let round = -1; round < opts.runs; round++) {
    for (const [i, cmd] of cmds.entries()) {
      await opts.before?.();
      const s = await runOnce(cmd, opts);
      if (round >= 0) samples[i]!.push(s);
    }
  }
  return samples.map((ss) => {
    const failed = ss.find((s) => s.code !== 0);
    const rss = ss.map((s) => s.rssMb).filter((x): x is number => x !== undefined);
    const out: Summary = {
      runs: ss.length,
      wall: median(ss.map((s) => s.wall)),
      code: ss.at(-1)?.code ?? -1,
      error: failed ? (failed.stderr.trim() || failed.stdout.trim()).split('\n').slice(0, 3).join(' | ') : '',
    };
    if (rss.length > 0) out.rssMb = median(rss);
    return out;
  });
}
