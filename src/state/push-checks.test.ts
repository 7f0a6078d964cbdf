import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isS3StateError } from '../errors.ts';
import { checkImport, isEmptyState, statesEqualIgnoringHeader } from './push-checks.ts';
import { rawString } from './raw-json.ts';
import type { StateFile } from './state-file.ts';
import { emptyState } from './write-state.ts';

function state(lineage: string, serial: number, value = 'v'): StateFile {
  const s = emptyState({ lineage, serial, terraformVersion: '1.11.4' });
  s.outputs.set('o', { value: rawString(value), type: rawString('string'), sensitive: false });
  return s;
}

// §5.4 of the spec: [case, current, pushed, expected error or undefined].
const cases: [string, StateFile | undefined, StateFile, string | undefined][] = [
  ['no destination', undefined, state('a', 1), undefined],
  [
    'empty destination',
    emptyState({ lineage: 'x', serial: 9, terraformVersion: '1.0.0' }),
    state('a', 1),
    undefined,
  ],
  ['pushed lineage empty', state('a', 5), state('', 1), undefined],
  ['current lineage empty', state('', 5), state('a', 1), undefined],
  [
    'different lineage',
    state('old', 1),
    state('new', 9),
    'cannot import state with lineage "new" over unrelated state with lineage "old"',
  ],
  [
    'lower serial',
    state('a', 5),
    state('a', 4),
    'cannot import state with serial 4 over newer state with serial 5',
  ],
  [
    'same serial, different content',
    state('a', 5, 'x'),
    state('a', 5, 'y'),
    'cannot overwrite existing state with serial 5 with a different state that has the same serial',
  ],
  ['same serial, same content', state('a', 5), state('a', 5), undefined],
  ['higher serial', state('a', 5, 'x'), state('a', 6, 'y'), undefined],
];

describe('checkImport (state push)', () => {
  for (const [name, current, pushed, error] of cases) {
    test(name, () => {
      if (error === undefined) checkImport(current, pushed);
      else {
        assert.throws(
          () => checkImport(current, pushed),
          (e) => isS3StateError(e, 'STATE') && e.message === error,
        );
      }
    });
  }

  test('serials beyond 2^53 compare exactly', () => {
    const cur = { ...state('a', 1), serial: 9007199254740993n };
    const lower = { ...state('a', 1), serial: 9007199254740992n };
    assert.throws(
      () => checkImport(cur, lower),
      (e) =>
        isS3StateError(e) &&
        e.message.includes('serial 9007199254740992 over newer state with serial 9007199254740993'),
    );
  });
});

describe('statesEqualIgnoringHeader', () => {
  test('ignores version, serial and lineage but not content', () => {
    const a = state('a', 1);
    const b = { ...state('b', 7), terraformVersion: '1.0.0' };
    assert.equal(statesEqualIgnoringHeader(a, b), true);
    assert.equal(statesEqualIgnoringHeader(a, state('a', 1, 'changed')), false);
  });
  test('absent, null and empty check results are the same content', () => {
    const a = state('a', 1);
    assert.equal(
      statesEqualIgnoringHeader({ ...a, checkResults: undefined }, { ...a, checkResults: [] }),
      true,
    );
    assert.equal(
      statesEqualIgnoringHeader(a, {
        ...a,
        checkResults: [{ objectKind: 'check', configAddr: 'check.x', status: 'pass', objects: null }],
      }),
      false,
    );
  });
  test('isEmptyState: outputs or resources make a state non-empty', () => {
    assert.equal(isEmptyState(undefined), true);
    assert.equal(isEmptyState(emptyState({ lineage: 'l', serial: 1, terraformVersion: '1' })), true);
    assert.equal(isEmptyState(state('a', 1)), false);
  });
});
