// Every file of the shared corpus (../shared/spec/corpus), classified by its MANIFEST.md row:
// real-binary v4 states must re-serialise to the identical bytes, fixtures must parse, legacy
// states and backend files must round-trip in their own layout, envelopes must be refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isS3StateError } from '../../src/errors.ts';
import { listAddresses } from '../../src/state/addresses.ts';
import { goMarshal } from '../../src/state/go-json.ts';
import { rootOutputs } from '../../src/state/outputs.ts';
import { parseJson } from '../../src/state/parse-json.ts';
import {
  ENCRYPTED_STATE_MESSAGE,
  isEncryptedEnvelope,
  parseAnyState,
  parseState,
} from '../../src/state/parse-state.ts';
import { rawGet } from '../../src/state/raw-json.ts';
import { parseBackendFile, writeBackendFile } from '../../src/state/terraform-backend-file.ts';
import { writeLegacyState, writeState } from '../../src/state/write-state.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const corpus = path.resolve(repoRoot, '../shared/spec/corpus');

interface Row {
  fmt: string;
  real: boolean;
}

/** file name → (format column, "written by real binary?" column says yes/likely). */
function manifest(): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of readFileSync(path.join(corpus, 'MANIFEST.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const file = cells[1];
    if (file === undefined || !/\.(tfstate|json|txt|stdout|tflock)$/.test(file)) continue;
    const real = cells[9] ?? '';
    rows.set(file, { fmt: cells[5] ?? '', real: /^(yes|YES|likely)\b/.test(real) });
  }
  return rows;
}

/** Go's json.Compact for Go-written input: drop whitespace outside strings (independent of our code). */
function compact(text: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inStr) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inStr = false;
    } else if (c === '"') {
      inStr = true;
      out += c;
    } else if (c !== ' ' && c !== '\n' && c !== '\t' && c !== '\r') out += c;
  }
  return out;
}

const rows = manifest();
const files = readdirSync(corpus)
  .filter((f) => f !== 'MANIFEST.md' && !f.startsWith('_'))
  .sort();
const read = (f: string): Buffer => readFileSync(path.join(corpus, f));

