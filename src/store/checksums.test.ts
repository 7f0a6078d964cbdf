import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { checksumBase64, createHasher, type ChecksumAlgorithm } from './checksums.ts';

// Check values of the CRC catalogue (reveng.sourceforge.io/crc-catalogue) for "123456789".
const CHECK: [ChecksumAlgorithm, string][] = [
  ['CRC32', 'cbf43926'],
  ['CRC32C', 'e3069283'],
  ['CRC64NVME', 'ae8b14860a799888'],
  ['SHA1', createHash('sha1').update('123456789').digest('hex')],
  ['SHA256', createHash('sha256').update('123456789').digest('hex')],
];

for (const [alg, hex] of CHECK) {
  test(`${alg} of "123456789" is the catalogue check value`, () => {
    assert.equal(checksumBase64(alg, Buffer.from('123456789')), Buffer.from(hex, 'hex').toString('base64'));
  });
  test(`${alg} is the same whether fed at once or in pieces`, () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    const h = createHasher(alg);
    for (let i = 0; i < data.length; i += 7) h.update(data.subarray(i, i + 7));
    assert.equal(h.digest().toString('base64'), checksumBase64(alg, data));
  });
}

test('CRC of empty input', () => {
  assert.equal(checksumBase64('CRC32', Buffer.alloc(0)), 'AAAAAA==');
  assert.equal(checksumBase64('CRC64NVME', Buffer.alloc(0)), 'AAAAAAAAAAA=');
});
