/**
 * Test helper: runs the store as a child process (`src/store/store-main.ts`) so a test can `kill -9` it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

/** A store running in a child process. */
export interface StoreProcess {
  endpoint: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the READY line. */
  startupMs: number;
  /** Sends SIGKILL and waits for the process to exit. */
  kill9(): Promise<void>;
  /** Sends SIGTERM and waits for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `store-main.ts --data dataDir` and waits for its `READY <endpoint>` line. */
export async function spawnStore(dataDir: string, port = 0): Promise<StoreProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/store/store-main.ts', '--data', dataDir, '--port', String(port)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const endpoint = await new Promise<string>((resolveReady, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolveReady(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`store exited with ${code} before READY: ${stderr}`)));
  });
  const startupMs = performance.now() - started;
  const exited = once(child, 'exit');
  return {
    endpoint,
    child,
    startupMs,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
