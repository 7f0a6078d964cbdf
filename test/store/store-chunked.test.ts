import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { errorCode, rawRequest, signHeaders } from './raw-request.ts';

function crc32b64(data: Buffer): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
}

/** Frames chunks as aws-chunked with an unsigned trailer. */
function unsignedTrailerBody(chunks: Buffer[], trailer: string): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  parts.push(Buffer.from(`0\r\n${trailer}\r\n\r\n`));
  return Buffer.concat(parts);
}

const sha256 = (d: string | Buffer): string => createHash('sha256').update(d).digest('hex');
const hmac = (k: Buffer | string, d: string): Buffer => createHmac('sha256', k).update(d).digest();

/**
 * Builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body: the seed request is signed by the SDK's signer,
 * chunk signatures follow https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
async function signedChunkedRequest(
  endpoint: string,
  path: string,
  chunks: Buffer[],
  trailer?: string,
): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const decoded = chunks.reduce((n, c) => n + c.length, 0);
  const headers = await signHeaders(endpoint, {
    method: 'PUT',
    path,
    payloadHash: trailer
      ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
      : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(decoded),
      ...(trailer ? { 'x-amz-trailer': trailer.split(':')[0]! } : {}),
    },
  });
  const auth = headers.authorization!;
  const seed = /Signature=([0-9a-f]+)/.exec(auth)![1]!;
  const [, date, region] = /Credential=[^/]+\/(\d{8})\/([^/]+)\/s3\/aws4_request/.exec(auth)!;
  const amzDate = headers['x-amz-date']!;
  const scope = `${date}/${region}/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac('AWS4test', date!), region!), 's3'), 'aws4_request');
  let prev = seed;
  const parts: Buffer[] = [];
  for (const c of [...chunks, Buffer.alloc(0)]) {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, sha256(''), sha256(c)].join('\n');
    const sig = createHmac('sha256', key).update(sts).digest('hex');
    parts.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${sig}\r\n`), c);
    if (c.length > 0 || !trailer) parts.push(Buffer.from('\r\n'));
    prev = sig;
  }
  if (trailer) {
    // The trailer is signed over the hash of its header lines ("name:value\n").
    const sts = ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, prev, sha256(`${trailer}\n`)].join('\n');
    const sig = createHmac('sha256', key).update(sts).digest('hex');
    parts.push(Buffer.from(`${trailer}\r\nx-amz-trailer-signature:${sig}\r\n\r\n`));
  }
  return { headers, body: Buffer.concat(parts) };
}

describe('store: aws-chunked bodies', () => {
  let t: TestStore;
  before(async () => {
    t = await startTestStore();
    await t.s3.send(new CreateBucketCommand({ Bucket: 'chunked' }));
  });
  after(() => t.close());

  async function stored(key: string): Promise<Buffer | undefined> {
    try {
      const r = await t.s3.send(new GetObjectCommand({ Bucket: 'chunked', Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  const trailerHeaders = (decoded: number): Record<string, string> => ({
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decoded),
    'x-amz-trailer': 'x-amz-checksum-crc32',
  });

  test('unsigned payload with a trailing CRC32: decoded, verified, checksum returned', async () => {
    const chunks = [Buffer.from('hello, '), Buffer.from('chunked world')];
    const data = Buffer.concat(chunks);
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/ok',
      headers: trailerHeaders(data.length),
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      body: unsignedTrailerBody(chunks, `x-amz-checksum-crc32:${crc32b64(data)}`),
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['x-amz-checksum-crc32'], crc32b64(data));
    assert.deepEqual(await stored('ok'), data);
  });

  test('a wrong trailing checksum → 400 BadDigest and nothing stored', async () => {
    const chunks = [Buffer.from('payload')];
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/bad-crc',
      headers: trailerHeaders(7),
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      body: unsignedTrailerBody(chunks, `x-amz-checksum-crc32:${crc32b64(Buffer.from('other'))}`),
    });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'BadDigest');
    assert.equal(await stored('bad-crc'), undefined);
  });

  test('broken chunk framing or a wrong decoded length → 400, nothing stored', async () => {
    const good = unsignedTrailerBody(
      [Buffer.from('abcdef')],
      `x-amz-checksum-crc32:${crc32b64(Buffer.from('abcdef'))}`,
    );
    const broken = Buffer.from(good.toString('latin1').replace('6\r\n', 'zz\r\n'), 'latin1');
    const r1 = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/broken',
      headers: trailerHeaders(6),
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      body: broken,
    });
    assert.equal(r1.status, 400);
    const r2 = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/broken',
      headers: trailerHeaders(99),
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      body: good,
    });
    assert.equal(r2.status, 400);
    assert.equal(await stored('broken'), undefined);
  });

  test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: valid chunk signatures accepted', async () => {
    const chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(1000, 'b')];
    const { headers, body } = await signedChunkedRequest(t.endpoint, '/chunked/signed', chunks);
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/signed',
      headers,
      body,
      credentials: null,
    });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(await stored('signed'), Buffer.concat(chunks));
  });

  test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed trailer accepted; a changed trailer → 403', async () => {
    const chunks = [Buffer.from('trailer-signed body')];
    const sum = crc32b64(chunks[0]!);
    const good = await signedChunkedRequest(
      t.endpoint,
      '/chunked/trailer',
      chunks,
      `x-amz-checksum-crc32:${sum}`,
    );
    const ok = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/trailer',
      ...good,
      credentials: null,
    });
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(await stored('trailer'), chunks[0]);
    const bad = await signedChunkedRequest(
      t.endpoint,
      '/chunked/trailer2',
      chunks,
      `x-amz-checksum-crc32:${sum}`,
    );
    const forged = Buffer.from(
      bad.body.toString('latin1').replace(sum, crc32b64(Buffer.from('x'))),
      'latin1',
    );
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/trailer2',
      headers: bad.headers,
      body: forged,
      credentials: null,
    });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
    assert.equal(await stored('trailer2'), undefined);
  });

  test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: a tampered chunk → 403 SignatureDoesNotMatch, nothing stored', async () => {
    const chunks = [Buffer.alloc(8192, 'a'), Buffer.alloc(100, 'b')];
    const { headers, body } = await signedChunkedRequest(t.endpoint, '/chunked/tampered', chunks);
    const i = body.indexOf(Buffer.from('bbbb'));
    body[i] = 'c'.charCodeAt(0);
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: '/chunked/tampered',
      headers,
      body,
      credentials: null,
    });
    assert.equal(res.status, 403);
    assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
    assert.equal(await stored('tampered'), undefined);
  });
});
