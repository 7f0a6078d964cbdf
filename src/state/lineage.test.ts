import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLineage, newLineage } from './lineage.ts';

test('newLineage: go-uuid layout, lowercase hex, unique', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const l = newLineage();
    assert.match(l, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(isLineage(l), true);
    seen.add(l);
  }
  assert.equal(seen.size, 1000);
  assert.equal(isLineage('not-a-lineage'), false);
});
