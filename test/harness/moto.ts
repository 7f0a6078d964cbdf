import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.ts';
import { awaitServerProcess } from './server-process.ts';

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
  const endpoint = `http://127.0.0.1:${port}`;
  const close = await awaitServerProcess(
    child,
    'moto_server',
    async () => {
      const res = await fetch(`${endpoint}/moto-api/`);
      return res.status < 500;
    },
    20_000,
  );
  return { endpoint, close };
}
