import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withProgress } from './progress.ts';
import type { CommandContext } from './command-context.ts';

function ctxWith(tty: boolean, sink: string[]): CommandContext {
  return { io: { stderrIsTTY: tty, err: (t: string) => sink.push(t) } } as unknown as CommandContext;
}

test('progress: shown on a TTY for slow work, erased at the end', async () => {
  const sink: string[] = [];
  let release!: () => void;
  const work = new Promise<void>((r) => (release = r));
  const p = withProgress(ctxWith(true, sink), 'Reading s3://b/k', () => work.then(() => 42), 0);
  await new Promise<void>((r) => {
    const t = setInterval(() => {
      if (sink.length > 0) {
        clearInterval(t);
        r();
      }
    }, 10);
  });
  release();
  assert.equal(await p, 42);
  assert.match(sink[0] ?? '', /Reading s3:\/\/b\/k \(\d+\.\ds\)/);
  assert.equal(sink.at(-1), '\r\x1b[K');
});

test('progress: nothing printed when stderr is not a TTY', async () => {
  const sink: string[] = [];
  assert.equal(await withProgress(ctxWith(false, sink), 'x', async () => 'v', 0), 'v');
  assert.deepEqual(sink, []);
});
