import { systemClock, type Clock } from '../remote/clock.ts';
import { isLockError } from './lock-error.ts';
import type { LockInfo } from './lock-info.ts';
import type { Locker } from './locker.ts';

/** Options of {@link lockWithRetry}. */
export interface LockRetryOptions {
  /** Keep trying this long (the CLI's `-lock-timeout`). @default 0 (one attempt) */
  timeoutMs?: number;
  /** @default the system clock */
  clock?: Clock;
  /** Called before each wait with the error that caused it. */
  onRetry?: (err: unknown, delayMs: number) => void;
}

/** First back-off delay. */
export const LOCK_RETRY_INITIAL_MS = 1_000;
/** Back-off cap. */
export const LOCK_RETRY_MAX_MS = 16_000;

/**
 * Takes the lock, retrying as the peers' `LockWithContext` does: only while the failure is a
 * `LockError` that is retryable (a holder with an ID, or a racing write), waiting 1 s doubling to
 * 16 s, until `timeoutMs` has passed. The last error is thrown.
 */
export async function lockWithRetry(
  locker: Locker,
  info: LockInfo,
  opts: LockRetryOptions = {},
): Promise<string> {
  const clock = opts.clock ?? systemClock;
  const deadline = clock.now() + (opts.timeoutMs ?? 0);
  let delay = LOCK_RETRY_INITIAL_MS;
  for (;;) {
    try {
      return await locker.lock(info);
    } catch (e) {
      if (!isLockError(e) || !e.retryable) throw e;
      const left = deadline - clock.now();
      if (left <= 0) throw e;
      const wait = Math.min(delay, left);
      opts.onRetry?.(e, wait);
      await clock.sleep(wait);
      if (delay < LOCK_RETRY_MAX_MS) delay = Math.min(delay * 2, LOCK_RETRY_MAX_MS);
    }
  }
}
