import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goBase64Error, goParseUrl, goQuoteSlice, isArn, parseArn } from './go-formats.ts';

test('goBase64Error matches Go StdEncoding error offsets', () => {
  const cases: [string, string | undefined][] = [
    ['4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=', undefined],
    ['====CT70aTYB2JGff7AjQtwbiLkwH4npICay1PWtmdka', 'illegal base64 data at input byte 0'],
    ['4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJ!=', 'illegal base64 data at input byte 42'],
    ['4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA', 'illegal base64 data at input byte 40'],
    ['AAAA', undefined],
    ['AA==', undefined],
    ['AA=A', 'illegal base64 data at input byte 2'],
    ['AAAA=AAA', 'illegal base64 data at input byte 4'],
    ['AA==AAAA', 'illegal base64 data at input byte 4'],
    ['', undefined],
  ];
  for (const [input, expected] of cases) assert.equal(goBase64Error(input), expected, input);
});

test('parseArn and isArn follow aws-sdk-go-v2', () => {
  assert.deepEqual(parseArn('nope'), { ok: false, error: 'arn: invalid prefix' });
  assert.deepEqual(parseArn('arn:aws:iam'), { ok: false, error: 'arn: not enough sections' });
  const r = parseArn('arn:aws:iam::123456789012:policy/a:b');
  assert.ok(r.ok);
  assert.equal(r.arn.resource, 'policy/a:b');
  assert.equal(r.arn.service, 'iam');
  assert.equal(isArn('arn:aws:kms:us-west-2:1:key/x'), true);
  assert.equal(isArn('arn:aws:kms'), false);
});

test('goParseUrl finds scheme and host, and Go parse errors', () => {
  assert.deepEqual(goParseUrl('http://127.0.0.1:9000/path'), {
    ok: true,
    scheme: 'http',
    host: '127.0.0.1:9000',
  });
  assert.deepEqual(goParseUrl('localhost:9'), { ok: true, scheme: 'localhost', host: '' });
  assert.deepEqual(goParseUrl('s3.example.com'), { ok: true, scheme: '', host: '' });
  assert.deepEqual(goParseUrl('127.0.0.1:99'), {
    ok: false,
    error: 'parse "127.0.0.1:99": first path segment in URL cannot contain colon',
  });
  assert.deepEqual(goParseUrl('://x'), { ok: false, error: 'parse "://x": missing protocol scheme' });
});

test('goQuoteSlice is fmt %q of []string', () => {
  assert.equal(goQuoteSlice(['a', 'b"c']), '["a" "b\\"c"]');
  assert.equal(goQuoteSlice([]), '[]');
});
