// Runs the test suites with Node's own test runner (TypeScript through tsx).
//   node scripts/test.mjs            unit + integration tests (src/**/*.test.ts, test/**/*.test.ts)
//   node scripts/test.mjs --interop  the suites that drive a real `terraform` (test/interop)
//   node scripts/test.mjs --stress   the long contention/crash suites (test/stress)
//   node scripts/test.mjs FILE…      only these files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const mode = args.includes('--interop') ? 'interop' : args.includes('--stress') ? 'stress' : 'default';
let files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  const all = [...walk('src'), ...walk('test')].sort();
  files = all.filter((f) => {
    const interop = f.startsWith(join('test', 'interop'));
    const stress = f.startsWith(join('test', 'stress'));
    if (mode === 'interop') return interop;
    if (mode === 'stress') return stress;
    return !interop && !stress;
  });
}
if (files.length === 0) {
  console.error(`no test files found for ${mode}`);
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, S3STATE_TEST: '1' } },
);
process.exit(res.status ?? 1);
