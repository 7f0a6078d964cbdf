#!/usr/bin/env node
/*
 * The `s3state` bin (bundled to dist/s3state.mjs). It runs the CLI (dist/chunks/cli.cjs, one CommonJS
 * bundle of src/cli/main.ts) through `vm.Script` with a V8 code cache, because on a cold start compiling
 * the CLI's JavaScript costs about as much as everything else s3state does for a small `state pull`
 * (measured: ≈25 ms of ≈140 ms). Node 20 has no module compile cache for ESM (`module.enableCompileCache`
 * is Node 22), so the CLI is CommonJS and the cache is V8's own `cachedData`.
 *
 * The cache is per command (`state-pull`, `output`, …), so each holds what that command compiled, and is
 * written once, at the exit of the first successful run, to `$S3STATE_COMPILE_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/s3state`, else `~/.cache/s3state` (a directory of the user, mode 0700). V8 rejects a
 * cache made for another build, Node or V8 flags, and the file name carries the build ID and Node
 * version as well. `S3STATE_COMPILE_CACHE=0` turns it off. Any cache problem only costs speed.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** Content hash of dist/chunks/cli.cjs, set by scripts/build.mjs. */
declare const S3STATE_BUILD_ID: string;

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, 'chunks', 'cli.cjs');

/** The cache file for this command line, or undefined when caching is off. */
function cacheFile(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  if (env['S3STATE_COMPILE_CACHE'] === '0') return undefined;
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) continue;
    if (!/^[a-z]{1,16}$/.test(a) || words.length === 2) break;
    words.push(a);
  }
  let dir = env['S3STATE_COMPILE_CACHE_DIR'];
  if (!dir) {
    const base = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
    dir = join(base, 's3state');
  }
  const name = `cli-${S3STATE_BUILD_ID}-${process.version}-${process.arch}-${words.join('-') || 'none'}.v8cache`;
  return join(dir, name);
}

function readCache(path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(path: string, data: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, path); // atomic: concurrent first runs never leave a torn file
  } catch {
    // read-only or full disk: run without a cache
  }
}

const argv = process.argv.slice(2);
const cachePath = cacheFile(argv, process.env);
const cached = readCache(cachePath);
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
  filename: file,
  ...(cached ? { cachedData: cached } : {}),
});
if (cachePath && (!cached || script.cachedDataRejected)) {
  process.once('exit', (code) => {
    if (code === 0) writeCache(cachePath, script.createCachedData());
  });
}
const wrapper = script.runInThisContext() as (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;
const mod = { exports: {} };
wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
