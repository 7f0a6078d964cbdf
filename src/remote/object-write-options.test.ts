import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { encodeTags, putObjectInput, readChecksumInput, sseCustomerInput } from './object-write-options.ts';

const base = { bucket: 'b', encrypt: false, skipS3Checksum: false };

test('TestConfigurePutObjectTags: Go url.Values.Encode of tags', () => {
  assert.equal(encodeTags(undefined), undefined);
  assert.equal(encodeTags({}), undefined);
  assert.equal(encodeTags({ a: 'b' }), 'a=b');
  assert.equal(encodeTags({ f: 'g', a: 'b', c: 'e' }), 'a=b&c=e&f=g');
  assert.equal(
    encodeTags({ 'opentofu.com/environment': 'production', 'my-special-chars': '&*&@$!(&)' }),
    'my-special-chars=%26%2A%26%40%24%21%28%26%29&opentofu.com%2Fenvironment=production',
  );
  assert.equal(encodeTags({ 'a b': 'ü~' }), 'a+b=%C3%BC~');
});

test('TestS3ChecksumsHeaders (inputs): SHA-256 checksum unless skip_s3_checksum', () => {
  const body = Buffer.from('{"x":1}\n');
  const on = putObjectInput(base, 'k', body, undefined);
  assert.equal(on.ChecksumAlgorithm, 'SHA256');
  assert.equal(on.ChecksumSHA256, createHash('sha256').update(body).digest('base64'));
  assert.equal(on.ContentType, 'application/json');
  assert.equal(on.ContentLength, body.length);
  const off = putObjectInput({ ...base, skipS3Checksum: true }, 'k', body, undefined);
  assert.equal(off.ChecksumAlgorithm, undefined);
  assert.equal(off.ChecksumSHA256, undefined);
  assert.deepEqual(readChecksumInput(base), { ChecksumMode: 'ENABLED' });
  assert.deepEqual(readChecksumInput({ ...base, skipS3Checksum: true }), {});
});

test('SSE choice: encrypt gates everything; KMS over SSE-C over AES256', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const body = Buffer.from('x');
  const noEnc = putObjectInput({ ...base, kmsKeyId: 'k1', sseCustomerKey: key }, 'k', body, undefined);
  assert.equal(noEnc.ServerSideEncryption, undefined);
  assert.equal(noEnc.SSECustomerKey, undefined);
  const kms = putObjectInput({ ...base, encrypt: true, kmsKeyId: 'k1' }, 'k', body, undefined);
  assert.equal(kms.ServerSideEncryption, 'aws:kms');
  assert.equal(kms.SSEKMSKeyId, 'k1');
  const ssec = putObjectInput({ ...base, encrypt: true, sseCustomerKey: key }, 'k', body, undefined);
  assert.equal(ssec.SSECustomerAlgorithm, 'AES256');
  assert.equal(ssec.SSECustomerKey, key);
  assert.deepEqual(sseCustomerInput({ ...base, encrypt: true, sseCustomerKey: key }), {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key,
  });
  assert.equal(
    putObjectInput({ ...base, encrypt: true }, 'k', body, undefined).ServerSideEncryption,
    'AES256',
  );
  const acl = putObjectInput({ ...base, acl: 'bucket-owner-full-control' }, 'k', body, { a: 'b' });
  assert.equal(acl.ACL, 'bucket-owner-full-control');
  assert.equal(acl.Tagging, 'a=b');
});
