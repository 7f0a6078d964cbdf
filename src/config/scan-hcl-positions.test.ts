import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHclBackendBlocks, scanHclBodyPositions } from './scan-hcl-positions.ts';

test('finds backend blocks and attribute lines past comments, heredocs, strings and nested braces', () => {
  const src = [
    '# terraform { backend "gcs" {} } in a comment',
    'variable "x" {',
    '  default = "terraform { backend }"',
    '}',
    '/* terraform {',
    '  backend "s3" {} */',
    'terraform {',
    '  required_version = ">= 1.0" // trailing comment',
    '  backend "s3" {',
    '    bucket = "b" # comment',
    '    key    = <<EOT',
    'bucket = "not an attribute"',
    'EOT',
    '    endpoints = {',
    '      s3 = "http://x/${"}"}"',
    '    }',
    '    assume_role {',
    '      role_arn = "arn"',
    '    }',
    '    region = "us-east-1"',
    '  }',
    '}',
  ].join('\n');
  const blocks = scanHclBackendBlocks(src);
  assert.equal(blocks.length, 1);
  const b = blocks[0]!;
  assert.equal(b.type, 's3');
  assert.deepEqual(b.decl, { line: 9, column: 3, endColumn: 15 });
  assert.deepEqual(Object.fromEntries(b.attributes), { bucket: 10, key: 11, endpoints: 14, region: 20 });
  assert.deepEqual(Object.fromEntries(b.nested), { assume_role: 17, 'assume_role.role_arn': 18 });
});

test('finds several blocks, cloud blocks, and ignores backends outside terraform {}', () => {
  const src =
    'terraform {\n  cloud {\n    organization = "o"\n  }\n}\nlocals {\n  backend "s3" {}\n}\nterraform {\n  backend "gcs" {\n  }\n}\n';
  const blocks = scanHclBackendBlocks(src);
  assert.deepEqual(
    blocks.map((b) => [b.type, b.decl.line]),
    [
      ['cloud', 2],
      ['gcs', 10],
    ],
  );
});

test('scanHclBodyPositions gives .tfbackend attribute lines', () => {
  const pos = scanHclBodyPositions(
    '# comment\nbucket = "b"\n\nassume_role = {\n  role_arn = "x"\n}\nkey = "k"\n',
  );
  assert.deepEqual(Object.fromEntries(pos.attributes), { bucket: 2, assume_role: 4, key: 7 });
});
