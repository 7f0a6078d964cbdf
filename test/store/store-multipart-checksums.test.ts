// Multipart uploads with per-part checksums, as the Go SDK's Uploader (terraform ≥ 1.6) sends them:
// CreateMultipartUpload with x-amz-checksum-algorithm, UploadPart with x-amz-checksum-<alg>, and a
// CompleteMultipartUpload body repeating each part's checksum, written by Go's encoding/xml (ETag
// quotes escaped as `&#34;`, elements in Go's field order, no XML declaration). The store once
// answered that Complete with 400 InvalidPart because it did not decode `&#34;`.
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type ChecksumAlgorithm,
  type S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { errorCode, rawRequest, type RawResponse } from './raw-request.ts';

const BUCKET = 'mpchk';
const PART = 5 * 1024 * 1024;

/** Raw digest of one algorithm, computed here independently of the store's own code. */
function rawDigest(alg: 'SHA256' | 'SHA1' | 'CRC32', data: Buffer): Buffer {
  if (alg === 'CRC32') {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(data) >>> 0);
    return b;
  }
  return createHash(alg === 'SHA256' ? 'sha256' : 'sha1')
    .update(data)
    .digest();
}
const b64 = (alg: 'SHA256' | 'SHA1' | 'CRC32', data: Buffer): string =>
  rawDigest(alg, data).toString('base64');

/** What AWS documents for a COMPOSITE checksum: digest of the concatenated part digests, then `-N`. */
function composite(alg: 'SHA256' | 'SHA1' | 'CRC32', parts: Buffer[]): string {
  const joined = Buffer.concat(parts.map((p) => rawDigest(alg, p)));
  return `${rawDigest(alg, joined).toString('base64')}-${parts.length}`;
}

/** Go encoding/xml text escaping (EscapeText): what terraform's SDK writes into request bodies. */
function goXmlEscape(s: string): string {
  return s.replace(/["'&<>\t\n\r]/g, (c) => {
    switch (c) {
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '\t':
        return '&#x9;';
      case '\n':
        return '&#xA;';
      default:
        return '&#xD;';
    }
  });
}

interface SentPart {
  n: number;
  etag: string;
  checksum?: string;
}

