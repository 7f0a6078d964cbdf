// The state edits and parse errors checked against the real terraform binary on the same bytes:
// `terraform state rm|mv -state=<file>` must leave exactly the bytes our edit + writer produce
// (apart from terraform's own version, serial + 1, and check_results order, which Terraform takes
// from a Go map and so varies between runs), and must print the same lines.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runTerraform, terraformPath } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';
import { isS3StateError } from '../../src/errors.ts';
import { listAddresses } from '../../src/state/addresses.ts';
import { goQuote } from '../../src/state/go-json.ts';
import { modernizeState } from '../../src/state/modernize-state.ts';
import { parseState } from '../../src/state/parse-state.ts';
import type { StateFile } from '../../src/state/state-file.ts';
import { moveAddress, removeAddresses } from '../../src/state/state-edit.ts';
import { writeState } from '../../src/state/write-state.ts';

const corpus = path.resolve(import.meta.dirname, '../../../shared/spec/corpus');
const SOURCE = path.join(corpus, 'gen-tf1.11.4-features-deposed-tainted-checks.tfstate');
const tf = terraformPath();
if (tf === null) console.log('SKIPPED: terraform not found');
const skip = tf === null ? 'terraform not found' : false;

/** Check results sorted, since terraform writes them in Go map order. */
function normalised(s: StateFile): string {
  const checks = s.checkResults?.slice().sort((a, b) => (a.configAddr < b.configAddr ? -1 : 1));
  return writeState({ ...s, checkResults: checks ?? s.checkResults }, { flavor: 'terraform' });
}

/** Terraform's `%q` for the ASCII addresses used here. */
const q = (s: string): string => goQuote(s).replace(/\\u0026/g, '&');

describe('state rm / state mv against terraform', { skip }, () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let n = 0;
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await dir.cleanup();
  });

  async function viaTerraform(args: string[]): Promise<{ code: number; out: string; state: StateFile }> {
    const file = path.join(dir.path, `s${++n}.tfstate`);
    writeFileSync(file, readFileSync(SOURCE));
    const r = await runTerraform(
      ['state', ...args.slice(0, 1), '-no-color', `-state=${file}`, ...args.slice(1)],
      {
        cwd: dir.path,
        home: dir.path,
      },
    );
    return { code: r.code, out: r.stdout + r.stderr, state: parseState(readFileSync(file)) };
  }

  const moves: [string, string][] = [
    ['terraform_data.counted', 'terraform_data.renamed'],
    ['terraform_data.counted[1]', 'terraform_data.counted[7]'],
    ['terraform_data.cbd_fail', 'terraform_data.cbd_x[3]'],
    ['terraform_data.counted', 'module.fresh.terraform_data.counted'],
    ['module.child', 'module.other'],
    ['module.child_each["a"]', 'module.zz'],
    ['module.child.module.grandchild', 'module.gc'],
    ['terraform_data.per_region["eu-west-1"]', 'module.child.terraform_data.item["gamma"]'],
  ];
  for (const [src, dst] of moves) {
    test(`mv ${src} ${dst}`, async () => {
      const t = await viaTerraform(['mv', src, dst]);
      assert.equal(t.code, 0, t.out);
      const original = parseState(readFileSync(SOURCE));
      const ours = moveAddress(original, src, dst);
      for (const m of ours.moved) assert.ok(t.out.includes(`Move ${q(m.from)} to ${q(m.to)}`), t.out);
      assert.ok(t.out.includes(`Successfully moved ${ours.moved.length} object(s).`), t.out);
      const expected = {
        ...ours.state,
        terraformVersion: t.state.terraformVersion,
        serial: BigInt(original.serial) + 1n,
      };
      assert.equal(normalised(expected), normalised(t.state));
    });
  }

  const removals: string[][] = [
    ['terraform_data.counted[1]', 'module.child'],
    ['terraform_data.cbd_fail'],
    ['module.child_each'],
  ];
  for (const addrs of removals) {
    test(`rm ${addrs.join(' ')}`, async () => {
      const t = await viaTerraform(['rm', ...addrs]);
      assert.equal(t.code, 0, t.out);
      const original = parseState(readFileSync(SOURCE));
      const ours = removeAddresses(original, addrs);
      const lines = t.out.split('\n').filter((l) => l.startsWith('Removed '));
      assert.deepEqual(
        lines,
        ours.removed.map((a) => `Removed ${a}`),
      );
      const expected = {
        ...ours.state,
        terraformVersion: t.state.terraformVersion,
        serial: BigInt(original.serial) + 1n,
      };
      assert.equal(normalised(expected), normalised(t.state));
    });
  }

  const refusedMoves: [string, string][] = [
    ['terraform_data.nope', 'terraform_data.x'],
    ['terraform_data.counted', 'data.terraform_data.x'],
    ['terraform_data.counted[0]', 'terraform_data.counted[1]'],
    ['module.child_each', 'module.x'],
  ];
  for (const [src, dst] of refusedMoves) {
    test(`mv ${src} ${dst} is refused with the same message`, async () => {
      const t = await viaTerraform(['mv', src, dst]);
      assert.equal(t.code, 1);
      assert.throws(
        () => moveAddress(parseState(readFileSync(SOURCE)), src, dst),
        (e) =>
          isS3StateError(e, 'STATE') &&
          t.out.includes(`Error: ${e.message}`) &&
          t.out.replace(/\s+/g, ' ').includes((e.detail ?? '').replace(/\s+/g, ' ')),
      );
    });
  }
});

