import type { StateLock } from '../backend/state-lock.ts';
import type { StateManager } from '../backend/state-manager.ts';
import { S3StateError, isS3StateError } from '../errors.ts';
import { VERSION } from './version.ts';
import type { CommandContext } from './command-context.ts';

const ACQUIRE_ADVICE =
  's3state acquires a state lock to protect the state from being written\n' +
  'by multiple users at the same time. Please resolve the issue above and try\n' +
  'again. For most commands, you can disable locking with the "-lock=false"\n' +
  'flag, but this is not recommended.';

const RELEASE_ADVICE =
  's3state acquires a lock when accessing your state to prevent others\n' +
  'running commands from writing to the state at the same time. Please resolve\n' +
  'the issue above and try again. You may have to use `s3state force-unlock`\n' +
  'with the lock ID shown above to release the lock.';

/**
 * Takes the state lock for a CLI operation, honouring `-lock=false` and `-lock-timeout`. A failure
 * becomes the peers' `Error acquiring the state lock` error (code `LOCK`, exit 3) whose detail holds the
 * underlying error and the holder's `Lock Info:` block.
 */
export async function acquireCliLock(
  ctx: CommandContext,
  mgr: StateManager,
  operation: string,
  info = '',
): Promise<StateLock | undefined> {
  if (!ctx.globals.lock) return undefined;
  try {
    const lock = await mgr.lock({ operation, info, version: VERSION, timeoutMs: ctx.globals.lockTimeoutMs });
    if (lock.enabled) guardInterrupt(ctx, lock);
    return lock;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = isS3StateError(e) && e.code !== 'LOCK' ? e.code : 'LOCK';
    throw new S3StateError(code, 'Error acquiring the state lock', {
      cause: e,
      detail: `Error message: ${msg.replace(/\n+$/, '')}\n\n${ACQUIRE_ADVICE}`,
    });
  }
}

const unguard = new WeakMap<StateLock, () => void>();

/**
 * While a lock is held, the first Ctrl-C does not kill the process half-way through a write: the command
 * finishes its current step and releases the lock (as terraform does). A second Ctrl-C exits at once.
 */
function guardInterrupt(ctx: CommandContext, lock: StateLock): void {
  const onSignal = (): void => {
    ctx.io.err('\nInterrupt received: finishing the current step and releasing the state lock…\n');
  };
  process.once('SIGINT', onSignal);
  unguard.set(lock, () => process.removeListener('SIGINT', onSignal));
}

/** Releases a lock taken by {@link acquireCliLock}; a failure becomes `Error releasing the state lock`. */
export async function releaseCliLock(lock: StateLock | undefined): Promise<void> {
  if (!lock) return;
  unguard.get(lock)?.();
  try {
    await lock.release();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new S3StateError('LOCK', 'Error releasing the state lock', {
      cause: e,
      detail: `Error message: ${msg.replace(/\n+$/, '')}\n\nLock ID: ${lock.id}\n\n${RELEASE_ADVICE}`,
    });
  }
}

/** Runs `fn` under the CLI lock and releases it on every path (a release error after success is reported). */
export async function underCliLock<T>(
  ctx: CommandContext,
  mgr: StateManager,
  operation: string,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await acquireCliLock(ctx, mgr, operation);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    try {
      await releaseCliLock(lock);
    } catch (e2) {
      ctx.io.err(`\n${e2 instanceof Error ? e2.message : String(e2)}\n`);
    }
    throw e;
  }
  await releaseCliLock(lock);
  return result;
}
