/** Time source and sleeper, injected so retry windows are testable without real sleeps. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A clock whose `sleep` advances virtual time instantly (for tests and simulations); `onSleep` runs
 * before each sleep returns, e.g. to change the world "during" the wait.
 */
export function virtualClock(
  start = 0,
  onSleep?: (ms: number) => void | Promise<void>,
): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
      await onSleep?.(ms);
    },
  };
}
