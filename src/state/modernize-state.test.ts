import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modernizeState } from './modernize-state.ts';
import { parseState } from './parse-state.ts';
import { writeState } from './write-state.ts';

const old012 = JSON.stringify({
  version: 4,
  terraform_version: '0.12.31',
  serial: 4,
  lineage: 'l',
  outputs: {},
  resources: [
    {
      module: 'module.m',
      mode: 'managed',
      type: 'aws_instance',
      name: 'web',
      each: 'list',
      provider: 'module.m.provider.aws.west',
      instances: [
        { index_key: 0, schema_version: 1, attributes: { id: 'i' }, private: '', depends_on: ['aws_vpc.x'] },
      ],
    },
  ],
});

test('a 0.12 state as terraform 1.11 writes it', () => {
  const s = modernizeState(parseState(old012), { terraformVersion: '1.11.4' });
  const out = writeState(s, { flavor: 'opentofu' });
  assert.equal(
    out,
    '{"version":4,"terraform_version":"1.11.4","serial":4,"lineage":"l","outputs":{},"resources":[{"module":"module.m","mode":"managed","type":"aws_instance","name":"web","provider":"module.m.provider[\\"registry.terraform.io/-/aws\\"].west","instances":[{"index_key":0,"schema_version":1,"attributes":{"id":"i"},"sensitive_attributes":[]}]}],"check_results":null}\n',
  );
});

test('1.12+ adds identity_schema_version; older versions drop identity data; [] checks become null', () => {
  const base = parseState(
    '{"version":4,"terraform_version":"1.13.0","serial":1,"lineage":"l","outputs":{},"resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"schema_version":0,"attributes":{},"sensitive_attributes":[],"identity":{"id":"x"}}]}],"check_results":[]}',
  );
  const newer = writeState(modernizeState(base, { terraformVersion: '1.12.0' }), {
    flavor: 'terraform',
    indent: false,
  });
  assert.ok(newer.includes('"identity_schema_version":0,"identity":{"id":"x"}'), newer);
  assert.ok(newer.endsWith('"check_results":null}\n'));
  const older = writeState(modernizeState(base, { terraformVersion: '1.11.4' }), { flavor: 'opentofu' });
  assert.ok(!older.includes('identity'), older);
  assert.equal(base.resources[0]?.instances[0]?.identitySchemaVersion, undefined, 'input untouched');
});
