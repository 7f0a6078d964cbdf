/**
 * `npm run bench`: s3state against real `terraform` (and `aws s3 cp` where it fits) on the same
 * local backend in the same run. Starts our S3 store and dynalite, creates the scenarios, and prints
 * for each command the median wall time of several runs, the ratio s3state/terraform, peak memory,
 * and the API calls each tool made (counted at the store and at a counting proxy in front of
 * DynamoDB) against the minimum the operation needs. Then profiles the CLI's cold start.
 *
 * Options: `--quick` (fewer runs, 10 MB large state), `--runs N`, `--large-mb N`, `--out FILE`
 * (also write the report as Markdown).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Store } from '../src/store/s3-store.ts';
import { startDynalite } from '../test/harness/dynalite.ts';
import { startFaultProxy } from '../test/harness/fault-proxy.ts';
import { tempDir } from '../test/harness/tmp.ts';
import { terraformPath } from '../test/harness/terraform.ts';
import { generateLargeState } from './generate-large-state.ts';
import { haveGnuTime, measure, measureInterleaved, median, runOnce, type Summary } from './measure.ts';
import { profileColdStart } from './profile-cold-start.ts';
import { createLockTable } from '../test/harness/lock-table.ts';
import { s3BackendBlock } from '../test/harness/backend-block.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = argv.includes('--quick');
const PROFILE_ONLY = argv.includes('--profile-only');
const RUNS_SMALL = Number(flag('--runs') ?? (QUICK ? 3 : 7));
const RUNS_LARGE = QUICK ? 2 : 3;
const LARGE_MB = Number(flag('--large-mb') ?? (QUICK ? 10 : 50));
const OUT = flag('--out');

const repo = resolve(import.meta.dirname, '..');
const corpus = resolve(repo, '../shared/spec/corpus');
const CLI = join(repo, 'dist/s3state.mjs');
const KEYS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
const BUCKET = 'bench';
const TABLE = 'bench-locks';

const report: string[] = [];
function out(line = ''): void {
  console.log(line);
  report.push(line);
}

function fmtS(x: number | undefined): string {
  return x === undefined ? 'n/a' : x < 1 ? `${(x * 1000).toFixed(0)} ms` : `${x.toFixed(2)} s`;
}
function fmtMb(x: number | undefined): string {
  return x === undefined ? 'n/a' : `${x.toFixed(0)} MB`;
}

interface Row {
  scenario: string;
  s3state?: Summary | string;
  terraform?: Summary | string;
  aws?: Summary | string;
}

function cell(v: Summary | string | undefined, what: 'wall' | 'rss'): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (v.error) return `failed (${v.error.slice(0, 60)})`;
  return what === 'wall' ? fmtS(v.wall) : fmtMb(v.rssMb);
}
function ratio(a: Summary | string | undefined, b: Summary | string | undefined): string {
  if (typeof a !== 'object' || typeof b !== 'object' || a.error || b.error) return '—';
  return `${(a.wall / b.wall).toFixed(2)}×`;
}

async function main(): Promise<void> {
  const tf = terraformPath();
  const haveAws = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).status === 0;
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run \`npm run build\` first (npm run bench does)`);
  const tmp = await tempDir('s3state-bench-');
  const s3Counts = new Map<string, number>();
  const store = await startS3Store({
    dataDir: join(tmp.path, 'store'),
    credentials: [KEYS],
    onRequest: (i) => s3Counts.set(i.operation, (s3Counts.get(i.operation) ?? 0) + 1),
  });
  const dynalite = await startDynalite();
  // A counting proxy (no faults planned) in front of DynamoDB, for the API-call table.
  const ddbProxy = await startFaultProxy({ upstream: dynalite.endpoint });
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: store.endpoint,
    forcePathStyle: true,
    credentials: KEYS,
  });
  const ddb = new DynamoDBClient({ region: 'us-east-1', endpoint: dynalite.endpoint, credentials: KEYS });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await createLockTable(ddb, TABLE);
    const home = join(tmp.path, 'home');
    mkdirSync(home);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_CLI_CONFIG_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      NO_COLOR: '1',
    };

    const backendBlock = (key: string): string =>
      s3BackendBlock({
        bucket: BUCKET,
        key,
        dynamodbTable: TABLE,
        endpoints: { s3: store.endpoint, dynamodb: ddbProxy.endpoint },
      });
    const makeDir = async (name: string, key: string): Promise<string> => {
      const dir = join(tmp.path, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'main.tf'), backendBlock(key));
      if (tf) {
        const r = await runOnce([tf, 'init', '-input=false', '-no-color'], { cwd: dir, env });
        if (r.code !== 0) throw new Error(`terraform init failed in ${dir}: ${r.stderr}`);
      } else {
        const r = await runOnce([process.execPath, CLI, 'init', '-input=false'], { cwd: dir, env });
        if (r.code !== 0) throw new Error(`s3state init failed in ${dir}: ${r.stderr}`);
      }
      return dir;
    };

    // ---- machine and versions
    out('## Machine and versions');
    out();
    out(`- CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
    out(
      `- Node ${process.version}; ${spawnSync(process.execPath, [CLI, 'version'], { encoding: 'utf8' }).stdout.trim()}`,
    );
    out(
      `- ${tf ? spawnSync(tf, ['version'], { encoding: 'utf8', env }).stdout.split('\n')[0] : 'terraform: not found'}`,
    );
    out(
      `- ${haveAws ? spawnSync('aws', ['--version'], { encoding: 'utf8' }).stdout.trim() || spawnSync('aws', ['--version'], { encoding: 'utf8' }).stderr.trim() : 'aws CLI: not found'}`,
    );
    out(`- peak memory: ${haveGnuTime ? 'GNU time (max RSS)' : 'not measured (/usr/bin/time missing)'}`);
    out(
      `- runs per figure: ${RUNS_SMALL} (small), ${RUNS_LARGE} (large), median, after one warm-up round; the tools run in turn within each round`,
    );
    out();

    // ---- scenarios
    const smallKey = 'small/terraform.tfstate';
    const largeKey = 'large/terraform.tfstate';
    const smallDir = await makeDir('small', smallKey);
    const largeDir = await makeDir('large', largeKey);
    const smallFile = join(corpus, 'gen-tf1.11.4-features-gen1.tfstate');
    // Seed the small state the way a user would (terraform's state push), else with s3state.
    {
      const seed = tf
        ? await runOnce([tf, 'state', 'push', '-force', smallFile], { cwd: smallDir, env })
        : await runOnce([process.execPath, CLI, 'state', 'push', '-force', smallFile], {
            cwd: smallDir,
            env,
          });
      if (seed.code !== 0) throw new Error(`seeding the small state failed: ${seed.stderr}`);
    }
    // 100 workspaces (named-workspace objects written directly).
    const emptyWs = readFileSync(join(corpus, 'gen-tf1.11.4-remote-outputs-only.tfstate'));
    for (let i = 0; i < 100; i++) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `env:/ws${String(i).padStart(3, '0')}/${smallKey}`,
          Body: emptyWs,
        }),
      );
    }
    // The large state: generated from the corpus shapes, stored with its digest.
    const largeText = generateLargeState(
      join(corpus, 'gen-tf1.11.4-large-1200-instances.tfstate'),
      LARGE_MB * 2 ** 20,
    );
    // The pushed file differs from the stored state (one output value), so every push really writes.
    const largeFile = join(tmp.path, 'large.tfstate');
    const pushed = JSON.parse(largeText) as { outputs: Record<string, { value: unknown }> };
    pushed.outputs['bench_pushed'] = { value: 'yes', type: 'string' } as never;
    writeFileSync(largeFile, JSON.stringify(pushed, null, 2) + '\n');
    const largeBytes = Buffer.byteLength(largeText);
    const putLarge = async (): Promise<void> => {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: largeKey,
          Body: largeText,
          ContentType: 'application/json',
        }),
      );
      await ddb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            LockID: { S: `${BUCKET}/${largeKey}-md5` },
            Digest: { S: createHash('md5').update(largeText).digest('hex') },
          },
        }),
      );
    };
    await putLarge();
    const largeCount = (JSON.parse(largeText) as { resources: { instances: unknown[] }[] }).resources.reduce(
      (a, r) => a + r.instances.length,
      0,
    );

    const s3s = (...args: string[]): string[] => [process.execPath, CLI, ...args];
    const tfc = (...args: string[]): string[] | undefined => (tf ? [tf, ...args] : undefined);
    const awsCp = (from: string, to: string): string[] | undefined =>
      haveAws
        ? ['aws', '--endpoint-url', store.endpoint, 's3', 'cp', '--only-show-errors', from, to]
        : undefined;

    interface Case {
      scenario: string;
      dir: string;
      runs: number;
      s3state: string[];
      terraform?: string[] | undefined;
      aws?: string[] | undefined;
      /** Minimum API calls for the operation, for the call table. */
      minimum: string;
    }
    const cases: Case[] = [
      {
        scenario: '`--version`',
        dir: smallDir,
        runs: RUNS_SMALL,
        s3state: s3s('--version'),
        terraform: tfc('version'),
        minimum: 'none',
      },
      {
        scenario: '`state pull` (small)',
        dir: smallDir,
        runs: RUNS_SMALL,
        s3state: s3s('state', 'pull'),
        terraform: tfc('state', 'pull'),
        aws: awsCp(`s3://${BUCKET}/${smallKey}`, '-'),
        minimum: 'S3 GetObject 1 + DynamoDB GetItem 1 (digest)',
      },
      {
        scenario: '`state list` (small)',
        dir: smallDir,
        runs: RUNS_SMALL,
        s3state: s3s('state', 'list'),
        terraform: tfc('state', 'list'),
        minimum: 'GetObject 1 + GetItem 1',
      },
      {
        scenario: '`output -json` (small)',
        dir: smallDir,
        runs: RUNS_SMALL,
        s3state: s3s('output', '-json'),
        terraform: tfc('output', '-json'),
        minimum: 'GetObject 1 + GetItem 1',
      },
      {
        scenario: '`workspace list` (101 workspaces)',
        dir: smallDir,
        runs: RUNS_SMALL,
        s3state: s3s('workspace', 'list'),
        terraform: tfc('workspace', 'list'),
        minimum: 'ListObjectsV2 1 (≤ 1000 keys per page)',
      },
      {
        scenario: `\`state pull\` (large, ${(largeBytes / 2 ** 20).toFixed(0)} MB, ${largeCount} instances)`,
        dir: largeDir,
        runs: RUNS_LARGE,
        s3state: s3s('state', 'pull'),
        terraform: tfc('state', 'pull'),
        aws: awsCp(`s3://${BUCKET}/${largeKey}`, '-'),
        minimum: 'GetObject 1 + GetItem 1',
      },
      {
        scenario: '`state list` (large)',
        dir: largeDir,
        runs: RUNS_LARGE,
        s3state: s3s('state', 'list'),
        terraform: tfc('state', 'list'),
        minimum: 'GetObject 1 + GetItem 1',
      },
      {
        scenario: '`state push -force` (large)',
        dir: largeDir,
        runs: RUNS_LARGE,
        s3state: s3s('state', 'push', '-force', largeFile),
        terraform: tfc('state', 'push', '-force', largeFile),
        aws: awsCp(largeFile, `s3://${BUCKET}/${largeKey}`),
        minimum:
          'lock PutItem 1, GetObject 1 + GetItem 1, PutObject 1 (or multipart) + PutItem 1 (digest), unlock DeleteItem 1 (+ GetItem 1 to check the holder)',
      },
    ];

    const rows: Row[] = [];
    const calls: { scenario: string; tool: string; s3: string; ddb: string; total: number }[] = [];
    const countCalls = async (scenario: string, tool: string, cmd: string[], dir: string): Promise<void> => {
      s3Counts.clear();
      ddbProxy.resetCounts();
      const r = await runOnce(cmd, { cwd: dir, env });
      if (r.code !== 0) return;
      const fmt = (m: Record<string, number>): string =>
        Object.entries(m)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '—';
      const s3m = Object.fromEntries(s3Counts);
      const ddbm = ddbProxy.counts();
      const total = [...Object.values(s3m), ...Object.values(ddbm)].reduce((a, b) => a + b, 0);
      calls.push({ scenario, tool, s3: fmt(s3m), ddb: fmt(ddbm), total });
    };

    for (const c of PROFILE_ONLY ? [] : cases) {
      process.stderr.write(`bench: ${c.scenario}\n`);
      const row: Row = { scenario: c.scenario };
      const isPush = c.s3state.includes('push');
      const before = isPush ? putLarge : undefined;
      const probe = await runOnce(c.s3state, { cwd: c.dir, env });
      const s3stateOk = probe.code === 0;
      if (!s3stateOk) {
        row.s3state = /not (built|available)|unknown command/i.test(probe.stderr)
          ? 'n/a (not built)'
          : `failed (${probe.stderr.trim().split('\n')[0]?.slice(0, 80) ?? ''})`;
      }
      const cmds = [
        ...(s3stateOk ? [c.s3state] : []),
        ...(c.terraform ? [c.terraform] : []),
        ...(c.aws ? [c.aws] : []),
      ];
      const sums = await measureInterleaved(cmds, {
        cwd: c.dir,
        env,
        runs: c.runs,
        ...(before ? { before } : {}),
      });
      let k = 0;
      if (s3stateOk) row.s3state = sums[k++]!;
      row.terraform = c.terraform ? sums[k++]! : 'n/a (terraform not found)';
      if (c.aws) row.aws = sums[k++]!;
      if (s3stateOk) {
        await before?.();
        await countCalls(c.scenario, 's3state', c.s3state, c.dir);
      }
      if (c.terraform) {
        await before?.();
        await countCalls(c.scenario, 'terraform', c.terraform, c.dir);
      }
      rows.push(row);
    }

    // Lock acquire + release as two CLI calls (terraform has no lock-only command).
    if (!PROFILE_ONLY) {
      process.stderr.write('bench: lock cycle\n');
      const cycle = [
        'sh',
        '-c',
        `id=$("${process.execPath}" "${CLI}" lock acquire) && "${process.execPath}" "${CLI}" lock release "$id"`,
      ];
      const probe = await runOnce(cycle, { cwd: smallDir, env });
      rows.push({
        scenario: 'lock acquire + release (2 CLI calls)',
        s3state:
          probe.code === 0
            ? await measure(cycle, { cwd: smallDir, env, runs: RUNS_SMALL })
            : `failed (${probe.stderr.trim().slice(0, 80)})`,
        terraform: 'n/a (no lock-only command)',
      });
      if (probe.code === 0) {
        s3Counts.clear();
        ddbProxy.resetCounts();
        await countCalls('lock acquire + release', 's3state', cycle, smallDir);
      }
    }

    out('## Wall time (median) and peak memory');
    out();
    out(
      '| scenario | s3state | terraform | ratio s3state/terraform | aws s3 cp | s3state peak RSS | terraform peak RSS |',
    );
    out('|---|---|---|---|---|---|---|');
    for (const r of rows) {
      out(
        `| ${r.scenario} | ${cell(r.s3state, 'wall')} | ${cell(r.terraform, 'wall')} | ${ratio(r.s3state, r.terraform)} | ${cell(r.aws, 'wall')} | ${cell(r.s3state, 'rss')} | ${cell(r.terraform, 'rss')} |`,
      );
    }
    out();
    out('## API calls per operation (one run, counted at the store and at a proxy in front of DynamoDB)');
    out();
    out('| scenario | tool | S3 | DynamoDB | total | minimum needed |');
    out('|---|---|---|---|---|---|');
    for (const c of calls) {
      const min =
        cases.find((x) => x.scenario === c.scenario)?.minimum ?? 'PutItem 1 + GetItem 1 + DeleteItem 1';
      out(`| ${c.scenario} | ${c.tool} | ${c.s3} | ${c.ddb} | ${c.total} | ${min} |`);
    }
    out();

    // ---- cold start
    process.stderr.write('bench: cold start\n');
    out('## Cold start');
    out();
    const base = await measure([process.execPath, '-e', '0'], { cwd: repo, env, runs: RUNS_SMALL });
    out(`- \`node -e 0\`: ${fmtS(base.wall)} (${fmtMb(base.rssMb)})`);
    const depCosts: { dep: string; ms: number }[] = [];
    for (const dep of PROFILE_ONLY
      ? []
      : [
          '@aws-sdk/client-s3',
          '@aws-sdk/client-dynamodb',
          '@aws-sdk/credential-providers',
          '@cdktf/hcl2json',
          'fast-xml-parser',
        ]) {
      const entry = join(tmp.path, `dep-${dep.replace(/\W/g, '_')}.mjs`);
      const src = join(tmp.path, `dep-${dep.replace(/\W/g, '_')}.src.mjs`);
      writeFileSync(src, `import * as m from '${dep}';\nglobalThis.__m = m;\n`);
      try {
        await build({
          entryPoints: [src],
          outfile: entry,
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          logLevel: 'silent',
          nodePaths: [join(repo, 'node_modules')],
          external: ['@cdktf/hcl2json'],
          banner: {
            js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
          },
        });
        const m = await measure([process.execPath, entry], { cwd: repo, env, runs: RUNS_SMALL });
        depCosts.push({ dep, ms: (m.wall - base.wall) * 1000 });
      } catch {
        // a dependency that cannot be bundled alone is skipped
      }
    }
    out('- Load cost of each dependency alone, bundled with esbuild (median wall minus `node -e 0`):');
    for (const d of depCosts) out(`  - ${d.dep}: +${d.ms.toFixed(0)} ms`);
    for (const args of [['--version'], ['state', 'pull']]) {
      const samples: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        try {
          last = await profileColdStart(CLI, args, smallDir, env);
          samples.push(last.profiledMs);
        } catch (e) {
          out(`- profile of \`s3state ${args.join(' ')}\`: failed (${(e as Error).message.slice(0, 100)})`);
          break;
        }
      }
      if (!last) continue;
      out(
        `- \`node --cpu-prof dist/s3state.mjs ${args.join(' ')}\`: wall ${last.wallMs.toFixed(0)} ms with the profiler, ${median(samples).toFixed(0)} ms sampled; CPU by module (last run):`,
      );
      const mb = last.scripts.reduce((a, x) => a + x.bytes, 0) / 2 ** 20;
      out(`  - (bundle files that ran code: ${last.scripts.length}, ${mb.toFixed(1)} MB of JavaScript)`);
      for (const g of last.groups.slice(0, 12)) out(`  - ${g.group}: ${g.ms.toFixed(1)} ms`);
    }
    out();
    out(
      `Reproduce: \`npm run bench\` (add \`-- --quick\` for a 2-minute run, \`-- --out docs/bench-latest.md\` to save).`,
    );
  } finally {
    s3.destroy();
    ddb.destroy();
    await ddbProxy.close();
    await dynalite.close();
    await store.close();
    await tmp.cleanup();
  }
  if (OUT) writeFileSync(OUT, report.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
