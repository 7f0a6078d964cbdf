// Read-only commands in an initialised directory must not start the wasm HCL parser: the saved
// configuration (`.terraform/terraform.tfstate` from `terraform init`, or `.s3state/backend.json` from
// `s3state init`) is all they need. A `--require` preload (passed with NODE_OPTIONS) hooks Node's module
// loader and makes any attempt to load `@cdktf/hcl2json` fail loudly; `s3state config`, which must parse
// `*.tf`, shows that the hook works.
// The same commands read through the lean S3/DynamoDB path and must not load the AWS SDK either
// (`dist/chunks/aws-sdk.cjs`, required on first use): the preload records any require of it, and
// `workspace new`, which writes, shows that this works too. Both hold with and without the code cache.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startBackendFixture, type BackendFixture } from './fixture.ts';
import { runBin, type BinResult } from './bin.ts';
import { runTerraform, terraformPath } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';

const MARKER = 'S3STATE-TEST: HCL parser loaded';
const SDK_MARKER = 'S3STATE-TEST: AWS SDK loaded';
const RESOURCES = `
resource "terraform_data" "a" { input = "hello" }
resource "terraform_data" "b" { input = 42 }
output "x" { value = terraform_data.a.output }
`;

const READ_COMMANDS: { args: string[]; expect: (r: BinResult) => void }[] = [
  {
    args: ['state', 'list'],
    expect: (r) => assert.equal(r.stdout, 'terraform_data.a\nterraform_data.b\n'),
  },
  {
    args: ['state', 'pull'],
    expect: (r) => assert.equal((JSON.parse(r.stdout) as { serial: number }).serial > 0, true),
  },
  {
    args: ['output', '-json'],
    expect: (r) =>
      assert.deepEqual(JSON.parse(r.stdout), { x: { sensitive: false, type: 'string', value: 'hello' } }),
  },
  { args: ['workspace', 'list'], expect: (r) => assert.equal(r.stdout, '* default\n\n') },
  { args: ['state', 'show', 'terraform_data.b'], expect: (r) => assert.match(r.stdout, /input\s+= 42/) },
];

describe('cold start: read-only commands use the saved configuration without parsing *.tf', () => {
  let f: BackendFixture;
  let probeOption: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    f = await startBackendFixture();
    const tmp = await tempDir('s3state-hook-');
    cleanup = tmp.cleanup;
    const probe = path.join(tmp.path, 'probe.cjs');
    await writeFile(
      probe,
      `const Module = require('node:module');\n` +
        `const load = Module._load;\n` +
        `let loaded = false;\n` +
        `Module._load = function (request, ...rest) {\n` +
        `  if (process.env.S3STATE_TEST_NO_HCL === '1' && request === '@cdktf/hcl2json') throw new Error(${JSON.stringify(MARKER)});\n` +
        `  if (/aws-sdk\\.cjs$|@aws-sdk[\\/]client-/.test(request)) loaded = true;\n` +
        `  return load.call(this, request, ...rest);\n};\n` +
        `process.on('exit', () => { if (loaded) process.stderr.write(${JSON.stringify(SDK_MARKER)} + '\\n'); });\n`,
    );
    probeOption = `--require=${probe}`;
  });
  after(async () => {
    await f.close();
    await cleanup();
  });

  const run = (args: string[], cwd: string): Promise<BinResult> =>
    runBin(args, { cwd, env: { ...f.env, NODE_OPTIONS: probeOption, S3STATE_TEST_NO_HCL: '1' } });

  async function checkReadCommands(dir: string): Promise<void> {
    // Twice: the first run writes the code cache, the second runs from it.
    for (const c of [...READ_COMMANDS, ...READ_COMMANDS]) {
      const r = await run(c.args, dir);
      assert.ok(!r.stderr.includes(MARKER), `${c.args.join(' ')} loaded the HCL parser`);
      assert.ok(!r.stderr.includes(SDK_MARKER), `${c.args.join(' ')} loaded the AWS SDK`);
      assert.equal(r.code, 0, `${c.args.join(' ')}: ${r.stderr}`);
      c.expect(r);
    }
    // The hook works: `config` reads the *.tf files and so trips it.
    const cfg = await run(['config'], dir);
    assert.ok(cfg.stderr.includes(MARKER), `config did not trip the hook: ${cfg.stderr}`);
    // A write needs the SDK, and the probe sees it (the HCL hook off: writes do read *.tf).
    const created = await runBin(['workspace', 'new', 'cold-probe'], {
      cwd: dir,
      env: { ...f.env, NODE_OPTIONS: probeOption },
    });
    assert.equal(created.code, 0, created.stderr);
    assert.ok(
      created.stderr.includes(SDK_MARKER),
      `workspace new did not trip the SDK probe: ${created.stderr}`,
    );
  }

  test(
    'directory initialised by terraform (.terraform/terraform.tfstate)',
    { skip: terraformPath() ? false : 'terraform not found' },
    async () => {
      const dir = await f.makeDir({ key: 'cold-tf/terraform.tfstate', lock: 'both' });
      await writeFile(path.join(dir, 'resources.tf'), RESOURCES);
      const tfEnv = { ...f.env, AWS_REGION: 'us-east-1' };
      const init = await runTerraform(['init', '-input=false', '-no-color'], {
        cwd: dir,
        home: f.home,
        env: tfEnv,
      });
      assert.equal(init.code, 0, init.stderr);
      const apply = await runTerraform(['apply', '-auto-approve', '-input=false', '-no-color'], {
        cwd: dir,
        home: f.home,
        env: tfEnv,
      });
      assert.equal(apply.code, 0, apply.stderr);
      await checkReadCommands(dir);
    },
  );

  test('directory initialised by s3state (.s3state/backend.json)', async () => {
    const dir = await f.makeDir({ key: 'cold-s3s/terraform.tfstate', lock: 'both' });
    const init = await runBin(['init', '-input=false'], { cwd: dir, env: f.env });
    assert.equal(init.code, 0, init.stderr);
    // The state is written by s3state itself (push of a state with two resources and one output).
    const state = {
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: '6a3c2a8e-2f5e-4d57-9b54-0d3c1c2f7e11',
      outputs: { x: { value: 'hello', type: 'string' } },
      resources: ['a', 'b'].map((name) => ({
        mode: 'managed',
        type: 'terraform_data',
        name,
        provider: 'provider["terraform.io/builtin/terraform"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: `id-${name}`,
              input: { value: name === 'a' ? 'hello' : 42, type: name === 'a' ? 'string' : 'number' },
              output: { value: name === 'a' ? 'hello' : 42, type: name === 'a' ? 'string' : 'number' },
              triggers_replace: null,
            },
            sensitive_attributes: [],
          },
        ],
      })),
      check_results: null,
    };
    const push = await runBin(['state', 'push', '-'], {
      cwd: dir,
      env: f.env,
      input: JSON.stringify(state),
    });
    assert.equal(push.code, 0, push.stderr);
    await checkReadCommands(dir);
  });
});
