// Bundles the CLI and the library to ESM.
//  - CLI: src/cli/main.ts → dist/chunks/cli.cjs, started by the launcher dist/s3state.mjs
//    (src/cli/launch.ts) with a V8 code cache; the AWS SDK is dist/chunks/aws-sdk.cjs, loaded on first use.
//  - Library: src/index.ts → dist/index.mjs (one file).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

// ESM bundles of CommonJS dependencies need a real `require` for Node built-ins.
const requireShim =
  "import { createRequire as __s3sCreateRequire } from 'node:module'; const require = __s3sCreateRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  // Less JavaScript to read and compile on every cold start. S3STATE_NO_MINIFY=1 keeps the
  // `// node_modules/…` markers that bench/profile-cold-start.ts attributes CPU samples with.
  minify: process.env.S3STATE_NO_MINIFY !== '1',
  // No keepNames: esbuild then wraps every closure in a `__name()` call that runs each time the
  // closure is created — ~0.25 s of a 61 MB `state pull`. Our error classes set `name` themselves.
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: requireShim },
  // The HCL parser ships a wasm file next to its JS; keep it as a package import.
  external: ['@cdktf/hcl2json', 'dynalite'],
  // src/aws/load-sdk.ts then loads the AWS SDK from dist/chunks/aws-sdk.cjs (built last, below).
  define: { S3STATE_VENDOR_BUNDLE: 'true' },
};
if (existsSync('src/cli/main.ts')) {
  // Chunk names carried content hashes once; clear what older builds left behind.
  rmSync('dist/chunks', { recursive: true, force: true });
  // The CLI: one CommonJS file, run by the launcher through vm.Script with a V8 code cache
  // (src/cli/launch.ts says why). Commands are still evaluated only when used (esbuild turns each
  // `import('./commands/…')` into a lazily run module wrapper), and V8 compiles functions lazily.
  const cli = 'dist/chunks/cli.cjs';
  await build({
    ...common,
    format: 'cjs',
    splitting: false,
    entryPoints: ['src/cli/main.ts'],
    outfile: cli,
    define: { ...common.define, 'import.meta.url': '__s3sImportMetaUrl' },
    banner: { js: "const __s3sImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // The launcher wraps the file in a function: a hashbang line would be a syntax error there.
  const text = readFileSync(cli, 'utf8').replace(/^#!.*\n/, '');
  writeFileSync(cli, text);
  const buildId = createHash('sha256').update(text).digest('hex').slice(0, 16);
  await build({
    ...common,
    entryPoints: ['src/cli/launch.ts'],
    outfile: 'dist/s3state.mjs',
    banner: {},
    define: { S3STATE_BUILD_ID: JSON.stringify(buildId) },
  });
}
if (existsSync('src/index.ts')) {
  await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.mjs', splitting: false });
}
// The AWS SDK, one CommonJS file outside the ESM chunk graph (see src/aws/load-sdk.ts).
await build({
  ...common,
  banner: {},
  define: {},
  format: 'cjs',
  // The SDK's own code is left as it expects it (function and class names intact).
  keepNames: true,
  entryPoints: ['scripts/aws-sdk-vendor.cjs'],
  outfile: 'dist/chunks/aws-sdk.cjs',
  splitting: false,
});
