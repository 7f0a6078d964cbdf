import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseArgs, parseCommandArgs, parseDuration } from './args.ts';
import { isS3StateError } from '../errors.ts';

describe('argument parsing', () => {
  test('tofu-style single-dash long flags become --flags; -h, - and args after -- are kept', () => {
    const specs = { json: { type: 'boolean' as const }, chdir: { type: 'string' as const } };
    assert.deepEqual(normaliseArgs(['-json', '-chdir=x', '-h', '-', '--', '-json'], specs).args, [
      '--json',
      '--chdir=x',
      '-h',
      '-',
      '--',
      '-json',
    ]);
  });
  test('boolean flags accept =true / =false', () => {
    const r = parseCommandArgs(['-lock=false', '-force=true', 'x'], { force: { type: 'boolean' } });
    assert.equal(r.globals.lock, false);
    assert.equal(r.options.force, true);
    assert.deepEqual(r.positionals, ['x']);
  });
  test('global flags anywhere, repeatable -backend-config in order, defaults', () => {
    const r = parseCommandArgs(
      ['a', '-backend-config=b.tfbackend', '--backend-config', 'key=v', '-workspace=dev'],
      {},
    );
    assert.deepEqual(r.globals.backendConfig, ['b.tfbackend', 'key=v']);
    assert.equal(r.globals.workspace, 'dev');
    assert.equal(r.globals.lock, true);
    assert.equal(r.globals.lockTimeoutMs, 0);
    assert.equal(r.globals.input, true);
    assert.deepEqual(r.positionals, ['a']);
  });
  for (const [args, detail] of [
    [['-bogus'], 'flag provided but not defined: -bogus'],
    [['--chdir'], 'flag needs an argument: -chdir'],
    [['-json=maybe'], 'invalid boolean value "maybe" for -json'],
  ] as const) {
    test(`usage error: ${args.join(' ')}`, () => {
      assert.throws(
        () => parseCommandArgs([...args], {}),
        (e: unknown) => isS3StateError(e, 'USAGE') && e.detail === detail,
      );
    });
  }
  test('durations like Go time.ParseDuration', () => {
    assert.equal(parseDuration('0', '-x'), 0);
    assert.equal(parseDuration('30s', '-x'), 30_000);
    assert.equal(parseDuration('1m30s', '-x'), 90_000);
    assert.equal(parseDuration('1.5h', '-x'), 5_400_000);
    assert.equal(parseDuration('250ms', '-x'), 250);
    for (const bad of ['', '10', 'soon', '5 s', '-1s'])
      assert.throws(() => parseDuration(bad, '-lock-timeout'), /Invalid value for -lock-timeout/, bad);
  });
});
