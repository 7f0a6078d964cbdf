import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseState } from '../../src/state/parse-state.ts';
import { writeState } from '../../src/state/write-state.ts';
import { spawn } from 'node:child_process';
import { binPath, corpusDir, ensureBuilt, testCacheDir } from './bin.ts';
import { startBackendFixture, type BackendFixture } from './fixture.ts';

const FEATURES = path.join(corpusDir, 'gen-tf1.11.4-features-deposed-tainted-checks.tfstate');
const corpus = (f: string): string => readFileSync(path.join(corpusDir, f), 'utf8');

async function objectKeys(f: BackendFixture): Promise<string[]> {
  const r = await f.store.s3.send(new ListObjectsV2Command({ Bucket: f.bucket }));
  return (r.Contents ?? []).map((o) => o.Key ?? '').sort();
}
async function objectText(f: BackendFixture, key: string): Promise<string> {
  const r = await f.store.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: key }));
  return (await r.Body?.transformToString('utf8')) ?? '';
}

describe('s3state bin against the local store + dynalite', () => {
  let f: BackendFixture;
  before(async () => {
    ensureBuilt();
    f = await startBackendFixture();
  });
  after(async () => {
    await f.close();
  });

  describe('corpus state pushed to the store: list, show, output print what terraform printed', () => {
    let dir: string;
    before(async () => {
      dir = await f.makeDir({ key: 'features/terraform.tfstate' });
      const r = await f.run(['state', 'push', FEATURES], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
    });
    test('state list = gen-…-features-state-list.txt', async () => {
      const r = await f.run(['state', 'list'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, corpus('gen-tf1.11.4-features-state-list.txt'));
    });
    test('state list with filters (module and resource)', async () => {
      const r = await f.run(['state', 'list', 'module.child_each["b"]', 'terraform_data.counted'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        [
          'module.child_each["b"].terraform_data.item["y"]',
          'module.child_each["b"].terraform_data.item["z"]',
          'module.child_each["b"].module.grandchild.terraform_data.leaf[0]',
          'module.child_each["b"].module.grandchild.terraform_data.leaf[1]',
          'terraform_data.counted[0]',
          'terraform_data.counted[1]',
          'terraform_data.counted[2]',
          '',
        ].join('\n'),
      );
    });
    test('state show terraform_data.with_sensitive = gen-…-state-show-with_sensitive.txt', async () => {
      const r = await f.run(['state', 'show', 'terraform_data.with_sensitive'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, corpus('gen-tf1.11.4-features-state-show-with_sensitive.txt'));
    });
    test('output = gen-…-features-output.txt (sensitive hidden)', async () => {
      const r = await f.run(['output', '-no-color'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, corpus('gen-tf1.11.4-features-output.txt'));
    });
    test('output -json = gen-…-features-output.json', async () => {
      const r = await f.run(['output', '-json'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, corpus('gen-tf1.11.4-features-output.json'));
    });
    test('output -raw plain_string = gen-…-output-raw-plain_string.txt', async () => {
      const r = await f.run(['output', '-raw', 'plain_string'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, corpus('gen-tf1.11.4-features-output-raw-plain_string.txt'));
    });
    test('output secret_object = gen-…-output-secret_object.txt', async () => {
      const r = await f.run(['output', 'secret_object'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, corpus('gen-tf1.11.4-features-output-secret_object.txt'));
    });
    test("output of a missing name: terraform's error, exit 1", async () => {
      const r = await f.run(['output', 'nope'], dir);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /\nError: Output "nope" not found\n\nThe output variable requested could not be found/,
      );
    });
    test("output -raw of an object: terraform's error, exit 1", async () => {
      const r = await f.run(['output', '-raw', 'regions'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error: Unsupported value for raw output/);
    });
    test('state pull prints the stored object plus one newline (as terraform state pull)', async () => {
      const stored = await objectText(f, 'features/terraform.tfstate');
      const r = await f.run(['state', 'pull'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, stored + '\n');
      // Pushed into a workspace with no state: the peers' rule gives a new lineage and serial 1, same content.
      const doc = JSON.parse(stored) as { serial: number; lineage: string; resources: unknown[] };
      const orig = JSON.parse(corpus('gen-tf1.11.4-features-deposed-tainted-checks.tfstate')) as typeof doc;
      assert.equal(doc.serial, 1);
      assert.equal(doc.resources.length, orig.resources.length);
    });
    test("state pull of a compact (OpenTofu-written) object prints terraform's indented bytes", async () => {
      const original = corpus('gen-tf1.11.4-features-deposed-tainted-checks.tfstate');
      const compact = writeState(parseState(original), { flavor: 'opentofu' });
      assert.notEqual(compact, original);
      const cdir = await f.makeDir({ key: 'compact/terraform.tfstate', lock: 'none' });
      await f.store.s3.send(
        new PutObjectCommand({ Bucket: f.bucket, Key: 'compact/terraform.tfstate', Body: compact }),
      );
      const r = await f.run(['state', 'pull'], cdir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, original + '\n');
    });
    /** A workspace at `key` holding a state of several MB; its text. */
    const bulk = async (key: string): Promise<{ dir: string; text: string }> => {
      const base = parseState(corpus('gen-tf1.11.4-features-deposed-tainted-checks.tfstate'));
      const r0 = base.resources[0]!;
      const many = {
        ...base,
        resources: Array.from({ length: 4000 }, (_, k) => ({ ...r0, name: `bulk_${k}` })),
      };
      const text = writeState(many, { flavor: 'terraform' });
      assert.ok(text.length > 3 << 20, `a state of ${text.length} bytes spans several pieces`);
      const bdir = await f.makeDir({ key, lock: 'none' });
      await f.store.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: key, Body: text }));
      return { dir: bdir, text };
    };
    const spawnPull = (cwd: string) =>
      spawn(process.execPath, [binPath, 'state', 'pull'], {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...f.env, S3STATE_COMPILE_CACHE_DIR: testCacheDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    test('state pull of a multi-megabyte state through a pipe whose reader stalls: every byte, in order', async () => {
      const { dir: bdir, text } = await bulk('bulk/terraform.tfstate');
      const child = spawnPull(bdir);
      const out: Buffer[] = [];
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // The reader stops after the first bytes and comes back later: the writer must wait, not drop.
      child.stdout.once('data', (d: Buffer) => {
        out.push(d);
        child.stdout.pause();
        setTimeout(() => {
          child.stdout.on('data', (x: Buffer) => out.push(x));
          child.stdout.resume();
        }, 300);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, err);
      assert.equal(Buffer.concat(out).toString('utf8'), text + '\n');
    });
    test('state pull into a pipe whose reader goes away (`| head`): exit 141 and no message, as a SIGPIPE', async () => {
      const { dir: bdir } = await bulk('bulk-head/terraform.tfstate');
      const child = spawnPull(bdir);
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(err, '');
      assert.equal(code, 141);
    });
    test("state show of a missing instance: exit 1 with the peers' message", async () => {
      const r = await f.run(['state', 'show', 'terraform_data.nope'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error: No instance found for the given address!/);
    });
  });

  describe('state push checks and bad input', () => {
    test('push of an older serial of the same lineage is refused; -force pushes', async () => {
      const dir = await f.makeDir({ key: 'push/terraform.tfstate' });
      const gen1 = path.join(corpusDir, 'gen-tf1.11.4-features-gen1.tfstate');
      assert.equal((await f.run(['state', 'push', FEATURES], dir)).code, 0);
      // The store now has the features content with a new lineage (serial 1): a push of a state with another
      // lineage is refused.
      const r = await f.run(['state', 'push', gen1], dir);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /Error: Failed to write state\n\ncannot import state with lineage "[0-9a-f-]+" over unrelated state with lineage "[0-9a-f-]+"/,
      );
      const forced = await f.run(['state', 'push', '-force', gen1], dir);
      assert.equal(forced.code, 0, forced.stderr);
      const pulled = JSON.parse((await f.run(['state', 'pull'], dir)).stdout) as {
        lineage: string;
        serial: number;
      };
      const g = JSON.parse(readFileSync(gen1, 'utf8')) as { lineage: string; serial: number };
      assert.equal(pulled.lineage, g.lineage);
      assert.equal(pulled.serial, g.serial + 1);
    });
    test('push from stdin with -', async () => {
      const dir = await f.makeDir({ key: 'stdin/terraform.tfstate' });
      const r = await f.run(['state', 'push', '-'], dir, readFileSync(FEATURES));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        (await f.run(['state', 'list'], dir)).stdout,
        corpus('gen-tf1.11.4-features-state-list.txt'),
      );
    });
    test('a push file that is not a state: exit 2, usage line, nothing written', async () => {
      const dir = await f.makeDir({ key: 'bad/terraform.tfstate' });
      const bad = path.join(dir, 'notastate.json');
      await writeFile(bad, '{"hello": "world"}\n');
      const before = await objectKeys(f);
      for (const input of [bad, path.join(corpusDir, 'MANIFEST.md')]) {
        const r = await f.run(['state', 'push', input], dir);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /is not a valid state file/);
        assert.match(r.stderr, /Usage: s3state state push \[options\] PATH/);
      }
      assert.deepEqual(await objectKeys(f), before);
    });
    test('push - with empty stdin: exit 2, nothing written', async () => {
      const dir = await f.makeDir({ key: 'bad2/terraform.tfstate' });
      const before = await objectKeys(f);
      const r = await f.run(['state', 'push', '-'], dir, '');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Error: No state on stdin/);
      assert.deepEqual(await objectKeys(f), before);
    });
    test('missing argument and missing file: exit 2', async () => {
      const dir = await f.makeDir();
      const a = await f.run(['state', 'push'], dir);
      assert.equal(a.code, 2);
      assert.match(a.stderr, /Error: Missing state file path/);
      const b = await f.run(['state', 'push', 'nope.tfstate'], dir);
      assert.equal(b.code, 2);
      assert.match(
        b.stderr,
        /Error: Failed to read nope\.tfstate\n\nopen nope\.tfstate: no such file or directory/,
      );
    });
    test('invalid address: exit 2 with the usage line', async () => {
      const dir = await f.makeDir();
      for (const args of [
        ['state', 'show', 'not a valid address'],
        ['state', 'list', 'foo['],
        ['state', 'rm', '"x"'],
      ]) {
        const r = await f.run(args, dir);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /Usage: s3state state/);
      }
    });
    test('invalid workspace name (flag, TF_WORKSPACE, new): exit 2', async () => {
      const dir = await f.makeDir();
      const a = await f.run(['workspace', 'new', 'a/b'], dir);
      assert.equal(a.code, 2);
      assert.match(a.stderr, /Error: Invalid workspace name\n\nThe workspace name "a\/b" is not allowed/);
      const b = await f.run(['state', 'pull', '-workspace=has space'], dir);
      assert.equal(b.code, 2);
      assert.match(b.stderr, /Invalid workspace name/);
    });
  });

  describe('workspaces', () => {
    test("new, list (current marked), select, show, delete with the peers' rules", async () => {
      const dir = await f.makeDir({ key: 'ws/terraform.tfstate' });
      assert.equal((await f.run(['workspace', 'list'], dir)).stdout, '* default\n\n');
      const n = await f.run(['workspace', 'new', 'staging'], dir);
      assert.equal(n.code, 0, n.stderr);
      assert.match(n.stdout, /Created and switched to workspace "staging"!/);
      assert.equal(readFileSync(path.join(dir, '.terraform/environment'), 'utf8'), 'staging');
      assert.ok((await objectKeys(f)).includes('env:/staging/ws/terraform.tfstate'));
      assert.equal((await f.run(['workspace', 'new', 'dev'], dir)).code, 0);
      assert.equal((await f.run(['workspace', 'list'], dir)).stdout, '  default\n* dev\n  staging\n\n');
      const dup = await f.run(['workspace', 'new', 'dev'], dir);
      assert.equal(dup.code, 2);
      assert.match(dup.stderr, /Workspace "dev" already exists/);
      const list = JSON.parse((await f.run(['workspace', 'list', '-json'], dir)).stdout) as unknown;
      assert.deepEqual(list, { current: 'dev', workspaces: ['default', 'dev', 'staging'] });
      assert.equal((await f.run(['workspace', 'show'], dir)).stdout, 'dev\n');
      assert.equal((await f.run(['workspace', 'show'], dir)).code, 0);
      const env = await f.run(['workspace', 'show', '-workspace=staging'], dir);
      assert.equal(env.stdout, 'staging\n');
      // delete refuses the current workspace
      const cur = await f.run(['workspace', 'delete', 'dev'], dir);
      assert.equal(cur.code, 2);
      assert.match(cur.stderr, /Workspace "dev" is your active workspace/);
      // a workspace with resources is refused unless -force
      assert.equal((await f.run(['state', 'push', '-workspace=staging', FEATURES], dir)).code, 0);
      const sel = await f.run(['workspace', 'select', 'default'], dir);
      assert.equal(sel.code, 0);
      assert.equal(sel.stdout, 'Switched to workspace "default".\n');
      const busy = await f.run(['workspace', 'delete', 'staging'], dir);
      assert.equal(busy.code, 1);
      assert.match(
        busy.stderr,
        /Error: Workspace is not empty\n\nWorkspace "staging" is currently tracking the following resource instances:\n {2}- terraform_data\.cbd\n/,
      );
      assert.ok((await objectKeys(f)).includes('env:/staging/ws/terraform.tfstate'));
      const forced = await f.run(['workspace', 'delete', '-force', 'staging'], dir);
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(forced.stdout, 'Deleted workspace "staging"!\n');
      assert.ok(!(await objectKeys(f)).includes('env:/staging/ws/terraform.tfstate'));
      const empty = await f.run(['workspace', 'delete', 'dev'], dir);
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal((await f.run(['workspace', 'list'], dir)).stdout, '* default\n\n');
      const missing = await f.run(['workspace', 'select', 'nope'], dir);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Workspace "nope" doesn't exist\./);
    });
  });

  describe('locks: lock info, acquire, release, force-unlock, held-lock errors', () => {
    for (const lock of ['dynamodb', 'lockfile', 'both'] as const) {
      test(`${lock}: a held lock blocks writers (exit 3, Lock Info block), force-unlock asks and releases`, async () => {
        const dir = await f.makeDir({ key: `locks-${lock}/terraform.tfstate`, lock });
        const free = await f.run(['lock', 'info'], dir);
        assert.equal(free.code, 0, free.stderr);
        assert.match(free.stdout, /No lock is held on workspace "default"/);
        const acq = await f.run(['lock', 'acquire', '-reason=ci deploy #7'], dir);
        assert.equal(acq.code, 0, acq.stderr);
        const id = acq.stdout.trim();
        assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

        const info = await f.run(['lock', 'info'], dir);
        assert.equal(info.code, 3);
        assert.match(info.stdout, new RegExp(`Lock Info:\\n {2}ID: {8}${id}\\n`));
        assert.match(info.stdout, /Operation: s3state-lock\n/);
        assert.match(info.stdout, /Info: {6}ci deploy #7\n/);
        assert.match(
          info.stdout,
          /Created: {3}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC \(\d+s ago\)/,
        );
        const json = JSON.parse((await f.run(['lock', 'info', '-json'], dir)).stdout) as {
          workspace: string;
          locked: boolean;
          locking_enabled: boolean;
          mechanisms: {
            mechanism: string;
            location: string;
            holder: { ID: string; Path: string; age_seconds: number } | null;
          }[];
        };
        assert.equal(json.workspace, 'default');
        assert.equal(json.locked, true);
        assert.equal(json.locking_enabled, true);
        const kinds = json.mechanisms.map((m) => m.mechanism).sort();
        assert.deepEqual(
          kinds,
          lock === 'both' ? ['dynamodb', 's3'] : [lock === 'lockfile' ? 's3' : 'dynamodb'],
        );
        for (const m of json.mechanisms) {
          assert.equal(m.holder?.ID, id);
          assert.equal(m.holder?.Path, `${f.bucket}/locks-${lock}/terraform.tfstate`);
          assert.equal(typeof m.holder?.age_seconds, 'number');
        }

        const push = await f.run(['state', 'push', FEATURES], dir);
        assert.equal(push.code, 3);
        assert.match(push.stderr, /Error: Error acquiring the state lock\n\nError message: /);
        assert.match(push.stderr, new RegExp(`Lock Info:\\n {2}ID: {8}${id}\\n`));

        const no = await f.run(['force-unlock', id], dir, 'no\n');
        assert.equal(no.code, 1);
        assert.match(no.stderr, /Do you really want to force-unlock\?/);
        assert.match(no.stderr, /force-unlock cancelled\./);
        assert.match(no.stderr, new RegExp(`ID: {8}${id}`));
        assert.equal((await f.run(['lock', 'info'], dir)).code, 3);

        const wrong = await f.run(['force-unlock', '-force', '00000000-0000-0000-0000-000000000000'], dir);
        assert.equal(wrong.code, 1);
        assert.match(wrong.stderr, /Error: Failed to unlock state/);

        const yes = await f.run(['force-unlock', id], dir, 'yes\n');
        assert.equal(yes.code, 0, yes.stderr);
        assert.match(yes.stdout, /successfully unlocked!/);
        assert.equal((await f.run(['lock', 'info'], dir)).code, 0);

        const again = await f.run(['lock', 'acquire', '-json'], dir);
        assert.equal(again.code, 0);
        const doc = JSON.parse(again.stdout) as { id: string; info: { Operation: string } };
        assert.equal(doc.info.Operation, 's3state-lock');
        const second = await f.run(['lock', 'acquire'], dir);
        assert.equal(second.code, 3);
        assert.match(second.stderr, new RegExp(`ID: {8}${doc.id}`));
        const rel = await f.run(['lock', 'release', doc.id], dir);
        assert.equal(rel.code, 0, rel.stderr);
        assert.equal((await f.run(['lock', 'info'], dir)).code, 0);
      });
    }
    test('-lock=false writes past a held lock; -lock-timeout still fails (exit 3) while it stays held', async () => {
      const dir = await f.makeDir({ key: 'lockflags/terraform.tfstate', lock: 'lockfile' });
      const id = (await f.run(['lock', 'acquire'], dir)).stdout.trim();
      const timed = await f.run(['state', 'push', '-lock-timeout=1s', FEATURES], dir);
      assert.equal(timed.code, 3);
      assert.match(timed.stderr, new RegExp(`ID: {8}${id}`));
      const nolock = await f.run(['state', 'push', '-lock=false', FEATURES], dir);
      assert.equal(nolock.code, 0, nolock.stderr);
      assert.equal(
        (await f.run(['state', 'list'], dir)).stdout,
        corpus('gen-tf1.11.4-features-state-list.txt'),
      );
      // the other holder's lock is untouched
      const info = JSON.parse((await f.run(['lock', 'info', '-json'], dir)).stdout) as {
        mechanisms: { holder: { ID: string } }[];
      };
      assert.equal(info.mechanisms[0]?.holder.ID, id);
      assert.equal((await f.run(['lock', 'release', id], dir)).code, 0);
    });
    test('no lock configured: lock info says so (exit 0), force-unlock refuses', async () => {
      const dir = await f.makeDir({ key: 'nolock/terraform.tfstate', lock: 'none' });
      const r = await f.run(['lock', 'info'], dir);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Locking is disabled/);
      const u = await f.run(['force-unlock', '-force', 'x'], dir);
      assert.equal(u.code, 1);
      assert.match(u.stderr, /Error: Locking disabled\n\nLocking is disabled for this backend\./);
    });
  });

  describe('state rm / state mv', () => {
    test('rm -dry-run writes nothing; rm removes with a backup; mv renames a module; -backup=-', async () => {
      const dir = await f.makeDir({ key: 'edit/terraform.tfstate' });
      assert.equal((await f.run(['state', 'push', FEATURES], dir)).code, 0);
      const before = await objectText(f, 'edit/terraform.tfstate');
      const dry = await f.run(['state', 'rm', '-dry-run', 'terraform_data.counted'], dir);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(
        dry.stdout,
        'Would remove terraform_data.counted[0]\nWould remove terraform_data.counted[1]\nWould remove terraform_data.counted[2]\n',
      );
      assert.equal(await objectText(f, 'edit/terraform.tfstate'), before);

      const rm = await f.run(['state', 'rm', 'terraform_data.counted[1]'], dir);
      assert.equal(rm.code, 0, rm.stderr);
      assert.equal(
        rm.stdout,
        'Removed terraform_data.counted[1]\nSuccessfully removed 1 resource instance(s).\n',
      );
      const backups = readdirSync(dir).filter((n) => /^terraform\.tfstate\.\d+\.backup$/.test(n));
      assert.equal(backups.length, 1);
      assert.equal(readFileSync(path.join(dir, backups[0]!), 'utf8'), before);
      const list = (await f.run(['state', 'list', 'terraform_data.counted'], dir)).stdout;
      assert.equal(list, 'terraform_data.counted[0]\nterraform_data.counted[2]\n');
      const after1 = JSON.parse(await objectText(f, 'edit/terraform.tfstate')) as { serial: number };
      assert.equal(after1.serial, 2);

      const mv = await f.run(['state', 'mv', '-backup=-', 'module.child', 'module.renamed'], dir);
      assert.equal(mv.code, 0, mv.stderr);
      assert.match(mv.stdout, /^Move "module\.child" to "module\.renamed"\n/m);
      assert.match(mv.stdout, /Successfully moved \d+ object\(s\)\.\n$/);
      assert.equal(readdirSync(dir).filter((n) => n.endsWith('.backup')).length, 1);
      const moved = (await f.run(['state', 'list', 'module.renamed'], dir)).stdout;
      assert.match(moved, /^module\.renamed\.terraform_data\.item\["alpha"\]\n/);
      assert.match(moved, /module\.renamed\.module\.grandchild\.terraform_data\.leaf\[1\]\n/);

      const none = await f.run(['state', 'rm', 'terraform_data.nope'], dir);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /Error: Invalid target address\n\nNo matching objects found\./);
      assert.ok(!existsSync(path.join(dir, 'terraform.tfstate')));
    });
  });

  describe('config', () => {
    test('config -json shape; secrets masked', async () => {
      const dir = await f.makeDir({ key: 'cfg/terraform.tfstate' });
      const r = await f.run(['config', '-json', '-backend-config=secret_key=VERYSECRETVALUE123'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /VERYSECRETVALUE123/);
      const doc = JSON.parse(r.stdout) as {
        origin: string;
        attributes: { name: string; value: unknown; source: string }[];
        workspace: { name: string; source: string };
      };
      const byName = new Map(doc.attributes.map((a) => [a.name, a]));
      assert.equal(byName.get('bucket')?.value, f.bucket);
      assert.equal(byName.get('bucket')?.source, 'main.tf:3');
      assert.equal(byName.get('key')?.value, 'cfg/terraform.tfstate');
      assert.equal(byName.get('workspace_key_prefix')?.source, 'default');
      assert.equal(doc.workspace.name, 'default');
      const human = await f.run(['config', '-backend-config=secret_key=VERYSECRETVALUE123'], dir);
      assert.equal(human.code, 0);
      assert.match(human.stdout, /bucket +=/);
      assert.doesNotMatch(human.stdout, /VERYSECRETVALUE123/);
    });
  });
});
