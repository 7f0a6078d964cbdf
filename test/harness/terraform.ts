import { spawn, spawnSync } from 'node:child_process';

let tfPath: string | null | undefined;
/** Absolute path of `terraform` on PATH, or null. */
export function terraformPath(): string | null {
  if (tfPath === undefined) {
    const r = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
    tfPath = r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
  }
  return tfPath;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs terraform in `cwd` with the isolated environment the testing guide prescribes
 * (`HOME` = `home`, no checkpoint, automation mode, no CLI config file).
 */
export function runTerraform(
  args: string[],
  opts: { cwd: string; home: string; env?: Record<string, string>; input?: string },
): Promise<RunResult> {
  const bin = terraformPath();
  if (!bin) throw new Error('terraform not found');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: opts.home,
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        TF_CLI_CONFIG_FILE: '/dev/null',
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
