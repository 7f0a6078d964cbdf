import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isS3StateError } from '../errors.ts';
import { listAddresses } from './addresses.ts';
import type { InstanceState, ResourceState, StateFile } from './state-file.ts';
import { moveAddress, removeAddresses } from './state-edit.ts';
import { emptyState, writeState } from './write-state.ts';

function r(
  module: string,
  type: string,
  name: string,
  insts: InstanceState[],
  mode: 'managed' | 'data' = 'managed',
): ResourceState {
  return {
    module,
    mode,
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/t"]',
    instances: insts,
  };
}

function fixture(): StateFile {
  const s = emptyState({ lineage: 'l', serial: 3, terraformVersion: '1.11.4' });
  s.resources = [
    r('', 't', 'single', [{ schemaVersion: 0, dependencies: ['t.counted'] }]),
    r('', 't', 'counted', [{ indexKey: 0 }, { indexKey: 1 }, { indexKey: 1, deposed: 'abcd0123' }]),
    r('module.m', 't', 'inner', [{ indexKey: 'a', dependencies: ['module.m.t.other', 't.single'] }]),
    r('module.m.module.n', 't', 'deep', [{}]),
    r('', 'd', 'src', [{}], 'data'),
  ];
  return s;
}

const errorWith = (summary: string, detail?: string) => (e: unknown) =>
  isS3StateError(e, 'STATE') && e.message === summary && (detail === undefined || e.detail === detail);

describe('removeAddresses', () => {
  test('removes an instance with its deposed objects; the resource stays while instances remain', () => {
    const s = fixture();
    const before = writeState(s, { flavor: 'terraform' });
    const { state, removed } = removeAddresses(s, ['t.counted[1]']);
    assert.deepEqual(removed, ['t.counted[1]']);
    assert.deepEqual(
      listAddresses(state).filter((a) => a.startsWith('t.counted')),
      ['t.counted[0]'],
    );
    assert.equal(state.resources.find((x) => x.name === 'counted')?.instances.length, 1);
    assert.equal(writeState(s, { flavor: 'terraform' }), before, 'input untouched');
  });

  test('a module address removes descendants; empty resources disappear', () => {
    const { state, removed } = removeAddresses(fixture(), ['module.m', 'data.d.src']);
    assert.deepEqual(removed, ['module.m.t.inner["a"]', 'module.m.module.n.t.deep', 'data.d.src']);
    assert.deepEqual(listAddresses(state), ['t.counted[0]', 't.counted[1]', 't.single']);
    assert.equal(state.resources.length, 2);
  });

  test('nothing matched → Invalid target address (unless allowNone)', () => {
    assert.throws(
      () => removeAddresses(fixture(), ['t.nope', 'module.q']),
      errorWith(
        'Invalid target address',
        'No matching objects found. To view the available instances, use "terraform state list". Please modify the address to reference a specific instance.',
      ),
    );
    assert.deepEqual(removeAddresses(fixture(), ['t.nope'], { allowNone: true }).removed, []);
    assert.throws(
      () => removeAddresses(fixture(), ['bad']),
      (e) => isS3StateError(e, 'USAGE'),
    );
  });
});

describe('moveAddress', () => {
  test('renaming a resource without count moves its single instance and clears dependents', () => {
    const { state, moved } = moveAddress(fixture(), 't.single', 't.renamed');
    assert.deepEqual(moved, [{ from: 't.single', to: 't.renamed' }]);
    assert.ok(listAddresses(state).includes('t.renamed'));
    const inner = state.resources.find((x) => x.name === 'inner')?.instances[0];
    assert.equal(inner?.dependencies, undefined, 'module.m.t.inner depended on t.single');
  });

  test('a whole counted resource moves with all its objects, into a new module', () => {
    const { state } = moveAddress(fixture(), 't.counted', 'module.x.t.counted');
    const moved = state.resources.find((x) => x.module === 'module.x');
    assert.equal(moved?.instances.length, 3);
    assert.equal(moved?.provider, 'provider["registry.terraform.io/hashicorp/t"]');
    assert.equal(state.resources.find((x) => x.name === 'single')?.instances[0]?.dependencies, undefined);
  });

  test('one instance to a new key, and to a keyless address', () => {
    const a = moveAddress(fixture(), 't.counted[1]', 't.counted[5]');
    assert.deepEqual(
      listAddresses(a.state).filter((x) => x.startsWith('t.counted')),
      ['t.counted[0]', 't.counted[5]'],
    );
    const b = moveAddress(fixture(), 't.counted[0]', 't.solo');
    assert.deepEqual(b.moved, [{ from: 't.counted[0]', to: 't.solo' }]);
    assert.equal(b.state.resources.find((x) => x.name === 'solo')?.instances[0]?.indexKey, undefined);
  });

  test('a module moves with its child modules', () => {
    const { state, moved } = moveAddress(fixture(), 'module.m', 'module.k["x"]');
    assert.deepEqual(moved, [
      { from: 'module.m', to: 'module.k["x"]' },
      { from: 'module.m.module.n', to: 'module.k["x"].module.n' },
    ]);
    assert.ok(listAddresses(state).includes('module.k["x"].module.n.t.deep'));
  });

  test('between two states (-state-out)', () => {
    const target = emptyState({ lineage: 'other', serial: 1, terraformVersion: '1.11.4' });
    const res = moveAddress(fixture(), 'module.m.module.n', 'module.n', { target });
    assert.deepEqual(listAddresses(res.target as StateFile), ['module.n.t.deep']);
    assert.ok(!listAddresses(res.state).some((a) => a.includes('deep')));
    assert.equal(target.resources.length, 0, 'input target untouched');
  });

  const refused: [string, string, string, string][] = [
    [
      't.nope',
      't.x',
      'Invalid source address',
      'Cannot move t.nope: does not match anything in the current state.',
    ],
    [
      't.counted',
      'data.t.x',
      'Invalid state move request',
      'Cannot move t.counted to data.t.x: a managed resource can be moved only to another managed resource address.',
    ],
    [
      't.counted',
      'u.x',
      'Invalid state move request',
      "Cannot move t.counted to u.x: resource types don't match.",
    ],
    [
      't.counted[0]',
      't.counted[1]',
      'Invalid target address',
      'Cannot move to t.counted[1]: there is already a resource instance at that address in the current state.',
    ],
    [
      't.counted',
      't.single',
      'Invalid target address',
      'Cannot move to t.single: there is already a resource at that address in the current state.',
    ],
    [
      't.counted',
      't.x[0]',
      'Invalid target address',
      'Cannot move t.counted to t.x[0]: the source is a whole resource (not a resource instance) so the target must also be a whole resource.',
    ],
    [
      'module.m',
      't.x',
      'Invalid target address',
      'Cannot move module.m to t.x: the target must also be a module.',
    ],
    [
      't.counted[0]',
      'module.q',
      'Invalid target address',
      'Cannot move t.counted[0] to module.q: the target must also be a resource instance.',
    ],
    ['t.counted[7]', 't.x', 'Invalid source address', 'The current state does not contain t.counted[7].'],
    [
      'module.m.module.n',
      'module.m',
      'Error moving state: destination module already exists',
      'Please ensure your addresses and state paths are valid. No state was persisted. Your existing states are untouched.',
    ],
  ];
  for (const [src, dst, summary, detail] of refused) {
    test(`refuses ${src} → ${dst}: ${summary}`, () => {
      assert.throws(() => moveAddress(fixture(), src, dst), errorWith(summary, detail));
    });
  }
});