describe('legacy v3 upgrade against terraform', { skip }, () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await dir.cleanup();
  });
  const v3 = readdirSync(corpus).filter((f) => /^v3-|^testdata-tf-roundtrip-v3-grabbag\.in/.test(f));
  for (const f of v3) {
    test(`${f}: upgraded like terraform 1.x writes it (after state rm of its first instance)`, async () => {
      const file = path.join(dir.path, f);
      writeFileSync(file, readFileSync(path.join(corpus, f)));
      const ours = parseState(readFileSync(file));
      const first = listAddresses(ours)[0] ?? '';
      const r = await runTerraform(['state', 'rm', '-no-color', `-state=${file}`, first], {
        cwd: dir.path,
        home: dir.path,
      });
      assert.equal(r.code, 0, r.stderr);
      const tfText = readFileSync(file, 'utf8');
      const after = removeAddresses(ours, [first]).state;
      const tfVersion = parseState(tfText).terraformVersion;
      assert.equal(
        writeState(
          { ...after, terraformVersion: tfVersion, serial: BigInt(after.serial) + 1n },
          { flavor: 'terraform' },
        ),
        tfText,
      );
    });
  }
});

describe('modernizeState = what terraform writes after reading an older state (state pull)', { skip }, () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await dir.cleanup();
  });
  const files = [
    'v4-tf0.12.13-depends_on-42zx.tfstate',
    'v4-tf0.12.16-module-count-0118ayush.tfstate',
    'v4-tf0.13.5-errored-eks-nandeeshbb.tfstate',
    'v4-tf0.14.6-sensitive-output-jedinight.tfstate',
    'v4-tf1.1.3-minio-bucket-terraboard.tfstate',
    'v4-tf1.2.1-no-check_results-10sr.tfstate',
    'v4-tf1.3.2-check_results-empty-18120211.tfstate',
    'v4-tf1.10.3-errored-check_results-nagamani229.tfstate',
    'v4-tf1.14.0-identity-031nna.tfstate',
    'tofu-v4-1.7.2-tainted-ucf.tfstate',
    'gen-tf1.11.4-features-deposed-tainted-checks.tfstate',
  ];
  files.forEach((f, i) => {
    test(f, async () => {
      const work = path.join(dir.path, `w${i}`);
      mkdirSync(work);
      writeFileSync(path.join(work, 'terraform.tfstate'), readFileSync(path.join(corpus, f)));
      const r = await runTerraform(['state', 'pull'], { cwd: work, home: work });
      assert.equal(r.code, 0, r.stderr);
      const tfState = parseState(r.stdout);
      const ours = modernizeState(parseState(readFileSync(path.join(corpus, f))), {
        terraformVersion: tfState.terraformVersion,
      });
      // Byte comparison with check results in one order (terraform takes them from a Go map).
      assert.equal(normalised(ours) + '\n', normalised(tfState) + '\n');
      if ((tfState.checkResults?.length ?? 0) < 2) {
        assert.equal(writeState(ours, { flavor: 'terraform' }) + '\n', r.stdout);
      }
    });
  });
});

describe('parse errors against terraform', { skip }, () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await dir.cleanup();
  });
  const inputs = [
    '{x',
    '[1,]',
    '{"version":4}\n\n  x',
    '["é😀",x]',
    '{"version":4,"serial":-3}',
    '{"a":"\u0001"}',
    'nul',
  ];
  inputs.forEach((input, i) => {
    test(`same summary and detail for ${JSON.stringify(input)}`, async () => {
      const file = path.join(dir.path, `bad${i}.tfstate`);
      writeFileSync(file, input);
      const r = await runTerraform(['state', 'list', '-no-color', `-state=${file}`], {
        cwd: dir.path,
        home: dir.path,
      });
      assert.equal(r.code, 1);
      assert.throws(
        () => parseState(input),
        (e) => isS3StateError(e, 'STATE') && r.stderr.includes(`${e.message}: ${e.detail ?? ''}`),
      );
    });
  });
});
