// Runs the bundled bin (dist/s3state.mjs) as a user would. `npm run build` (or scripts/build.mjs) must have run;
// `ensureBuilt()` builds once per test process when dist is missing or older than src/cli.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = path.join(repoRoot, 'dist/s3state.mjs');
export const testCacheDir = path.join(repoRoot, 'node_modules/.cache/s3state-test-v8');
export const corpusDir = path.resolve(repoRoot, '../shared/spec/corpus');

function newestMtime(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, name.name);
    t = Math.max(t, name.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

let built = false;
/** Builds the bundle when it is missing or older than the sources. */
export function ensureBuilt(): void {
  if (built) return;
  const stale =
    !existsSync(binPath) ||
    statSync(binPath).mtimeMs <
      Math.max(newestMtime(path.join(repoRoot, 'src/cli')), newestMtime(path.join(repoRoot, 'src/state')));
  if (stale) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }
  built = true;
}

export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/s3state.mjs ARGS` in `cwd` with a controlled environment (no inherited AWS settings). */
export function runBin(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string | Buffer; closeStdin?: boolean } = {},
): Promise<BinResult> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: opts.env?.HOME ?? '/nonexistent-home',
        NO_COLOR: '',
        // The launcher's V8 code cache (src/cli/launch.ts), shared by the test runs, inside the checkout.
        S3STATE_COMPILE_CACHE_DIR: testCacheDir,
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
