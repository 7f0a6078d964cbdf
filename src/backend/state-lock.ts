import type { LockInfo } from '../lock/lock-info.ts';

/**
 * A held lock, scoped: `await using lock = await mgr.lock({ operation: 'apply' })` releases it on
 * every path. `release()` is idempotent; disposal after an explicit release does nothing.
 */
export interface StateLock extends AsyncDisposable {
  /** The lock ID (`""` when locking is disabled for this backend). */
  readonly id: string;
  /** The lock info that was written. */
  readonly info: LockInfo;
  /** Whether a lock was actually taken (false when no lock mechanism is configured). */
  readonly enabled: boolean;
  /** Releases the lock (no-op when already released or disabled). */
  release(): Promise<void>;
}

/** Builds a {@link StateLock} around an unlock function. */
export function scopedLock(
  id: string,
  info: LockInfo,
  enabled: boolean,
  unlock: (id: string) => Promise<void>,
): StateLock {
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    if (!enabled) return Promise.resolve();
    released ??= unlock(id);
    return released;
  };
  return {
    id,
    info,
    enabled,
    release,
    [Symbol.asyncDispose]: release,
  };
}
