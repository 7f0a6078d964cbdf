/**
 * Decoder for `aws-chunked` request bodies (`STREAMING-*` payloads): chunk framing, optional chunk
 * signatures (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) and trailing headers.
 * See https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
import { createHash, createHmac } from 'node:crypto';
import { S3Error } from './s3-error.ts';
import { chunkSignature, signaturesEqual, trailerSignature, type VerifiedAuth } from './sigv4-verifier.ts';

/** Options of {@link decodeAwsChunked}. */
export interface AwsChunkedOptions {
  /** When set, every chunk signature is verified against this request's seed signature. */
  signedWith?: VerifiedAuth | undefined;
  /** Filled with the trailing headers (lower-case names) once the body has been read. */
  trailers: Map<string, string>;
}

const CRLF = Buffer.from('\r\n');
const MAX_LINE = 4096;

function malformed(what: string): S3Error {
  return new S3Error('IncompleteBody', `The aws-chunked request body is malformed: ${what}`);
}

/** Decodes an aws-chunked body into its payload bytes. Throws {@link S3Error} on bad framing or signatures. */
export async function* decodeAwsChunked(
  source: AsyncIterable<Buffer>,
  opts: AwsChunkedOptions,
): AsyncGenerator<Buffer> {
  let buf: Buffer = Buffer.alloc(0);
  type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';
  let state = 'header' as State;
  let remaining = 0;
  let chunkSig: string | undefined;
  let prevSig = opts.signedWith?.signature ?? '';
  let hash = opts.signedWith ? createHash('sha256') : undefined;
  const trailerLines: string[] = [];
  let trailerSig: string | undefined;

  const verifyChunk = (data: Buffer | undefined): void => {
    if (!opts.signedWith) return;
    if (chunkSig === undefined)
      throw new S3Error('SignatureDoesNotMatch', 'A chunk of the streaming body has no chunk-signature');
    const digest = data ?? Buffer.alloc(0);
    const expected = chunkSignature(opts.signedWith, prevSig, digest);
    if (!signaturesEqual(expected, chunkSig)) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature of the streaming body does not match');
    }
    prevSig = expected;
  };

  const process = function* (): Generator<Buffer> {
    for (;;) {
      if (state === 'header') {
        const i = buf.indexOf(CRLF);
        if (i < 0) {
          if (buf.length > MAX_LINE) throw malformed('chunk header too long');
          return;
        }
        const line = buf.subarray(0, i).toString('latin1');
        buf = buf.subarray(i + 2);
        const [sizeHex, ...ext] = line.split(';');
        if (!sizeHex || !/^[0-9a-fA-F]+$/.test(sizeHex.trim()))
          throw malformed(`bad chunk size '${line.slice(0, 40)}'`);
        remaining = parseInt(sizeHex.trim(), 16);
        chunkSig = undefined;
        for (const e of ext) {
          const [k, v] = e.split('=');
          if (k?.trim() === 'chunk-signature') chunkSig = v?.trim();
        }
        if (remaining === 0) {
          // The final zero-length chunk is signed over the empty string.
          verifyChunk(undefined);
          state = 'trailer';
        } else {
          state = 'data';
          if (opts.signedWith) hash = createHash('sha256');
        }
      } else if (state === 'data') {
        if (buf.length === 0) return;
        const take = Math.min(remaining, buf.length);
        const piece = buf.subarray(0, take);
        buf = buf.subarray(take);
        remaining -= take;
        hash?.update(piece);
        yield piece;
        if (remaining === 0) {
          if (opts.signedWith && hash) {
            const expected = signWithHash(opts.signedWith, prevSig, hash.digest('hex'));
            if (chunkSig === undefined || !signaturesEqual(expected, chunkSig)) {
              throw new S3Error(
                'SignatureDoesNotMatch',
                'The chunk signature of the streaming body does not match',
              );
            }
            prevSig = expected;
          }
          state = 'data-crlf';
        }
      } else if (state === 'data-crlf') {
        if (buf.length < 2) return;
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw malformed('missing CRLF after chunk data');
        buf = buf.subarray(2);
        state = 'header';
      } else if (state === 'trailer') {
        const i = buf.indexOf(CRLF);
        if (i < 0) {
          if (buf.length > MAX_LINE) throw malformed('trailer too long');
          return;
        }
        const line = buf.subarray(0, i).toString('latin1');
        buf = buf.subarray(i + 2);
        if (line === '') {
          state = 'done';
          return;
        }
        addTrailer(line);
      } else {
        return;
      }
    }
  };

  const addTrailer = (line: string): void => {
    const c = line.indexOf(':');
    if (c <= 0) throw malformed(`bad trailer '${line.slice(0, 40)}'`);
    const name = line.slice(0, c).trim().toLowerCase();
    const value = line.slice(c + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSig = value;
    else {
      opts.trailers.set(name, value);
      trailerLines.push(`${name}:${value}\n`);
    }
  };

  for await (const chunk of source) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    yield* process();
  }
  // `state` changes inside process(); read it through a function so the compiler does not narrow it.
  const current = (): State => state;
  if (current() === 'trailer' && buf.length > 0) {
    // Some clients end the trailer without the final empty line.
    addTrailer(buf.toString('latin1'));
    buf = Buffer.alloc(0);
    state = 'done';
  }
  if (current() !== 'done' && current() !== 'trailer')
    throw malformed('the body ended before its final chunk');
  if (opts.signedWith && opts.signedWith.payloadHash.endsWith('-TRAILER') && trailerLines.length > 0) {
    const expected = trailerSignature(opts.signedWith, prevSig, trailerLines.join(''));
    if (trailerSig === undefined || !signaturesEqual(expected, trailerSig)) {
      throw new S3Error(
        'SignatureDoesNotMatch',
        'The trailer signature of the streaming body does not match',
      );
    }
  }
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

function signWithHash(auth: VerifiedAuth, previous: string, dataHashHex: string): string {
  const sts = [
    'AWS4-HMAC-SHA256-PAYLOAD',
    auth.amzDate,
    auth.scope,
    previous,
    EMPTY_SHA256,
    dataHashHex,
  ].join('\n');
  return createHmacHex(auth.signingKey, sts);
}

function createHmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}
