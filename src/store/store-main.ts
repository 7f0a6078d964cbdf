/**
 * Standalone runner of the store (for tests that `kill -9` a child process, and for manual use):
 * `node --import tsx src/store/store-main.ts --data DIR [--port N] [--host H]`.
 * Prints `READY <endpoint>` on stdout once listening; SIGTERM/SIGINT close it cleanly.
 */
import { isS3StateError } from '../errors.ts';
import { startS3Store, type RunningS3Store } from './s3-store.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = arg('--data');
if (dataDir === undefined) {
  process.stderr.write('usage: store-main --data DIR [--port N] [--host H] [--region R]\n');
  process.exitCode = 2;
} else {
  let store: RunningS3Store;
  try {
    store = await startS3Store({
      dataDir,
      port: Number(arg('--port') ?? '0'),
      host: arg('--host') ?? '127.0.0.1',
      region: arg('--region') ?? 'us-east-1',
      reporter: (e) => {
        if (e.level === 'warn') process.stderr.write(`${e.level}: ${e.message}\n`);
      },
    });
  } catch (e) {
    const hint = isS3StateError(e) && e.hint ? `\n${e.hint}` : '';
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}${hint}\n`);
    process.exit(1);
  }
  process.stdout.write(`READY ${store.endpoint}\n`);
  const stop = (): void => {
    void store.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