/** A CompleteMultipartUpload body the way the Go SDK v2 serialises it. */
function goCompleteBody(parts: SentPart[], alg = 'SHA256'): string {
  const inner = parts
    .map(
      (p) =>
        '<Part>' +
        (p.checksum !== undefined ? `<Checksum${alg}>${p.checksum}</Checksum${alg}>` : '') +
        `<ETag>${goXmlEscape(p.etag)}</ETag><PartNumber>${p.n}</PartNumber></Part>`,
    )
    .join('');
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</CompleteMultipartUpload>`;
}

describe('store: multipart with part checksums (Go SDK request shape)', () => {
  let t: TestStore;
  let s3: S3Client;
  before(async () => {
    t = await startTestStore();
    s3 = t.s3;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => t.close());

  /** Creates an upload with `alg` and uploads `parts` through the SDK (which sends the part checksums). */
  async function upload(
    key: string,
    alg: ChecksumAlgorithm,
    parts: Buffer[],
  ): Promise<{ uploadId: string; sent: SentPart[] }> {
    const mpu = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: alg }),
    );
    const uploadId = mpu.UploadId!;
    const sent: SentPart[] = [];
    for (const [i, body] of parts.entries()) {
      const r = await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId: uploadId,
          PartNumber: i + 1,
          Body: body,
          ChecksumAlgorithm: alg,
        }),
      );
      const checksum = r[`Checksum${alg}`];
      sent.push({ n: i + 1, etag: r.ETag!, ...(checksum !== undefined ? { checksum } : {}) });
    }
    return { uploadId, sent };
  }

  function complete(key: string, uploadId: string, body: string): Promise<RawResponse> {
    return rawRequest(t.endpoint, {
      method: 'POST',
      path: `/${BUCKET}/${key}`,
      query: { uploadId },
      headers: { 'content-type': 'application/xml' },
      body,
    });
  }

  test('Go-style Complete body (ETag as &#34;…&#34;, ChecksumSHA256 per part) → 200, composite SHA256-N, exact bytes', async () => {
    const parts = [randomBytes(PART), randomBytes(PART), randomBytes(777)];
    const key = 'state/go-shape.tfstate';
    const { uploadId, sent } = await upload(key, 'SHA256', parts);
    for (const [i, p] of sent.entries()) assert.equal(p.checksum, b64('SHA256', parts[i]!));

    const res = await complete(key, uploadId, goCompleteBody(sent));
    assert.equal(res.status, 200, res.body);
    const md5s = Buffer.concat(sent.map((p) => Buffer.from(p.etag.replace(/"/g, ''), 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-3"`;
    assert.match(res.body, new RegExp(`<ETag>${etag.replace(/"/g, '&quot;')}</ETag>`));
    assert.match(
      res.body,
      new RegExp(`<ChecksumSHA256>${composite('SHA256', parts).replace(/\+/g, '\\+')}</`),
    );
    assert.match(res.body, /<ChecksumType>COMPOSITE<\/ChecksumType>/);

    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    assert.ok(bytes.equals(Buffer.concat(parts)), 'object bytes equal the uploaded parts in order');
    assert.equal(got.ETag, etag);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, composite('SHA256', parts));
    assert.equal(head.ChecksumType, 'COMPOSITE');
  });

  test('UploadPart answers with the part checksum header and no checksum type', async () => {
    const mpu = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'part-headers', ChecksumAlgorithm: 'SHA256' }),
    );
    const body = randomBytes(1000);
    const res = await rawRequest(t.endpoint, {
      method: 'PUT',
      path: `/${BUCKET}/part-headers`,
      query: { partNumber: '1', uploadId: mpu.UploadId! },
      headers: { 'x-amz-checksum-sha256': b64('SHA256', body), 'x-amz-sdk-checksum-algorithm': 'SHA256' },
      body,
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['x-amz-checksum-sha256'], b64('SHA256', body));
    assert.equal(res.headers['x-amz-checksum-type'], undefined);
    assert.equal(res.headers.etag, `"${createHash('md5').update(body).digest('hex')}"`);
  });

  test('the SDK-built Complete (Parts with ETag and checksum) works for SHA1 and CRC32', async () => {
    for (const alg of ['SHA1', 'CRC32'] as const) {
      const parts = [randomBytes(PART), randomBytes(10)];
      const key = `sdk-${alg}`;
      const { uploadId, sent } = await upload(key, alg, parts);
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: sent.map((p) => ({ PartNumber: p.n, ETag: p.etag, [`Checksum${alg}`]: p.checksum })),
          },
        }),
      );
      assert.equal(done[`Checksum${alg}`], composite(alg, parts), alg);
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts)), alg);
    }
  });

  test('hex character references (&#x22;) in the ETag are decoded too', async () => {
    const parts = [randomBytes(100)];
    const { uploadId, sent } = await upload('hexref', 'SHA256', parts);
    const body = goCompleteBody(sent).replace(/&#34;/g, '&#x22;');
    const res = await complete('hexref', uploadId, body);
    assert.equal(res.status, 200, res.body);
  });

  test('a part checksum in the Complete body that does not match the uploaded part → 400 InvalidPart', async () => {
    const parts = [randomBytes(PART), randomBytes(50)];
    const { uploadId, sent } = await upload('bad-checksum', 'SHA256', parts);
    const wrong = sent.map((p, i) => (i === 1 ? { ...p, checksum: b64('SHA256', Buffer.from('other')) } : p));
    const res = await complete('bad-checksum', uploadId, goCompleteBody(wrong));
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'InvalidPart');
    assert.match(res.body, /part 2/);
    // The upload is still there: the correct body completes it.
    const ok = await complete('bad-checksum', uploadId, goCompleteBody(sent));
    assert.equal(ok.status, 200, ok.body);
  });

  test('a wrong ETag (after decoding) is still refused with InvalidPart naming the part', async () => {
    const { uploadId, sent } = await upload('bad-etag', 'SHA256', [randomBytes(10)]);
    const res = await complete('bad-etag', uploadId, goCompleteBody([{ ...sent[0]!, etag: '"0123"' }]));
    assert.equal(res.status, 400);
    assert.equal(errorCode(res.body), 'InvalidPart');
    assert.match(res.body, /<PartNumber>1<\/PartNumber>/);
  });

  test('references XML does not define are MalformedXML (HTML names, code point 0)', async () => {
    const { uploadId, sent } = await upload('bad-xml', 'SHA256', [randomBytes(10)]);
    for (const bad of ['&nbsp;', '&#0;', '&#x110000;']) {
      const body = goCompleteBody(sent).replace('<PartNumber>', `<PartNumber>${bad}`);
      const res = await complete('bad-xml', uploadId, body);
      assert.equal(res.status, 400, bad);
      assert.equal(errorCode(res.body), 'MalformedXML', bad);
    }
  });

  test('a retried Complete of a completed upload (lost response) answers the same result; other parts or key → NoSuchUpload', async () => {
    const parts = [randomBytes(PART), randomBytes(3)];
    const { uploadId, sent } = await upload('retried', 'SHA256', parts);
    const first = await complete('retried', uploadId, goCompleteBody(sent));
    assert.equal(first.status, 200, first.body);
    const again = await complete('retried', uploadId, goCompleteBody(sent));
    assert.equal(again.status, 200, again.body);
    assert.equal(again.body, first.body);
    const fewer = await complete('retried', uploadId, goCompleteBody(sent.slice(0, 1)));
    assert.equal(fewer.status, 404);
    assert.equal(errorCode(fewer.body), 'NoSuchUpload');
    const otherKey = await complete('elsewhere', uploadId, goCompleteBody(sent));
    assert.equal(otherKey.status, 404);
    assert.equal(errorCode(otherKey.body), 'NoSuchUpload');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'retried' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
  });

  test('DeleteObjects body in Go encoding: keys with " \' & and a newline are decoded and deleted', async () => {
    const keys = ['q"uote', "apo'strophe", 'a&b', 'line\nbreak'];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `del/${k}`, Body: 'x' }));
    const objects = keys.map((k) => `<Object><Key>${goXmlEscape(`del/${k}`)}</Key></Object>`).join('');
    const body = `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${objects}<Quiet>true</Quiet></Delete>`;
    const res = await rawRequest(t.endpoint, {
      method: 'POST',
      path: `/${BUCKET}`,
      query: { delete: '' },
      headers: {
        'content-type': 'application/xml',
        'x-amz-checksum-crc32': (() => {
          const b = Buffer.alloc(4);
          b.writeUInt32BE(crc32(Buffer.from(body)) >>> 0);
          return b.toString('base64');
        })(),
        'x-amz-sdk-checksum-algorithm': 'CRC32',
      },
      body,
    });
    assert.equal(res.status, 200, res.body);
    assert.doesNotMatch(res.body, /<Error>/);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'del/' }));
    assert.deepEqual(left.Contents ?? [], []);
    // Sanity: the SDK's own DeleteObjects still works on such keys.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'del/q"uote', Body: 'x' }));
    await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'del/q"uote' }] } }));
    const left2 = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'del/' }));
    assert.deepEqual(left2.Contents ?? [], []);
  });
});
