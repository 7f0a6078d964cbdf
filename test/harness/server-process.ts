import type { ChildProcess } from 'node:child_process';
import { waitFor } from './ports.ts';

/**
 * Waits until a spawned server answers `probe`, and returns how to stop it (SIGTERM, resolved on exit).
 * Fails at once, with the tail of the server's stderr, when the process exits before it answers; kills it
 * (SIGKILL) when it does not answer within `timeoutMs`. `child` must be spawned with stderr piped.
 */
export async function awaitServerProcess(
  child: ChildProcess,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<() => Promise<void>> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let exited = false;
  try {
    // `waitFor` takes a throwing probe for "not ready yet", so an exit is flagged rather than thrown.
    await waitFor(
      async () => {
        exited = child.exitCode !== null || child.signalCode !== null;
        return exited || (await probe());
      },
      timeoutMs,
      what,
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  if (exited) {
    await closed; // the last of stderr arrives before 'close'
    throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before answering: ${stderr}`);
  }
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}
