// The s3state bin next to a real `terraform` (no provider download: builtin terraform_data only), on the
// project's store + dynalite. Prints `SKIPPED: terraform not found` when terraform is absent.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTerraform, terraformPath } from '../harness/terraform.ts';
import { ensureBuilt } from '../cli/bin.ts';
import { startBackendFixture, type BackendFixture } from '../cli/fixture.ts';

const tf = terraformPath();
if (!tf) console.log('SKIPPED: terraform not found');

const RESOURCES = `
variable "sleep" {
  type    = number
  default = 0
}

variable "size" {
  type    = number
  default = 2
}

resource "terraform_data" "app" {
  for_each = toset(["api", "web"])
  input    = { name = each.key, replicas = var.size }
}

resource "terraform_data" "slow" {
  triggers_replace = var.sleep
  provisioner "local-exec" {
    command = "sleep \${var.sleep}"
  }
}

output "endpoint" {
  value = "https://example.invalid/\${terraform.workspace}"
}

output "ids" {
  value = [for k, v in terraform_data.app : v.id]
}

output "db_password" {
  value     = "fake-db-password-for-tests"
  sensitive = true
}
`;

// Values of many shapes (JSON strings, maps, sets, nested objects, heredocs, escapes) for `state show`.
const SHAPES = `resource "terraform_data" "json" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "*" }], "a-b" = 1 })
}
resource "terraform_data" "mixed" {
  input = {
    list    = ["a", "b"]
    empty   = []
    emptym  = {}
    nested  = { x = 1, y = [true, false], z = null }
    num     = 1.25
    big     = 12345678901234567890
    multi   = "line1\\nline2\\n"
    "weird key" = "v"
    dollar  = "$\${x} and %%{y}"
    quote   = "a\\"b\\\\c\\ttab"
  }
}
resource "terraform_data" "maps" {
  input = tomap({ a = "1", "b c" = "2" })
}
resource "terraform_data" "lst" {
  input = tolist(["x", "y"])
}
resource "terraform_data" "sets" {
  input = toset(["q", "p"])
}
resource "terraform_data" "scalar" {
  input = 42
}
resource "terraform_data" "jsonarr" {
  input = jsonencode([1, 2, { k = "v" }])
}
`;

// Outputs of many types (collections, heredocs, escapes, big numbers) for `output`.
const OUTPUT_SHAPES = `output "l" { value = tolist(["a", "b"]) }
output "s" { value = toset(["b", "a"]) }
output "m" { value = tomap({ x = 1, "y z" = 2 }) }
output "n" { value = null }
output "ml" { value = "line1\\nline2\\n" }
output "nested" { value = { inner = tolist([{ a = "x\\ty", b = [] }]), m = tomap({}) , ml = "a\\nEOT\\nb" } }
output "e" { value = [] }
output "uni" { value = "é \\u00a0 \${"<"}>&" }
output "num" { value = 1e20 }
output "neg" { value = -0.5 }
`;

