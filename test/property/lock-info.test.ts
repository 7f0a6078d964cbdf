// Property tests of the lock-info JSON (src/lock/lock-info.ts). OpenTofu releases a DynamoDB lock
// with a conditional delete on `Info = <re-marshalled JSON>`, so marshal(parse(marshal(x))) must be
// byte-identical to marshal(x) for every lock info, whatever its strings contain.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import {
  marshalLockInfo,
  parseLockInfo,
  formatGoTime,
  formatLockInfo,
  type LockInfo,
} from '../../src/lock/lock-info.ts';

const RUNS = { numRuns: 200 };
const corpus = resolve(import.meta.dirname, '../../../shared/spec/corpus');

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '\u2028', '"', '\\', '\n', 'é', '😀', 'a', '@', '/'),
    maxLength: 20,
  }),
);
const created = fc
  .tuple(
    fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2200-01-01T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.nat({ max: 999_999 }),
  )
  .map(([d, ns]) => formatGoTime(d, ns));
const lockInfo: fc.Arbitrary<LockInfo> = fc.record({
  ID: fc.uuid(),
  Operation: text,
  Info: text,
  Who: text,
  Version: fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/),
  Created: created,
  Path: text,
});

function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

describe('lock info JSON (property)', () => {
  test('marshal is stable under parse → marshal (byte-identical, as the conditional delete needs)', () => {
    fc.assert(
      fc.property(lockInfo, (info) => {
        const once = marshalLockInfo(info);
        assert.equal(marshalLockInfo(parseLockInfo(once)), once);
      }),
      RUNS,
    );
  });
  test('parse(marshal(x)) returns the same fields (strings made well-formed, as Go does)', () => {
    fc.assert(
      fc.property(lockInfo, (info) => {
        const back = parseLockInfo(marshalLockInfo(info));
        const want = Object.fromEntries(Object.entries(info).map(([k, v]) => [k, wellFormed(v)]));
        assert.deepEqual(back, want);
      }),
      RUNS,
    );
  });
  test('compact JSON with the Go field order and no raw HTML characters', () => {
    fc.assert(
      fc.property(lockInfo, (info) => {
        const s = marshalLockInfo(info);
        assert.deepEqual(Object.keys(JSON.parse(s) as object), [
          'ID',
          'Operation',
          'Info',
          'Who',
          'Version',
          'Created',
          'Path',
        ]);
        assert.doesNotMatch(s, /[<>&\n]/);
      }),
      RUNS,
    );
  });
  test('the Lock Info block always has the seven rows, whatever the values', () => {
    fc.assert(
      fc.property(lockInfo, (info) => {
        const block = formatLockInfo({
          ...info,
          Who: info.Who.replace(/\n/g, ' '),
          Info: info.Info.replace(/\n/g, ' '),
          Operation: info.Operation.replace(/\n/g, ' '),
          Path: info.Path.replace(/\n/g, ' '),
        });
        const lines = block.split('\n');
        assert.equal(lines[0], 'Lock Info:');
        assert.deepEqual(
          lines.slice(1, 8).map((l) => l.slice(0, 13).trimEnd()),
          ['  ID:', '  Path:', '  Operation:', '  Who:', '  Version:', '  Created:', '  Info:'],
        );
      }),
      RUNS,
    );
  });
  test('arbitrary text never throws anything but SyntaxError (the documented contract)', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .dictionary(
          fc.constantFrom('ID', 'id', 'Created', 'created', 'Who', 'Path', 'x'),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(input, (s) => {
        try {
          const info = parseLockInfo(s);
          for (const v of Object.values(info)) assert.equal(typeof v, 'string');
        } catch (e) {
          assert.ok(e instanceof SyntaxError, `unexpected ${String(e)} for ${JSON.stringify(s)}`);
        }
      }),
      { numRuns: 500 },
    );
  });
  test('every lock info written by a real binary in the corpus re-marshals to its own bytes', () => {
    const files = readdirSync(corpus).filter((f) => /lockinfo.*\.json$|\.tflock$/.test(f));
    assert.ok(files.length >= 3, 'corpus lock infos present');
    for (const f of files) {
      const raw = readFileSync(resolve(corpus, f), 'utf8').replace(/\n$/, '');
      const info = parseLockInfo(raw);
      // Only files that are Go's compact output can be compared byte for byte.
      if (raw.startsWith('{"ID"')) assert.equal(marshalLockInfo(info), raw, f);
      else assert.match(info.ID, /^[0-9a-f-]{36}$|^$/, f);
    }
  });
});
