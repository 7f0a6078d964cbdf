import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './ports.ts';
import { tempDir } from './tmp.ts';

/** Folder of the shared Ceph RGW scripts (`start.sh DIR PORT`, `stop.sh DIR`). */
const TOOLS = '/work/shared/tools/ceph-rgw';

/** The S3 user the scripts create. */
export const RGW_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Whether Ceph's radosgw is installed (on PATH or at /usr/bin/radosgw). Never installs it. */
export function rgwAvailable(): boolean {
  if (existsSync('/usr/bin/radosgw')) return true;
  const r = spawnSync('sh', ['-c', 'command -v radosgw'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** A running single-node Ceph cluster with radosgw. */
export interface RgwServer {
  endpoint: string;
  close(): Promise<void>;
}

function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/**
 * Starts mon + OSD + radosgw in a temporary folder (S3 and the monitor each on a free loopback port;
 * the script's default monitor port, S3's + 1, may belong to another suite's server running in
 * parallel). A start that fails is tried once more on fresh ports, since a port found free can be
 * taken before Ceph binds it. Returns undefined when radosgw is not installed (callers print
 * `SKIPPED: Ceph RGW not installed`).
 */
export async function startRgw(): Promise<RgwServer | undefined> {
  if (!rgwAvailable()) return undefined;
  let failure = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const server = await startRgwOnce();
    if (typeof server !== 'string') return server;
    failure += `${attempt > 1 ? '; then ' : ''}${server}`;
  }
  throw new Error(`Ceph RGW did not start: ${failure}`);
}

async function startRgwOnce(): Promise<RgwServer | string> {
  const dir = await tempDir('s3state-rgw-');
  const port = await freePort();
  let monPort = await freePort();
  while (monPort === port) monPort = await freePort();
  const started = await run(`${TOOLS}/start.sh`, [dir.path, String(port)], { MONPORT: String(monPort) });
  if (started.code !== 0) {
    await run(`${TOOLS}/stop.sh`, [dir.path]);
    await dir.cleanup();
    return `start.sh exit ${started.code} (S3 port ${port}, monitor port ${monPort}): ${started.output}`;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await run(`${TOOLS}/stop.sh`, [dir.path]);
      await dir.cleanup();
    },
  };
}
