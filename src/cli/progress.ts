import type { CommandContext } from './command-context.ts';

/**
 * Runs `fn` and, when stderr is a terminal and the work takes longer than `delayMs` (large states), shows a
 * one-line progress indicator with the elapsed time on stderr, erased when done. Nothing is printed
 * otherwise, so redirected output and CI logs stay clean.
 */
export async function withProgress<T>(
  ctx: CommandContext,
  label: string,
  fn: () => Promise<T>,
  delayMs = 700,
): Promise<T> {
  if (!ctx.io.stderrIsTTY) return fn();
  const start = Date.now();
  let shown = false;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let n = 0;
  const tick = (): void => {
    if (Date.now() - start < delayMs) return;
    shown = true;
    const secs = ((Date.now() - start) / 1000).toFixed(1);
    ctx.io.err(`\r${frames[n++ % frames.length] ?? ''} ${label} (${secs}s)\x1b[K`);
  };
  const timer = setInterval(tick, 100);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    if (shown) ctx.io.err('\r\x1b[K');
  }
}
