import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { S3Error } from './s3-error.ts';
import { uriEncode } from '../aws/sigv4.ts';
import { verifySigV4 } from './sigv4-verifier.ts';

const creds = new Map([['AKID', 'secret']]);
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

/** Signs with the AWS SDK's signer, then builds the raw request target as a client sends it. */
async function signed(path: string, query: Record<string, string>, extra: Record<string, string> = {}) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    region: 'eu-west-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const encodedPath = path
    .split('/')
    .map((s) => uriEncode(s, true))
    .join('/');
  const req = await signer.sign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9000,
      path: encodedPath,
      query,
      headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...extra },
    },
    { signingDate: new Date(NOW) },
  );
  const qs = Object.entries(query)
    .map(([k, v]) => `${uriEncode(k, true)}=${uriEncode(v, true)}`)
    .join('&');
  return { method: 'GET', url: encodedPath + (qs ? `?${qs}` : ''), headers: req.headers };
}

const PATHS = [
  '/bucket/plain',
  '/bucket/with space/and+plus',
  '/bucket/ünïcödé/日本',
  "/bucket/sym!*'()~@$&=,;:",
];

for (const p of PATHS) {
  test(`an SDK signature over ${p} verifies`, async () => {
    const r = await signed(p, { prefix: 'a b/c', 'list-type': '2', 'encoding-type': 'url' });
    const auth = verifySigV4(r, creds, NOW);
    assert.equal(auth.accessKeyId, 'AKID');
    assert.equal(auth.region, 'eu-west-1');
  });
}

test('an empty query value and a header with runs of spaces verify', async () => {
  const r = await signed('/bucket', { versioning: '' }, { 'x-amz-meta-a': '  spaced   value ' });
  assert.equal(verifySigV4(r, creds, NOW).accessKeyId, 'AKID');
});

test('tampering with path, query or a signed header breaks the signature', async () => {
  const r = await signed('/bucket/key', { a: '1' }, { 'x-amz-meta-z': 'v' });
  const cases = [
    { ...r, url: r.url.replace('/key', '/kez') },
    { ...r, url: r.url.replace('a=1', 'a=2') },
    { ...r, headers: { ...r.headers, 'x-amz-meta-z': 'w' } },
  ];
  for (const c of cases) {
    assert.throws(
      () => verifySigV4(c, creds, NOW),
      (e: unknown) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch',
    );
  }
});

test('unknown key, skewed clock and missing auth are told apart', async () => {
  const r = await signed('/bucket/key', {});
  assert.throws(() => verifySigV4(r, new Map([['OTHER', 'x']]), NOW), { code: 'InvalidAccessKeyId' });
  assert.throws(() => verifySigV4(r, creds, NOW + 16 * 60_000), { code: 'RequestTimeTooSkewed' });
  assert.equal(verifySigV4(r, creds, NOW + 14 * 60_000).accessKeyId, 'AKID');
  assert.throws(() => verifySigV4({ method: 'GET', url: '/b/k', headers: {} }, creds, NOW), {
    code: 'AccessDenied',
  });
});
