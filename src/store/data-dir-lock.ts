/**
 * Exclusive use of a data folder: two stores writing one folder would corrupt each other's view,
 * so a store holds `store.lock` (its process id) while it runs. A lock left by a process that no
 * longer exists (e.g. after `kill -9`) is taken over.
 */
import { open, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { S3StateError } from '../errors.ts';

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data folder's lock; returns the function that releases it. Throws `STORE` when in use. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  const path = join(dir, 'store.lock');
  const inUse = (who: string): S3StateError =>
    new S3StateError('STORE', `The store data folder ${dir} is in use by ${who}`, {
      hint: 'Stop the other store, or give this one another --data folder.',
    });
  if (heldHere.has(dir)) throw inUse('another store in this process');
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw inUse(`process ${pid}`);
    // Stale: its owner is gone.
    await writeFile(path, String(process.pid));
  }
  heldHere.add(dir);
  return async () => {
    heldHere.delete(dir);
    await unlink(path).catch(() => undefined);
  };
}
