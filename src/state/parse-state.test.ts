import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isS3StateError } from '../errors.ts';
import {
  ENCRYPTED_STATE_MESSAGE,
  UNSUPPORTED_STATE_FORMAT,
  isEncryptedEnvelope,
  parseAnyState,
  parseState,
} from './parse-state.ts';
import { writeState } from './write-state.ts';
import { toPlain } from './raw-json.ts';

const NO_VERSION =
  'The state file does not have a "version" attribute, which is required to identify the format version.';
const syntax = (n: number): string =>
  `The state file could not be parsed as JSON: syntax error at byte offset ${n}.`;

// Expected summaries/details as printed by terraform 1.11.4 for the same bytes
// (`terraform state list -state=<file>`; first diagnostic).
const rejected: [string, string | Uint8Array, string, string][] = [
  ['object key expected', '{x', UNSUPPORTED_STATE_FORMAT, syntax(2)],
  ['trailing comma', '[1,]', UNSUPPORTED_STATE_FORMAT, syntax(4)],
  ['garbage after the value', '{"version":4}x', UNSUPPORTED_STATE_FORMAT, syntax(14)],
  [
    'byte-order mark',
    new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('{"version":4}')]),
    UNSUPPORTED_STATE_FORMAT,
    syntax(1),
  ],
  ['offset counts UTF-8 bytes', '["é",x]', UNSUPPORTED_STATE_FORMAT, syntax(7)],
  ['whitespace only', '   ', UNSUPPORTED_STATE_FORMAT, syntax(3)],
  [
    'string version',
    '{"version":"4"}',
    UNSUPPORTED_STATE_FORMAT,
    'The version in the state file is string. A positive whole number is required.',
  ],
  [
    'negative version',
    '{"version":-1}',
    UNSUPPORTED_STATE_FORMAT,
    'The version in the state file is number -1. A positive whole number is required.',
  ],
  [
    'fractional version',
    '{"version":4.5}',
    UNSUPPORTED_STATE_FORMAT,
    'The version in the state file is number 4.5. A positive whole number is required.',
  ],
  [
    'top-level array',
    '[]',
    UNSUPPORTED_STATE_FORMAT,
    'The version in the state file is array. A positive whole number is required.',
  ],
  ['no version', '{"a":1}', UNSUPPORTED_STATE_FORMAT, NO_VERSION],
  ['null version', '{"version": null}', UNSUPPORTED_STATE_FORMAT, NO_VERSION],
  [
    'version zero',
    '{"version":0}',
    UNSUPPORTED_STATE_FORMAT,
    'The state file uses JSON syntax but has a version number of zero. There was never a JSON-based state format zero, so this state file is invalid and cannot be processed.',
  ],
  [
    'future version',
    '{"version":5,"terraform_version":"9.0.0"}',
    UNSUPPORTED_STATE_FORMAT,
    'The state file uses format version 5, which is not supported by s3state. This state file was created by Terraform 9.0.0.',
  ],
  [
    'wrong field type',
    '{"version":4,"serial":"x"}',
    'Invalid state file format',
    'The state file field "serial" has invalid value string',
  ],
  [
    'wrong nested field type',
    '{"version":4,"resources":[{"mode":"managed","type":"a","name":"b","instances":[{"schema_version":"x"}]}]}',
    'Invalid state file format',
    'The state file field "resources.instances.schema_version" has invalid value string',
  ],
  [
    'bad resource mode',
    '{"version":4,"resources":[{"mode":"bogus","type":"a","name":"b"}]}',
    'Invalid resource mode in state',
    'State contains a resource with mode "bogus" ("a" "b") which is not supported.',
  ],
  [
    'bad instance status',
    '{"version":4,"resources":[{"mode":"managed","type":"a","name":"b","instances":[{"status":"weird"}]}]}',
    'Invalid resource instance metadata in state',
    'Instance a.b has invalid status "weird".',
  ],
  [
    'bad instance key',
    '{"version":4,"resources":[{"mode":"managed","type":"a","name":"b","instances":[{"index_key":true}]}]}',
    'Invalid resource instance metadata in state',
    'Resource a.b has an instance with the invalid instance key true.',
  ],
  [
    'duplicate instance',
    '{"version":4,"resources":[{"module":"module.m[\\"k\\"]","mode":"managed","type":"a","name":"b","instances":[{"index_key":"x"},{"index_key":"x"}]}]}',
    'Duplicate resource instance in state',
    'Instance module.m["k"].a.b["x"] appears multiple times in the state file.',
  ],
  // Resources are decoded while the text is parsed; the errors still come in Go's order.
  [
    'a bad resource followed by a syntax error: the syntax error',
    '{"version":4,"resources":[{"mode":"bogus","type":"a","name":"b"}],x}',
    UNSUPPORTED_STATE_FORMAT,
    syntax(67),
  ],
  [
    'a bad resource before a bad output: the output',
    '{"version":4,"resources":[{"mode":"bogus","type":"a","name":"b"}],"outputs":{"o":{"sensitive":1}}}',
    'Invalid state file format',
    'The state file field "outputs \\"sensitive\\"" has invalid value number',
  ],
];