describe('corpus', () => {
  test('every corpus file is listed in the MANIFEST', () => {
    assert.ok(files.length >= 80, `expected the full corpus, found ${files.length} files`);
    assert.deepEqual(
      files.filter((f) => !rows.has(f)),
      [],
    );
  });

  const realV4 = files.filter(
    (f) => rows.get(f)?.fmt === '4' && rows.get(f)?.real === true && f.endsWith('.tfstate'),
  );
  test(`real-binary v4 states re-serialise byte for byte with the terraform writer (${realV4.length} files)`, () => {
    assert.ok(realV4.length >= 40, `only ${realV4.length} real v4 files found`);
    const failed: string[] = [];
    for (const f of realV4) {
      const bytes = read(f);
      if (writeState(parseState(bytes), { flavor: 'terraform' }) !== bytes.toString('utf8')) failed.push(f);
    }
    console.log(`round-tripped ${realV4.length - failed.length}/${realV4.length} real-binary v4 state files`);
    assert.deepEqual(failed, []);
  });

  test('compact layout = the same document compacted + "\\n" (opentofu writer where field orders agree)', () => {
    let tofuSame = 0;
    for (const f of realV4) {
      const text = read(f).toString('utf8');
      const s = parseState(text);
      assert.equal(writeState(s, { flavor: 'terraform', indent: false }), compact(text) + '\n', f);
      // OpenTofu orders identity fields last, so only files without them compare equal.
      const hasIdentity = s.resources.some((r) =>
        r.instances.some((i) => i.identitySchemaVersion !== undefined || i.identity !== undefined),
      );
      if (!hasIdentity) {
        assert.equal(writeState(s, { flavor: 'opentofu' }), compact(text) + '\n', f);
        tofuSame++;
      }
    }
    assert.ok(tofuSame >= 30);
  });

  const pulls = files.filter((f) => f.endsWith('state-pull.stdout'));
  test(`state pull stdout = writer output + one extra newline (${pulls.length} files)`, () => {
    assert.ok(pulls.length >= 2);
    for (const f of pulls) {
      const text = read(f).toString('utf8');
      assert.equal(writeState(parseState(text), { flavor: 'terraform' }) + '\n', text, f);
    }
  });

  const fixtures = files.filter((f) => rows.get(f)?.fmt === '4' && rows.get(f)?.real === false);
  test(`hand-written v4 fixtures parse, and writing is idempotent (${fixtures.length} files)`, () => {
    assert.ok(fixtures.length >= 5);
    for (const f of fixtures) {
      const once = writeState(parseState(read(f)), { flavor: 'terraform' });
      assert.equal(writeState(parseState(once), { flavor: 'terraform' }), once, f);
      // Same resources either way: the fixture's content survives normalisation.
      assert.deepEqual(listAddresses(parseState(once)), listAddresses(parseState(read(f))), f);
    }
  });

  const legacy = files.filter((f) => /^[123]$/.test(rows.get(f)?.fmt ?? '') && !f.startsWith('backendcfg-'));
  test(`legacy v1/v3 states parse as legacy and re-serialise with 4-space indent (${legacy.length} files)`, () => {
    assert.ok(legacy.length >= 7);
    for (const f of legacy) {
      const s = parseAnyState(read(f));
      assert.notEqual(s.version, 4, f);
      if (s.version === 4) continue;
      assert.equal(writeLegacyState(s), read(f).toString('utf8'), f);
    }
  });

  test('v3 states are upgraded by parseState (same addresses as the v4 upgrade fixture); v1 is refused', () => {
    const upgraded = parseState(read('testdata-tf-roundtrip-v3-grabbag.in.tfstate'));
    const fixture = parseState(read('testdata-tf-roundtrip-v3-grabbag.out.tfstate'));
    assert.deepEqual(listAddresses(upgraded), listAddresses(fixture));
    assert.deepEqual([...upgraded.outputs.keys()], [...fixture.outputs.keys()]);
    assert.equal(goMarshal(upgraded.outputs.get('results')?.type ?? { kind: 'null' }), '["map","string"]');
    for (const f of legacy.filter((x) => rows.get(x)?.fmt === '3')) {
      assert.ok(parseState(read(f)).resources.length > 0, f);
    }
    assert.throws(
      () => parseState(read('testdata-tf-roundtrip-v1-simple.in.tfstate')),
      (e) => isS3StateError(e, 'STATE') && e.message === 'State format upgrade failed',
    );
  });

  const backendFiles = files.filter((f) => f.includes('backendcfg'));
  test(`.terraform/terraform.tfstate backend files parse and re-serialise exactly (${backendFiles.length} files)`, () => {
    assert.ok(backendFiles.length >= 6);
    for (const f of backendFiles) {
      const text = read(f).toString('utf8');
      const b = parseBackendFile(text);
      assert.equal(writeBackendFile(b), text, f);
      const hashText = /"hash": (\d+)/.exec(text)?.[1];
      assert.equal(b.hash, hashText, `${f}: hash kept exactly`);
      assert.match(b.type, /^(s3|gcs|kubernetes|cloud)$/);
    }
    const s3 = parseBackendFile(read('gen-tf1.11.4-backendcfg-s3-dynamodb.tfstate'));
    assert.equal(s3.layout, 'current');
    assert.equal(s3.config['bucket'], 'tfstate-bucket');
    assert.equal(s3.config['dynamodb_table'], 'tf-locks');
    const big = parseBackendFile(read('backendcfg-s3-tf1.9.7-mahmoudkebbi.tfstate'));
    assert.ok(BigInt(big.hash) > BigInt(Number.MAX_SAFE_INTEGER), 'this file has a hash beyond 2^53');
  });

  const envelopes = files.filter((f) => rows.get(f)?.fmt === 'tofu envelope v0');
  test(`OpenTofu encryption envelopes are detected and refused with OpenTofu's message (${envelopes.length} files)`, () => {
    assert.ok(envelopes.length >= 4);
    for (const f of envelopes) {
      assert.equal(isEncryptedEnvelope(read(f)), true, f);
      assert.throws(
        () => parseState(read(f)),
        (e) =>
          isS3StateError(e, 'STATE') &&
          e.message === ENCRYPTED_STATE_MESSAGE &&
          e.name === 'EncryptedStateError',
        f,
      );
    }
    for (const f of [...realV4, ...legacy]) assert.equal(isEncryptedEnvelope(read(f)), false, f);
  });

  test('non-state files (lock infos, scans, CLI outputs) are not mistaken for states', () => {
    const others = files.filter((f) => !/\.tfstate$|state-pull\.stdout$/.test(f) && rows.get(f)?.fmt !== '4');
    assert.ok(others.length >= 15);
    for (const f of others) {
      assert.throws(
        () => parseState(read(f)),
        (e) => isS3StateError(e, 'STATE'),
        f,
      );
    }
  });

  test('state list of the generated features state matches terraform state list', () => {
    const s = parseState(read('gen-tf1.11.4-features-deposed-tainted-checks.tfstate'));
    assert.equal(listAddresses(s).join('\n') + '\n', read('gen-tf1.11.4-features-state-list.txt').toString());
  });

  test('root outputs keep big numbers, order and sensitivity (vs terraform output -json)', () => {
    const s = parseState(read('gen-tf1.11.4-features-deposed-tainted-checks.tfstate'));
    const expected = parseJson(read('gen-tf1.11.4-features-output.json').toString());
    assert.ok(expected.kind === 'object');
    const outs = rootOutputs(s);
    assert.deepEqual(
      outs.map((o) => o.name),
      expected.entries.map(([k]) => k),
    );
    for (const o of outs) {
      const e = rawGet(expected, o.name);
      assert.equal(goMarshal(o.value), goMarshal(rawGet(e, 'value') ?? { kind: 'null' }), o.name);
      assert.equal(goMarshal(o.type), goMarshal(rawGet(e, 'type') ?? { kind: 'null' }), o.name);
      assert.equal(
        o.sensitive,
        rawGet(e, 'sensitive')?.kind === 'bool' &&
          rawGet(e, 'sensitive')?.kind === 'bool' &&
          (rawGet(e, 'sensitive') as { value: boolean }).value,
        o.name,
      );
    }
    const big = outs.find((o) => o.name === 'big_number');
    assert.deepEqual(big?.value, { kind: 'number', text: '18446744073709551615' });
    assert.deepEqual(
      outs.filter((o) => o.sensitive).map((o) => o.name),
      ['secret_object', 'secret_token'],
    );
  });
});
