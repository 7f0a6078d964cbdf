// Bundles the CLI and the library to single ESM files (fast cold start: one file to load).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'src/cli/main.ts', out: 'dist/s3state.mjs', banner: '#!/usr/bin/env node' },
  { in: 'src/index.ts', out: 'dist/index.mjs' },
];
// ESM bundles of CommonJS dependencies need a real `require` for Node built-ins.
const requireShim = "import { createRequire as __s3sCreateRequire } from 'node:module'; const require = __s3sCreateRequire(import.meta.url);";
for (const e of entries) {
  if (!existsSync(e.in)) continue;
  await build({
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: false,
    splitting: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: (e.banner ? e.banner + '\n' : '') + requireShim },
    // The HCL parser ships a wasm file next to its JS; keep it as a package import.
    external: ['@cdktf/hcl2json', 'dynalite'],
  });
}
