import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { errorCode, rawRequest, signHeaders } from './raw-request.ts';

describe('store: bad input is rejected with AWS errors and loses no data', () => {
  let t: TestStore;
  const keep = '{"serial":1,"big":123456789012345678901234567890}';
  before(async () => {
    t = await startTestStore();
    await t.s3.send(new CreateBucketCommand({ Bucket: 'bad' }));
    await t.s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'keep', Body: keep }));
  });
  after(async () => {
    // Whatever was thrown at it, the stored object is intact and the store still answers.
    const r = await t.s3.send(new GetObjectCommand({ Bucket: 'bad', Key: 'keep' }));
    assert.equal(await r.Body!.transformToString(), keep);
    await t.close();
  });

  test('unknown operation → 501 NotImplemented naming it', async () => {
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad',
      query: { notification: '' },
      body: '<NotificationConfiguration/>',
    });
    assert.equal(res.status, 501);
    assert.equal(errorCode(res.body), 'NotImplemented');
    assert.match(res.body, /PutBucketNotification is not implemented by the s3state store/);
  });

  test('malformed XML → 400 MalformedXML', async () => {
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad',
      query: { versioning: '' },
      body: '<VersioningConfiguration><Status>Enabled</Status',
    });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'MalformedXML');
    const wrongValue = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad',
      query: { versioning: '' },
      body: '<VersioningConfiguration><Status>Sometimes</Status></VersioningConfiguration>',
    });
    assert.equal(errorCode(wrongValue.body), 'MalformedXML');
  });

  test('key longer than 1024 bytes → 400 KeyTooLongError', async () => {
    await assert.rejects(
      t.s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'k'.repeat(1025), Body: 'x' })),
      (e: Error & { $metadata: { httpStatusCode: number } }) =>
        e.name === 'KeyTooLongError' && e.$metadata.httpStatusCode === 400,
    );
    await t.s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'k'.repeat(1024), Body: 'x' }));
  });

  test('oversized request headers → 431', async () => {
    const url = new URL(t.endpoint);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: '/bad/keep',
        headers: { 'x-amz-meta-huge': 'h'.repeat(64 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
  });

  test('single PUT above 5 GiB → 400 EntityTooLarge before the body is read', async () => {
    const headers = await signHeaders(t.endpoint, {
      method: 'PUT',
      path: '/bad/huge',
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    const url = new URL(t.endpoint);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: '/bad/huge',
        headers: { ...headers, 'content-length': String(5 * 1024 ** 3 + 1) },
      });
      req.on('response', (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => {
          req.destroy();
          resolve({ status: r.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'EntityTooLarge');
  });

  test('Content-MD5 malformed → 400 InvalidDigest; mismatched → 400 BadDigest; nothing stored', async () => {
    const r1 = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad/md5',
      headers: { 'content-md5': 'not-base64-md5' },
      body: 'abc',
    });
    assert.equal(r1.status, 400);
    assert.equal(errorCode(r1.body), 'InvalidDigest');
    const r2 = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad/md5',
      headers: { 'content-md5': createHash('md5').update('xyz').digest('base64') },
      body: 'abc',
    });
    assert.equal(r2.status, 400);
    assert.equal(errorCode(r2.body), 'BadDigest');
    const get = await rawRequest(t.endpoint, { method: 'GET', path: '/bad/md5' });
    assert.equal(get.status, 404);
    assert.equal(errorCode(get.body), 'NoSuchKey');
    assert.match(get.body, /<Key>md5<\/Key>/);
  });

  test('checksum headers: malformed → 400 InvalidRequest, mismatched → 400 BadDigest, two algorithms → 400', async () => {
    const body = 'checksummed';
    const sha1 = createHash('sha1').update(body).digest('base64');
    const cases: [Record<string, string>, string][] = [
      [{ 'x-amz-checksum-crc32c': 'zz' }, 'InvalidRequest'],
      [{ 'x-amz-checksum-sha1': createHash('sha1').update('other').digest('base64') }, 'BadDigest'],
      [{ 'x-amz-checksum-sha1': sha1, 'x-amz-checksum-crc32': 'AAAAAA==' }, 'InvalidRequest'],
    ];
    for (const [headers, code] of cases) {
      const r = await rawRequest(t.endpoint, { method: 'PUT', path: '/bad/sum', headers, body });
      assert.equal(r.status, 400, JSON.stringify(headers));
      assert.equal(errorCode(r.body), code, JSON.stringify(headers));
    }
    const ok = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad/sum',
      headers: { 'x-amz-checksum-sha1': sha1 },
      body,
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-amz-checksum-sha1'], sha1);
  });

  test('If-None-Match with a value other than * on PUT → 501 NotImplemented', async () => {
    const r = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/bad/keep',
      headers: { 'if-none-match': '"abc"' },
      body: 'x',
    });
    assert.equal(r.status, 501);
    assert.equal(errorCode(r.body), 'NotImplemented');
  });

  test('HEAD errors carry no body; every response has x-amz-request-id', async () => {
    const r = await rawRequest(t.endpoint, { method: 'HEAD', path: '/bad/missing' });
    assert.equal(r.status, 404);
    assert.equal(r.body, '');
    assert.ok(r.headers['x-amz-request-id']);
  });
});
