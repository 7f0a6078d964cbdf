// Bundles the CLI and the library to ESM.
//  - CLI: src/cli/main.ts → dist/s3state.mjs plus lazily loaded chunks in dist/chunks/ (esbuild code
//    splitting), so `s3state --version` and `help` load one small file and never the AWS SDK.
//  - Library: src/index.ts → dist/index.mjs (one file).
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';

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
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: requireShim },
  // The HCL parser ships a wasm file next to its JS; keep it as a package import.
  external: ['@cdktf/hcl2json', 'dynalite'],
  // src/aws/load-sdk.ts then loads the AWS SDK from dist/chunks/aws-sdk.cjs (built last, below).
  define: { S3STATE_VENDOR_BUNDLE: 'true' },
};
if (existsSync('src/cli/main.ts')) {
  // Chunk names carry content hashes: without this, every build left its old chunks behind.
  rmSync('dist/chunks', { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { s3state: 'src/cli/main.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
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
  entryPoints: ['scripts/aws-sdk-vendor.cjs'],
  outfile: 'dist/chunks/aws-sdk.cjs',
  splitting: false,
});
