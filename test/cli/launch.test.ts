// The launcher (src/cli/launch.ts → dist/s3state.mjs) runs the CLI with a V8 code cache per command.
// What a user would notice: the same output with or without the cache, one cache file per command
// written after a successful run, and a damaged, foreign or unwritable cache costing nothing but speed.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runBin } from './bin.ts';
import { tempDir } from '../harness/tmp.ts';

describe('launcher: V8 code cache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    const t = await tempDir('s3state-v8cache-');
    dir = t.path;
    cleanup = t.cleanup;
  });
  after(() => cleanup());

  const run = (args: string[], env: Record<string, string>) => runBin(args, { env });

  test('first run writes the command cache, later runs use it and print the same', async () => {
    const cache = path.join(dir, 'a');
    const first = await run(['version'], { S3STATE_COMPILE_CACHE_DIR: cache });
    assert.equal(first.code, 0, first.stderr);
    const files = await readdir(cache);
    assert.equal(files.length, 1);
    assert.match(
      files[0]!,
      new RegExp(
        `^cli-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}-version\\.v8cache$`,
      ),
    );
    const bytes = await readFile(path.join(cache, files[0]!));
    assert.ok(bytes.byteLength > 1000);
    const second = await run(['version'], { S3STATE_COMPILE_CACHE_DIR: cache });
    assert.deepEqual(second, first);
    // Unchanged: a cache V8 accepted is not rewritten.
    assert.deepEqual(await readFile(path.join(cache, files[0]!)), bytes);
    const help = await run(['workspace', '-h'], { S3STATE_COMPILE_CACHE_DIR: cache });
    assert.equal(help.code, 0, help.stderr);
    assert.deepEqual(
      (await readdir(cache)).sort(),
      [files[0]!, files[0]!.replace('-version.', '-workspace.')].sort(),
    );
  });

  test('a failing command writes no cache', async () => {
    const cache = path.join(dir, 'b');
    const r = await run(['no-such-command'], { S3STATE_COMPILE_CACHE_DIR: cache });
    assert.equal(r.code, 2);
    await assert.rejects(readdir(cache), { code: 'ENOENT' });
  });

  test('a damaged cache is rejected by V8, replaced, and the output is unchanged', async () => {
    const cache = path.join(dir, 'c');
    const good = await run(['version'], { S3STATE_COMPILE_CACHE_DIR: cache });
    const [name] = await readdir(cache);
    await writeFile(path.join(cache, name!), Buffer.alloc(4096, 0x5a));
    const again = await run(['version'], { S3STATE_COMPILE_CACHE_DIR: cache });
    assert.deepEqual(again, good);
    const repaired = await readFile(path.join(cache, name!));
    assert.notDeepEqual(repaired, Buffer.alloc(4096, 0x5a));
  });

  test('an unwritable cache directory and S3STATE_COMPILE_CACHE=0 only cost speed', async () => {
    // A directory below a regular file cannot be created, not even by root.
    const blocker = path.join(dir, 'a-file');
    await writeFile(blocker, 'not a directory');
    const r = await run(['version'], { S3STATE_COMPILE_CACHE_DIR: path.join(blocker, 'sub') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(await readFile(blocker, 'utf8'), 'not a directory');
    const off = path.join(dir, 'off');
    const r2 = await run(['version'], { S3STATE_COMPILE_CACHE_DIR: off, S3STATE_COMPILE_CACHE: '0' });
    assert.equal(r2.stdout, r.stdout);
    await assert.rejects(readdir(off), { code: 'ENOENT' });
  });
});
