// Property tests of the workspace key math (src/backend/workspace-keys.ts) against independent
// reference implementations of Go's url.PathEscape and the listing rules of spec §2.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isValidWorkspaceName,
  workspaceStateKey,
  workspaceFromKey,
  workspaceListPrefix,
  lockFileKey,
  goPathClean,
  compareBytes,
  type KeyLayout,
} from '../../src/backend/workspace-keys.ts';

const RUNS = { numRuns: 200 };

/** Reference: Go url.PathEscape (encodePathSegment mode), byte by byte over UTF-8. */
function goPathEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    const unreserved = /[A-Za-z0-9\-_.~]/.test(c);
    const keptInSegment = '$&+:=@'.includes(c);
    out += unreserved || keptInSegment ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const SAFE = 'abcXYZ019-_.~$&+:=@';
const validName = fc
  .string({ unit: fc.constantFrom(...SAFE.split('')), minLength: 1, maxLength: 12 })
  .filter((w) => w !== 'default' && w !== '.' && w !== '..');
const segment = fc
  .string({ unit: fc.constantFrom(...'abz09-_.:'.split('')), minLength: 1, maxLength: 6 })
  .filter((s) => s !== '.' && s !== '..');
const cleanPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((a) => a.join('/'));
const layout: fc.Arbitrary<KeyLayout> = fc.record({
  key: cleanPath,
  workspaceKeyPrefix: fc.oneof(fc.constant('env:'), fc.constant(''), cleanPath),
});

describe('workspace names (property)', () => {
  test('valid exactly when non-empty and unchanged by Go url.PathEscape', () => {
    const name = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 10 }),
      fc.string({ unit: fc.constantFrom(...(SAFE + '/ %?#;,').split('')), maxLength: 10 }),
    );
    fc.assert(
      fc.property(name, (w) => {
        assert.equal(isValidWorkspaceName(w), w !== '' && goPathEscape(w) === w, JSON.stringify(w));
      }),
      { numRuns: 500 },
    );
  });
});

describe('workspace keys (property)', () => {
  test('a named workspace key is listed back as the same workspace', () => {
    fc.assert(
      fc.property(layout, validName, (l, w) => {
        const key = workspaceStateKey(l, w);
        assert.ok(key.startsWith(workspaceListPrefix(l.workspaceKeyPrefix)), `${key} under the list prefix`);
        assert.equal(workspaceFromKey(l, key), w);
      }),
      RUNS,
    );
  });
  test("lock files, the default object and other workspaces' keys are never taken for a workspace", () => {
    fc.assert(
      fc.property(layout, validName, (l, w) => {
        const key = workspaceStateKey(l, w);
        assert.equal(workspaceFromKey(l, lockFileKey(key)), '');
        assert.equal(workspaceFromKey({ ...l, key: l.key + '.other' }, key), '');
        if (l.workspaceKeyPrefix !== '') assert.equal(workspaceFromKey(l, l.key), '');
      }),
      RUNS,
    );
  });
  test('default uses the key raw; named keys are Go-clean paths', () => {
    fc.assert(
      fc.property(layout, validName, (l, w) => {
        assert.equal(workspaceStateKey(l, 'default'), l.key);
        const key = workspaceStateKey(l, w);
        assert.equal(goPathClean(key), key);
      }),
      RUNS,
    );
  });
  test('distinct workspaces never share a state key', () => {
    fc.assert(
      fc.property(layout, validName, validName, (l, a, b) => {
        fc.pre(a !== b);
        assert.notEqual(workspaceStateKey(l, a), workspaceStateKey(l, b));
      }),
      RUNS,
    );
  });
  test('compareBytes is a total order consistent with equality', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        (a, b, c) => {
          assert.ok(Math.sign(compareBytes(a, b)) === -Math.sign(compareBytes(b, a)), 'antisymmetric'); // === treats 0 and -0 alike
          assert.equal(compareBytes(a, b) === 0, a === b);
          if (compareBytes(a, b) <= 0 && compareBytes(b, c) <= 0) assert.ok(compareBytes(a, c) <= 0);
        },
      ),
      RUNS,
    );
  });
});