describe('s3state CLI with a real terraform', { skip: tf ? false : 'terraform not found' }, () => {
  let f: BackendFixture;
  before(async () => {
    ensureBuilt();
    f = await startBackendFixture();
  });
  after(async () => {
    await f.close();
  });
  const terraform = (args: string[], cwd: string) => runTerraform(args, { cwd, home: f.home, env: f.env });

  describe('in a directory initialised by terraform init, with no flags', () => {
    let dir: string;
    before(async () => {
      dir = await f.makeDir({ key: 'interop/terraform.tfstate', lock: 'both' });
      await writeFile(path.join(dir, 'resources.tf'), RESOURCES);
      for (const args of [
        ['init', '-input=false', '-no-color'],
        ['apply', '-auto-approve', '-input=false', '-no-color'],
        ['workspace', 'new', '-no-color', 'staging'],
        ['apply', '-auto-approve', '-input=false', '-no-color', '-var=size=3'],
      ]) {
        const r = await terraform(args, dir);
        assert.equal(r.code, 0, `terraform ${args.join(' ')}: ${r.stderr}`);
      }
    });

    test('workspace list is identical to terraform workspace list', async () => {
      const t = await terraform(['workspace', 'list'], dir);
      const s = await f.run(['workspace', 'list'], dir);
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.stdout, t.stdout);
      assert.equal(s.stderr, '', 'no warnings in a directory terraform initialised');
      assert.match(s.stdout, /\* staging/);
    });
    test("s3state init works there and leaves terraform's files alone (no .s3state record)", async () => {
      const saved = readFileSync(path.join(dir, '.terraform/terraform.tfstate'));
      const env = readFileSync(path.join(dir, '.terraform/environment'));
      const r = await f.run(['init'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /workspace "staging"/);
      assert.deepEqual(readFileSync(path.join(dir, '.terraform/terraform.tfstate')), saved);
      assert.deepEqual(readFileSync(path.join(dir, '.terraform/environment')), env);
      assert.ok(!existsSync(path.join(dir, '.s3state')));
    });
    test('state pull is identical to terraform state pull', async () => {
      for (const ws of ['staging', 'default']) {
        const t = await runTerraform(['state', 'pull'], {
          cwd: dir,
          home: f.home,
          env: { ...f.env, TF_WORKSPACE: ws },
        });
        const s = await f.run(['state', 'pull', `-workspace=${ws}`], dir);
        assert.equal(s.code, 0, s.stderr);
        assert.equal(s.stdout, t.stdout, ws);
      }
    });
    test('output, output -json and output -raw are identical to terraform output', async () => {
      for (const args of [
        ['output', '-no-color'],
        ['output', '-json'],
        ['output', '-raw', 'endpoint'],
        ['output', 'db_password'],
      ]) {
        const t = await terraform(args, dir);
        const s = await f.run(args, dir);
        assert.equal(s.code, 0, s.stderr);
        assert.equal(s.stdout, t.stdout, args.join(' '));
      }
    });
    test('state list and state show agree with terraform', async () => {
      const t = await terraform(['state', 'list'], dir);
      const s = await f.run(['state', 'list'], dir);
      assert.equal(s.stdout, t.stdout);
      const ts = await terraform(['state', 'show', '-no-color', 'terraform_data.app["api"]'], dir);
      const ss = await f.run(['state', 'show', 'terraform_data.app["api"]'], dir);
      assert.equal(ss.code, 0, ss.stderr);
      assert.equal(ss.stdout, ts.stdout);
    });
    test('a lock held by s3state blocks terraform; terraform force-unlock releases it by ID', async () => {
      const acq = await f.run(['lock', 'acquire'], dir);
      assert.equal(acq.code, 0, acq.stderr);
      const id = acq.stdout.trim();
      const plan = await terraform(['plan', '-input=false', '-no-color'], dir);
      assert.notEqual(plan.code, 0);
      assert.match(plan.stderr, /Error acquiring the state lock/);
      assert.match(plan.stderr, new RegExp(`ID: +${id}`));
      const unlock = await terraform(['force-unlock', '-force', id], dir);
      assert.equal(unlock.code, 0, unlock.stderr);
      assert.equal((await f.run(['lock', 'info'], dir)).code, 0);
    });
    test('s3state force-unlock releases a lock held by a running terraform apply', async () => {
      const child = spawn(tf!, ['apply', '-auto-approve', '-input=false', '-no-color', '-var=sleep=30'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: f.home,
          CHECKPOINT_DISABLE: '1',
          TF_IN_AUTOMATION: '1',
          TF_CLI_CONFIG_FILE: '/dev/null',
          ...f.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
      child.stdout.resume();
      child.stderr.resume();
      try {
        // Wait until terraform holds the lock (it is taken before the provisioner starts sleeping).
        let holder: { ID: string; Operation: string; Who: string } | undefined;
        for (let i = 0; i < 300 && !holder; i++) {
          const r = await f.run(['lock', 'info', '-json'], dir);
          const doc = JSON.parse(r.stdout) as { mechanisms: { holder: typeof holder | null }[] };
          holder = doc.mechanisms.find((m) => m.holder)?.holder ?? undefined;
        }
        assert.ok(holder, 'terraform never took the lock');
        assert.equal(holder.Operation, 'OperationTypeApply');
        const u = await f.run(['force-unlock', holder.ID], dir, 'yes\n');
        assert.equal(u.code, 0, u.stderr);
        assert.match(u.stderr, new RegExp(`ID: +${holder.ID}`));
        assert.match(u.stderr, /Operation: OperationTypeApply/);
        assert.equal((await f.run(['lock', 'info'], dir)).code, 0);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
    });
  });

  test('state show prints what terraform state show prints, for values of many shapes', async () => {
    const dir = await f.makeDir({ key: 'shapes/terraform.tfstate', lock: 'lockfile' });
    await writeFile(path.join(dir, 'shapes.tf'), SHAPES);
    for (const args of [
      ['init', '-input=false', '-no-color'],
      ['apply', '-auto-approve', '-input=false', '-no-color'],
    ]) {
      const r = await terraform(args, dir);
      assert.equal(r.code, 0, `terraform ${args.join(' ')}: ${r.stderr}`);
    }
    const addrs = (await f.run(['state', 'list'], dir)).stdout.trim().split('\n');
    assert.equal(addrs.length, 7);
    for (const a of addrs) {
      const t = await terraform(['state', 'show', '-no-color', a], dir);
      const s = await f.run(['state', 'show', a], dir);
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.stdout, t.stdout, a);
    }
  });

  test('output (all forms) prints what terraform output prints, for outputs of many types', async () => {
    const dir = await f.makeDir({ key: 'outshapes/terraform.tfstate', lock: 'none' });
    await writeFile(path.join(dir, 'outputs.tf'), OUTPUT_SHAPES);
    for (const args of [
      ['init', '-input=false', '-no-color'],
      ['apply', '-auto-approve', '-input=false', '-no-color'],
    ]) {
      const r = await terraform(args, dir);
      assert.equal(r.code, 0, `terraform ${args.join(' ')}: ${r.stderr}`);
    }
    const forms = [
      ['output', '-no-color'],
      ['output', '-json'],
    ];
    for (const n of ['l', 's', 'm', 'ml', 'nested', 'num', 'uni'])
      forms.push(['output', n], ['output', '-json', n]);
    forms.push(['output', '-raw', 'num'], ['output', '-raw', 'ml']);
    for (const args of forms) {
      const t = await terraform(args, dir);
      const s = await f.run(args, dir);
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.stdout, t.stdout, args.join(' '));
    }
  });

  test('a local-backend directory with two workspaces, migrated by s3state init -migrate-state, is read by terraform', async () => {
    const dir = path.join(f.home, '..', 'migrate-local');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'resources.tf'), RESOURCES);
    for (const args of [
      ['init', '-input=false', '-no-color'],
      ['apply', '-auto-approve', '-input=false', '-no-color'],
      ['workspace', 'new', '-no-color', 'dev'],
      ['apply', '-auto-approve', '-input=false', '-no-color', '-var=size=5'],
    ]) {
      const r = await terraform(args, dir);
      assert.equal(r.code, 0, `terraform ${args.join(' ')}: ${r.stderr}`);
    }
    const local = {
      default: JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as {
        lineage: string;
        serial: number;
      },
      dev: JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate.d/dev/terraform.tfstate'), 'utf8')) as {
        lineage: string;
        serial: number;
      },
    };
    const outputs: Record<string, string> = {};
    for (const ws of ['default', 'dev'] as const) {
      outputs[ws] = (
        await runTerraform(['output', '-json'], {
          cwd: dir,
          home: f.home,
          env: { ...f.env, TF_WORKSPACE: ws },
        })
      ).stdout;
    }
    await writeFile(
      path.join(dir, 'backend.tf'),
      f.backendBlock({ key: 'migrated/terraform.tfstate', lock: 'dynamodb' }),
    );
    const mig = await f.run(['init', '-migrate-state', '-force-copy'], dir);
    assert.equal(mig.code, 0, mig.stderr);
    // terraform reads it from a fresh copy of the configuration (no local state next to it).
    const reader = path.join(f.home, '..', 'migrate-reader');
    await mkdir(reader, { recursive: true });
    await writeFile(path.join(reader, 'resources.tf'), RESOURCES);
    await writeFile(path.join(reader, 'backend.tf'), readFileSync(path.join(dir, 'backend.tf'), 'utf8'));
    const init = await terraform(['init', '-input=false', '-no-color'], reader);
    assert.equal(init.code, 0, init.stderr);
    const list = await terraform(['workspace', 'list'], reader);
    assert.equal(list.stdout, '* default\n  dev\n\n');
    for (const ws of ['default', 'dev'] as const) {
      const env = { ...f.env, TF_WORKSPACE: ws };
      const pulled = JSON.parse(
        (await runTerraform(['state', 'pull'], { cwd: reader, home: f.home, env })).stdout,
      ) as {
        lineage: string;
        serial: number;
      };
      assert.equal(pulled.lineage, local[ws].lineage, ws);
      assert.equal(pulled.serial, local[ws].serial, ws);
      const out = await runTerraform(['output', '-json'], { cwd: reader, home: f.home, env });
      assert.equal(out.stdout, outputs[ws], ws);
      const plan = await runTerraform(
        ['plan', '-detailed-exitcode', '-input=false', '-no-color', ...(ws === 'dev' ? ['-var=size=5'] : [])],
        {
          cwd: reader,
          home: f.home,
          env,
        },
      );
      assert.equal(plan.code, 0, `${ws}: ${plan.stdout}${plan.stderr}`);
      assert.match(plan.stdout, /No changes\./);
    }
  });
});
