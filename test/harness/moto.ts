import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort, waitFor } from './ports.ts';

/** A running moto_server (S3, DynamoDB, STS, IAM, KMS in one process). */
export interface MotoServer {
  endpoint: string;
  close(): Promise<void>;
}

let present: boolean | undefined;
/** Whether `moto_server` is on PATH (checked once). */
export function motoAvailable(): boolean {
  if (present === undefined) {
    const r = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
    present = r.status === 0 && r.stdout.trim() !== '';
  }
  return present;
}

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT`. Returns undefined when moto is not installed
 * (callers print `SKIPPED: moto_server not found`). `env` adds variables such as
 * `INITIAL_NO_AUTH_ACTION_COUNT` for IAM-enforcing runs.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<MotoServer | undefined> {
  if (!motoAvailable()) return undefined;
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
        const res = await fetch(`${endpoint}/moto-api/`);
        return res.status < 500;
      },
      20_000,
      'moto_server',
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
