import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { errorCode, rawRequest } from './raw-request.ts';

/** A presigned URL made by the SDK's own signer. */
async function presign(
  endpoint: string,
  method: string,
  path: string,
  expiresIn: number,
  signingDate = new Date(),
  secret = 'test',
): Promise<string> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'test', secretAccessKey: secret },
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const req = await signer.presign(
    {
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: {},
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    },
    {
      expiresIn,
      signingDate,
      unsignableHeaders: new Set(['x-amz-content-sha256']),
      unhoistableHeaders: new Set(['x-amz-content-sha256']),
    },
  );
  const qs = Object.entries(req.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${endpoint}${path}?${qs}`;
}

describe('store authentication (SigV4)', () => {
  let t: TestStore;
  before(async () => {
    t = await startTestStore({
      credentials: [
        { accessKeyId: 'test', secretAccessKey: 'test' },
        { accessKeyId: 'second', secretAccessKey: 'second-secret' },
      ],
    });
    await t.s3.send(new CreateBucketCommand({ Bucket: 'auth' }));
    await t.s3.send(new PutObjectCommand({ Bucket: 'auth', Key: 'obj', Body: 'secret-data' }));
  });
  after(() => t.close());

  function client(accessKeyId: string, secretAccessKey: string): S3Client {
    return new S3Client({
      endpoint: t.endpoint,
      forcePathStyle: true,
      region: 'eu-west-3',
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
  }

  test('a second configured key works, in any region', async () => {
    const c = client('second', 'second-secret');
    const res = await c.send(new ListBucketsCommand({}));
    assert.ok(res.Buckets?.some((b) => b.Name === 'auth'));
    c.destroy();
  });

  test('unknown access key → 403 InvalidAccessKeyId', async () => {
    const c = client('nobody', 'x');
    await assert.rejects(
      c.send(new ListBucketsCommand({})),
      (e: Error & { $metadata: { httpStatusCode: number } }) => {
        assert.equal(e.name, 'InvalidAccessKeyId');
        assert.equal(e.$metadata.httpStatusCode, 403);
        return true;
      },
    );
    c.destroy();
  });

  test('wrong secret → 403 SignatureDoesNotMatch, and nothing is written', async () => {
    const c = client('test', 'wrong');
    await assert.rejects(
      c.send(new PutObjectCommand({ Bucket: 'auth', Key: 'obj', Body: 'overwritten' })),
      (e: Error) => e.name === 'SignatureDoesNotMatch',
    );
    c.destroy();
    const got = await rawRequest(t.endpoint, { method: 'GET', path: '/auth/obj' });
    assert.equal(got.body, 'secret-data');
  });

  test('a signature error never echoes an SSE-C key', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/auth/ssec-leak',
      body: 'x',
      credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' },
      headers: {
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-server-side-encryption-customer-key': key,
        'x-amz-server-side-encryption-customer-key-md5': 'bWQ1',
      },
    });
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
    assert.match(res.body, /<CanonicalRequest>/);
    assert.ok(!res.body.includes(key), 'the SSE-C key is masked');
  });

  test('anonymous request → 403 AccessDenied with an AWS XML error and a request id', async () => {
    const res = await rawRequest(t.endpoint, { method: 'GET', path: '/auth/obj', credentials: null });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'AccessDenied');
    assert.match(res.body, /<RequestId>[0-9A-F]+<\/RequestId>/);
    assert.ok(res.headers['x-amz-request-id']);
    assert.doesNotMatch(res.body, /secret-data/);
  });

  test('clock skew beyond 15 minutes → 403 RequestTimeTooSkewed; within it → 200', async () => {
    const skewed = await rawRequest(t.endpoint, {
      method: 'GET',
      path: '/auth/obj',
      signingDate: new Date(Date.now() - 20 * 60 * 1000),
    });
    assert.equal(skewed.status, 403);
    assert.equal(errorCode(skewed.body), 'RequestTimeTooSkewed');
    const ok = await rawRequest(t.endpoint, {
      method: 'GET',
      path: '/auth/obj',
      signingDate: new Date(Date.now() - 5 * 60 * 1000),
    });
    assert.equal(ok.status, 200);
  });

  test('a header changed after signing → 403 SignatureDoesNotMatch', async () => {
    const { signHeaders } = await import('./raw-request.ts');
    const headers = await signHeaders(t.endpoint, {
      method: 'GET',
      path: '/auth/obj',
      headers: { 'x-amz-meta-a': '1' },
    });
    headers['x-amz-meta-a'] = '2';
    const res = await rawRequest(t.endpoint, {
      method: 'GET',
      path: '/auth/obj',
      headers,
      credentials: null,
    });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
  });

  test('x-amz-content-sha256 not matching the body → 400 XAmzContentSHA256Mismatch, nothing stored', async () => {
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/auth/sha-mismatch',
      body: 'payload',
      payloadHash: 'a'.repeat(64),
    });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'XAmzContentSHA256Mismatch');
    const get = await rawRequest(t.endpoint, { method: 'GET', path: '/auth/sha-mismatch' });
    assert.equal(get.status, 404);
  });

  test('presigned GET and PUT URLs work with a plain HTTP client', async () => {
    const putUrl = await presign(t.endpoint, 'PUT', '/auth/presigned', 300);
    const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned put' });
    assert.equal(put.status, 200);
    const getUrl = await presign(t.endpoint, 'GET', '/auth/presigned', 300);
    const get = await fetch(getUrl);
    assert.equal(get.status, 200);
    assert.equal(await get.text(), 'via presigned put');
  });

  test('expired presigned URL → 403 AccessDenied; tampered → 403 SignatureDoesNotMatch', async () => {
    const old = await presign(t.endpoint, 'GET', '/auth/obj', 60, new Date(Date.now() - 10 * 60 * 1000));
    const expired = await fetch(old);
    assert.equal(expired.status, 403);
    const body = await expired.text();
    assert.equal(errorCode(body), 'AccessDenied');
    assert.match(body, /expired/);
    const good = await presign(t.endpoint, 'GET', '/auth/obj', 60);
    const tampered = await fetch(good.replace('/auth/obj', '/auth/other'));
    assert.equal(tampered.status, 403);
    assert.equal(errorCode(await tampered.text()), 'SignatureDoesNotMatch');
    const wrongSecret = await fetch(await presign(t.endpoint, 'GET', '/auth/obj', 60, new Date(), 'nope'));
    assert.equal(wrongSecret.status, 403);
  });
});
