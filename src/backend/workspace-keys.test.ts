import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareBytes,
  digestLockId,
  goPathJoin,
  isValidWorkspaceName,
  lockFileKey,
  lockPath,
  workspaceFromKey,
  workspaceListPrefix,
  workspaceStateKey,
} from './workspace-keys.ts';

describe('state keys (spec §2)', () => {
  const cases: [string, string, string, string][] = [
    // prefix, key, workspace, expected key
    ['env:', 'a/b.tfstate', 'default', 'a/b.tfstate'],
    ['env:', 'a/b.tfstate', 'dev', 'env:/dev/a/b.tfstate'],
    ['project/env:', 'a/b.tfstate', 'dev', 'project/env:/dev/a/b.tfstate'],
    ['', 'a/b.tfstate', 'dev', 'dev/a/b.tfstate'],
    ['env:', 'a//b.tfstate', 'default', 'a//b.tfstate'],
    ['env:', 'a//b.tfstate', 'dev', 'env:/dev/a/b.tfstate'],
    ['env:', './x/../b', 'dev', 'env:/dev/b'],
    [
      'workspaces',
      'envs/prod/terraform.tfstate',
      'staging',
      'workspaces/staging/envs/prod/terraform.tfstate',
    ],
  ];
  for (const [prefix, key, ws, want] of cases) {
    test(`prefix ${JSON.stringify(prefix)} key ${key} workspace ${ws} → ${want}`, () => {
      assert.equal(workspaceStateKey({ key, workspaceKeyPrefix: prefix }, ws), want);
    });
  }
  test('lock file key, lock path and digest LockID', () => {
    assert.equal(lockFileKey('env:/dev/k'), 'env:/dev/k.tflock');
    assert.equal(lockPath('b', 'env:/dev/k'), 'b/env:/dev/k');
    assert.equal(
      digestLockId('tfstate-bucket', 'envs/prod/terraform.tfstate'),
      'tfstate-bucket/envs/prod/terraform.tfstate-md5',
    );
  });
  test('go path.Join edge cases', () => {
    assert.equal(goPathJoin('', '', ''), '');
    assert.equal(goPathJoin('a', '', 'b'), 'a/b');
    assert.equal(goPathJoin('/a/', '../..', 'b'), '/b');
    assert.equal(goPathJoin('a', '../../b'), '../b');
  });
  test('list prefix', () => {
    assert.equal(workspaceListPrefix('env:'), 'env:/');
    assert.equal(workspaceListPrefix(''), '');
  });
});

describe('TestKeyEnv: parsing listed keys into workspace names', () => {
  const cases: [string, string, string, string][] = [
    // prefix, key, listed key, name
    ['', 'some/paths/tfstate', 'ws1/some/paths/tfstate', 'ws1'],
    ['', 'some/paths/tfstate', 'some/paths/tfstate', ''],
    ['', 'some/paths/tfstate', 'ws2/other/tfstate', ''],
    ['project/env:', 'some/paths/tfstate', 'project/env:/ws1/some/paths/tfstate', 'ws1'],
    ['project/env:', 'some/paths/tfstate', 'project/env:/ws2/some/paths/tfstate.tflock', ''],
    ['project/env:', 'some/paths/tfstate', 'other/project/env:/ws1/some/paths/tfstate', ''],
    ['env:', 'test/state', 'env:/ws1/test/state', 'ws1'],
    ['env:', 'test/state', 'env:/error', ''],
    ['env:', 'test/state', 'env:/s2/notTestState', ''],
    ['env:', 'test/state', 'env:/s2/', ''],
    ['env:', 'test/state', 'env:/s2/x/test/state', ''],
    ['env:', 'test/state', 'test/state', ''],
    ['env', 'test/state', 'env/env-1/test/state', 'env-1'],
  ];
  for (const [prefix, key, listed, want] of cases) {
    test(`prefix ${JSON.stringify(prefix)}: ${listed} → ${JSON.stringify(want)}`, () => {
      assert.equal(workspaceFromKey({ key, workspaceKeyPrefix: prefix }, listed), want);
    });
  }
});

test('workspace name validation follows url.PathEscape', () => {
  for (const ok of ['dev', 'a-b_c.d~e', 'x$&+:=@y', 'UPPER9'])
    assert.equal(isValidWorkspaceName(ok), true, ok);
  for (const bad of ['', 'a/b', 'a b', '50%', 'q?', 'é', 'a,b', 'a;b'])
    assert.equal(isValidWorkspaceName(bad), false, bad);
});

test('names sort in byte order like Go sort.Strings', () => {
  assert.deepEqual(['b', 'B', 'a', 'é', 'Z'].sort(compareBytes), ['B', 'Z', 'a', 'b', 'é']);
});
