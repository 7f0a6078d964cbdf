import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAwsChunked } from './aws-chunked-decoder.ts';
import { S3Error } from './s3-error.ts';

async function decode(pieces: Buffer[]): Promise<{ data: Buffer; trailers: Map<string, string> }> {
  const trailers = new Map<string, string>();
  const out: Buffer[] = [];
  async function* src(): AsyncGenerator<Buffer> {
    for (const p of pieces) yield p;
  }
  for await (const c of decodeAwsChunked(src(), { trailers })) out.push(c);
  return { data: Buffer.concat(out), trailers };
}

const body = Buffer.from('5\r\nhello\r\n7\r\n, world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');

test('decodes chunks and trailers however the bytes are split', async () => {
  for (let cut = 1; cut < body.length; cut++) {
    const { data, trailers } = await decode([body.subarray(0, cut), body.subarray(cut)]);
    assert.equal(data.toString(), 'hello, world', `cut at ${cut}`);
    assert.equal(trailers.get('x-amz-checksum-crc32'), 'AAAAAA==');
  }
  const bytewise = await decode([...body].map((b) => Buffer.from([b])));
  assert.equal(bytewise.data.toString(), 'hello, world');
});

test('a body without trailers, and one whose trailer lacks the final CRLF, both decode', async () => {
  assert.equal((await decode([Buffer.from('3\r\nabc\r\n0\r\n\r\n')])).data.toString(), 'abc');
  const t = await decode([Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-sha1:xyz')]);
  assert.equal(t.trailers.get('x-amz-checksum-sha1'), 'xyz');
});

test('malformed framing is rejected', async () => {
  for (const bad of ['zz\r\nabc\r\n0\r\n\r\n', '3\r\nabcX\r\n0\r\n\r\n', '5\r\nabc', '3\r\nabc\r\n']) {
    await assert.rejects(
      decode([Buffer.from(bad)]),
      (e: unknown) => e instanceof S3Error,
      JSON.stringify(bad),
    );
  }
});
