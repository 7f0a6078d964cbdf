/**
 * Cold-start profiling of the bundled CLI: runs `node --cpu-prof` on `dist/s3state.mjs ARGS` and
 * attributes the CPU samples to the bundled modules. esbuild (unminified) marks each module's code
 * with a `// path/to/module.js` comment, so a sample's line (V8 `positionTicks`) maps to the module
 * that owns it; samples outside the bundle are grouped as V8/Node internals.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** CPU time attributed to one group (a package, a source folder, or an engine bucket). */
export interface ProfileGroup {
  group: string;
  ms: number;
}

/** Result of one profiled run. */
export interface ColdStartProfile {
  /** Wall time of the profiled process (includes profiler overhead), ms. */
  wallMs: number;
  /** Profile duration (script start to exit), ms. */
  profiledMs: number;
  groups: ProfileGroup[];
  /** Bundle files that ran code, with their sizes in bytes. */
  scripts: { file: string; bytes: number }[];
}

/** Package or source folder of a bundled module path (`node_modules/@aws-sdk/client-s3/...` → `@aws-sdk/client-s3`). */
export function moduleGroup(path: string): string {
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : rest[0]!;
  }
  const m = /^(src\/[^/]+)/.exec(path);
  return m ? m[1]! : path;
}

/** Line (1-based) → module group, from esbuild's `// path` markers. */
function lineOwners(bundleText: string): (line: number) => string {
  const starts: { line: number; group: string }[] = [];
  const lines = bundleText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(lines[i]!);
    if (m) starts.push({ line: i + 1, group: moduleGroup(m[1]!) });
  }
  return (line: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    let best = '(bundle preamble)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= line) {
        best = starts[mid]!.group;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };
}

/**
 * Profiles one cold run of `node <bundle> ...args` in `cwd`. Asynchronous on purpose: the servers
 * the command talks to may live in this very process.
 */
export async function profileColdStart(
  bundle: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<ColdStartProfile> {
  const dir = mkdtempSync(join(tmpdir(), 's3state-prof-'));
  try {
    const t0 = process.hrtime.bigint();
    const r = await new Promise<{ code: number; stderr: string }>((res, rej) => {
      const child = spawn(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100', bundle, ...args],
        { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', rej);
      child.on('close', (code) => res({ code: code ?? -1, stderr }));
    });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.code !== 0) throw new Error(`profiled run failed: ${r.stderr}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    // The bundle may be split into lazily loaded chunks: every file next to it is mapped the same way.
    const distUrl = pathToFileURL(dirname(bundle)).href + '/';
    const owners = new Map<string, (line: number) => string>();
    const ownerOf = (url: string): ((line: number) => string) => {
      let o = owners.get(url);
      if (!o) {
        o = lineOwners(readFileSync(fileURLToPath(url), 'utf8'));
        owners.set(url, o);
      }
      return o;
    };
    // Self time per node from the sample stream.
    const selfUs = new Map<number, number>();
    for (let i = 0; i < prof.samples.length; i++) {
      const id = prof.samples[i]!;
      selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
    }
    const groups = new Map<string, number>();
    const add = (g: string, us: number): void => {
      groups.set(g, (groups.get(g) ?? 0) + us);
    };
    for (const node of prof.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      if (us === 0) continue;
      const { url, functionName } = node.callFrame;
      if (url.startsWith(distUrl) && url.endsWith('.mjs')) {
        const owner = ownerOf(url);
        const ticks = node.positionTicks ?? [];
        const total = ticks.reduce((a, t) => a + t.ticks, 0);
        if (total === 0) add(owner(node.callFrame.lineNumber + 1), us);
        else for (const t of ticks) add(owner(t.line), (us * t.ticks) / total);
      } else if (url.startsWith('node:')) add('node internals (module loader, fs, …)', us);
      else if (url === '') add(functionName.startsWith('(') ? functionName : 'V8 builtins', us);
      else add(url, us);
    }
    const scripts = [...owners.keys()].map((u) => {
      const f = fileURLToPath(u);
      return { file: f.slice(dirname(bundle).length + 1), bytes: statSync(f).size };
    });
    return {
      scripts,
      wallMs,
      profiledMs: (prof.endTime - prof.startTime) / 1000,
      groups: [...groups.entries()]
        .map(([group, us]) => ({ group, ms: us / 1000 }))
        .sort((a, b) => b.ms - a.ms),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