describe('parseState errors', () => {
  for (const [name, input, summary, detail] of rejected) {
    test(`${name} → ${summary}`, () => {
      assert.throws(
        () => parseState(input),
        (e) => isS3StateError(e, 'STATE') && e.message === summary && e.detail === detail,
      );
    });
  }

  test('empty input is "no state", not a format error', () => {
    assert.throws(
      () => parseState(new Uint8Array(0)),
      (e) => isS3StateError(e, 'STATE') && e.name === 'EmptyStateError',
    );
  });

  test('an OpenTofu envelope is refused with its own typed error', () => {
    const env =
      '{"serial":3,"lineage":"l","meta":{"key_provider.pbkdf2.k":"e30="},"encrypted_data":"AAAA","encryption_version":"v0"}';
    assert.equal(isEncryptedEnvelope(env), true);
    assert.throws(
      () => parseState(env),
      (e) => isS3StateError(e, 'STATE') && e.message === ENCRYPTED_STATE_MESSAGE,
    );
    assert.equal(isEncryptedEnvelope('{"encryption_version":""}'), false);
    assert.equal(isEncryptedEnvelope('not json encryption_version'), false);
  });
});

describe('parseState exactness', () => {
  const src = `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 18446744073709551615,
  "lineage": "a-b",
  "outputs": {
    "n": {
      "value": {
        "2": 9007199254740993,
        "1": 1.50,
        "html": "\\u003cb\\u003e \\u0026 é \\u2028",
        "esc": "\\u00e9\\/"
      },
      "type": [
        "object",
        {
          "1": "number",
          "2": "number",
          "esc": "string",
          "html": "string"
        }
      ],
      "sensitive": true
    }
  },
  "resources": [],
  "check_results": null
}
`;
  test('big serial, number text, integer-like key order and string spelling survive', () => {
    const s = parseState(src);
    assert.equal(s.serial, 18446744073709551615n);
    assert.equal(writeState(s, { flavor: 'terraform' }), src);
  });

  test('unknown members are dropped and Go struct order is restored', () => {
    const s = parseState(
      '{"lineage":"x","extra":1,"serial":2,"version":4,"terraform_version":"1.0.0","resources":[],"outputs":{}}',
    );
    assert.equal(
      writeState(s, { flavor: 'opentofu' }),
      '{"version":4,"terraform_version":"1.0.0","serial":2,"lineage":"x","outputs":{},"resources":[]}\n',
    );
  });

  test('legacy v3 is returned as a legacy document by parseAnyState', () => {
    const s = parseAnyState('{"version": 3, "serial": 1, "modules": []}');
    assert.equal(s.version, 3);
  });

  test('a legacy document with a top-level "resources" member keeps it as written', () => {
    const s = parseAnyState('{"version": 3, "serial": 1, "modules": [], "resources": [{"a": 1}]}');
    assert.equal(s.version, 3);
    assert.ok('document' in s);
    assert.deepEqual(toPlain(s.document), { version: 3, serial: 1, modules: [], resources: [{ a: 1 }] });
  });
});
