import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateWorkspaceName } from './workspace-name.ts';

test('accepts names equal to their Go url.PathEscape', () => {
  for (const n of ['default', 'staging', 'env-1', 'a.b_c~d', 'x:y', 'a@b', 'a=b', 'a+b', 'a$b&c,d;e']) {
    assert.equal(validateWorkspaceName(n), undefined, n);
  }
});

test('rejects empty names and names that need escaping', () => {
  for (const n of ['', 'a/b', 'a b', '100%', 'what?', 'a#b', 'ünïcode', 'tab\t', 'a\\b']) {
    const d = validateWorkspaceName(n);
    assert.equal(d?.summary, 'Invalid workspace name', n);
    assert.equal(
      d?.detail,
      `The workspace name ${JSON.stringify(n)} is not allowed. The name must contain only URL safe characters, contain no path separators, and not be an empty string.`,
    );
  }
});
