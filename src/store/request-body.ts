/**
 * Receives a request body: decodes aws-chunked framing, counts bytes, and verifies Content-MD5,
 * `x-amz-content-sha256` and flexible checksums (header or trailer) against what arrived.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeAwsChunked } from './aws-chunked-decoder.ts';
import {
  CHECKSUM_ALGORITHMS,
  checksumHeader,
  createHasher,
  digestLength,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
  type Hasher,
} from './checksums.ts';
import { S3Error } from './s3-error.ts';
import type { VerifiedAuth } from './sigv4-verifier.ts';

/** Largest single PUT S3 accepts (5 GiB). */
export const MAX_PUT_SIZE = 5 * 1024 * 1024 * 1024;

/** What was received. */
export interface BodyInfo {
  size: number;
  /** Hex MD5 of the payload. */
  md5Hex: string;
  /** Verified or computed flexible checksums, base64. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** Options of {@link receiveBody}. */
export interface ReceiveOptions {
  auth: VerifiedAuth | undefined;
  /** Largest accepted payload. @default MAX_PUT_SIZE */
  maxSize?: number;
  /** Compute this checksum even when the client sent none (S3 defaults new objects to CRC64NVME). */
  defaultChecksum?: ChecksumAlgorithm | undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Checks headers that can be rejected before reading any byte (malformed digests, sizes). */
function precheck(req: IncomingMessage, maxSize: number): { contentMd5?: Buffer } {
  const out: { contentMd5?: Buffer } = {};
  const md5 = header(req, 'content-md5');
  if (md5 !== undefined) {
    const b = Buffer.from(md5, 'base64');
    if (b.length !== 16 || b.toString('base64') !== md5.trim()) throw new S3Error('InvalidDigest');
    out.contentMd5 = b;
  }
  const len = header(req, 'x-amz-decoded-content-length') ?? header(req, 'content-length');
  if (len !== undefined && Number(len) > maxSize) {
    throw new S3Error('EntityTooLarge', undefined, { ProposedSize: len, MaxSizeAllowed: String(maxSize) });
  }
  return out;
}

/**
 * Streams the body of `req` into `sink`, verifying it. Throws an {@link S3Error} when the body is
 * incomplete, malformed or does not match a digest the client sent; the caller then discards what
 * the sink received.
 */
export async function receiveBody(
  req: IncomingMessage,
  sink: (chunk: Buffer) => Promise<void> | void,
  opts: ReceiveOptions,
): Promise<BodyInfo> {
  const maxSize = opts.maxSize ?? MAX_PUT_SIZE;
  const { contentMd5 } = precheck(req, maxSize);
  const contentSha = header(req, 'x-amz-content-sha256');
  const encoding = header(req, 'content-encoding') ?? '';
  const chunked =
    (contentSha?.startsWith('STREAMING-') ?? false) ||
    encoding.split(',').some((e) => e.trim() === 'aws-chunked');

  // Which checksums were announced: as headers, as trailers, or by algorithm name.
  const headerSums = new Map<ChecksumAlgorithm, string>();
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = header(req, checksumHeader(alg));
    if (v !== undefined) headerSums.set(alg, v.trim());
  }
  const trailerNames = (header(req, 'x-amz-trailer') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const trailerAlgs: ChecksumAlgorithm[] = [];
  for (const t of trailerNames) {
    const m = /^x-amz-checksum-(.+)$/.exec(t);
    const alg = m ? parseChecksumAlgorithm(m[1]!) : undefined;
    if (!alg) throw new S3Error('InvalidRequest', `The trailer '${t}' is not supported`);
    trailerAlgs.push(alg);
  }
  if (headerSums.size + trailerAlgs.length > 1) {
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  for (const [alg, v] of headerSums) {
    const b = Buffer.from(v, 'base64');
    if (b.length !== digestLength(alg) || b.toString('base64') !== v) {
      throw new S3Error('InvalidRequest', `Value for ${checksumHeader(alg)} header is invalid.`);
    }
  }
  const hashers = new Map<ChecksumAlgorithm, Hasher>();
  for (const alg of [...headerSums.keys(), ...trailerAlgs]) hashers.set(alg, createHasher(alg));
  const announced = header(req, 'x-amz-sdk-checksum-algorithm') ?? header(req, 'x-amz-checksum-algorithm');
  const announcedAlg = announced === undefined ? undefined : parseChecksumAlgorithm(announced);
  if (announced !== undefined && !announcedAlg) {
    throw new S3Error('InvalidRequest', `Checksum algorithm '${announced}' is not supported`);
  }
  if (announcedAlg && !hashers.has(announcedAlg)) hashers.set(announcedAlg, createHasher(announcedAlg));
  if (hashers.size === 0 && opts.defaultChecksum)
    hashers.set(opts.defaultChecksum, createHasher(opts.defaultChecksum));

  const md5 = createHash('md5');
  const sha256 =
    contentSha !== undefined && /^[0-9a-fA-F]{64}$/.test(contentSha) ? createHash('sha256') : undefined;
  const trailers = new Map<string, string>();
  const signed = contentSha?.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') ? opts.auth : undefined;
  const source: AsyncIterable<Buffer> = chunked
    ? decodeAwsChunked(req, { signedWith: signed, trailers })
    : req;

  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxSize) throw new S3Error('EntityTooLarge', undefined, { MaxSizeAllowed: String(maxSize) });
      md5.update(chunk);
      sha256?.update(chunk);
      for (const h of hashers.values()) h.update(chunk);
      await sink(chunk);
    }
  } catch (e) {
    if (e instanceof S3Error) throw e;
    throw new S3Error(
      'IncompleteBody',
      'The request body ended before all of it was received (client disconnected?)',
    );
  }
  if (!req.complete) throw new S3Error('IncompleteBody');
  const expectedLen = chunked ? header(req, 'x-amz-decoded-content-length') : header(req, 'content-length');
  if (expectedLen !== undefined && Number(expectedLen) !== size) {
    throw new S3Error(
      'IncompleteBody',
      `You did not provide the number of bytes specified (${expectedLen}); received ${size}.`,
    );
  }
  const md5Buf = md5.digest();
  if (contentMd5 && !contentMd5.equals(md5Buf)) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
      ExpectedDigest: contentMd5.toString('base64'),
      CalculatedDigest: md5Buf.toString('base64'),
    });
  }
  if (sha256 && contentSha) {
    const got = sha256.digest('hex');
    if (got !== contentSha.toLowerCase()) {
      throw new S3Error('XAmzContentSHA256Mismatch', undefined, {
        ClientComputedContentSHA256: contentSha,
        S3ComputedContentSHA256: got,
      });
    }
  }
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const [alg, h] of hashers) {
    const got = h.digest().toString('base64');
    const sent = headerSums.get(alg) ?? trailers.get(checksumHeader(alg).toLowerCase());
    if (trailerAlgs.includes(alg) && sent === undefined) {
      throw new S3Error('InvalidRequest', `The trailer ${checksumHeader(alg)} was announced but not sent.`);
    }
    if (sent !== undefined && sent !== got) {
      throw new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
    }
    checksums[alg] = got;
  }
  return { size, md5Hex: md5Buf.toString('hex'), checksums };
}

/** Reads a small body (XML documents) into memory, verified like {@link receiveBody}. */
export async function readSmallBody(req: IncomingMessage, auth: VerifiedAuth | undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  await receiveBody(req, (c) => void parts.push(c), { auth, maxSize: 20 * 1024 * 1024 });
  return Buffer.concat(parts);
}
