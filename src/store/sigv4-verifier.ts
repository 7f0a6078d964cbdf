/**
 * AWS Signature Version 4 verification for the store: Authorization-header auth and presigned URLs.
 * See https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  canonicalQuery as canonicalQueryOf,
  canonicalRequest as canonicalRequestOf,
  EMPTY_SHA256,
  sha256Hex,
  signatureHex,
  signingKey,
  stringToSign as stringToSignOf,
  toAmzDate,
  uriEncode,
} from '../aws/sigv4.ts';
import { S3Error } from './s3-error.ts';

/** One access key the store accepts. */
export interface StoreCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What a verified request carries forward (to check streaming chunk signatures). */
export interface VerifiedAuth {
  accessKeyId: string;
  /** The request's `x-amz-date` (yyyymmddThhmmssZ). */
  amzDate: string;
  /** `date/region/service/aws4_request`. */
  scope: string;
  /** The region the client signed for. */
  region: string;
  /** The derived signing key. */
  signingKey: Buffer;
  /** The request (seed) signature, hex. */
  signature: string;
  /** The payload hash the client declared (`x-amz-content-sha256`, or UNSIGNED-PAYLOAD). */
  payloadHash: string;
  presigned: boolean;
}

/** The parts of a request that SigV4 covers. */
export interface SignedRequest {
  method: string;
  /** The raw request target (`/path?query`) as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** Maximum clock skew AWS allows (15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

function splitQuery(raw: string): [string, string][] {
  if (raw === '') return [];
  return raw
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [safeDecode(p), ''] : [safeDecode(p.slice(0, i)), safeDecode(p.slice(i + 1))];
    });
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function equalHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * Verifies a request's SigV4 signature against the configured credentials.
 * Throws an {@link S3Error} (`AccessDenied`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`,
 * `RequestTimeTooSkewed`, `AuthorizationHeaderMalformed`, …) when it does not hold.
 */
export function verifySigV4(
  req: SignedRequest,
  credentials: ReadonlyMap<string, string>,
  now: number = Date.now(),
): VerifiedAuth {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const query = splitQuery(rawQuery);
  const qget = (k: string): string | undefined => query.find(([n]) => n === k)?.[1];
  const auth = headerValue(req.headers, 'authorization');

  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let presigned = false;

  if (auth !== undefined) {
    if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
      if (auth.startsWith('AWS ')) {
        throw new S3Error(
          'InvalidRequest',
          'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        );
      }
      throw new S3Error('AccessDenied', 'Unsupported Authorization header');
    }
    const parts = new Map<string, string>();
    for (const p of auth.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
      const i = p.indexOf('=');
      if (i > 0) parts.set(p.slice(0, i).trim(), p.slice(i + 1).trim());
    }
    const c = parts.get('Credential');
    const sh = parts.get('SignedHeaders');
    const sig = parts.get('Signature');
    if (c === undefined || sh === undefined || sig === undefined) {
      throw new S3Error(
        'AuthorizationHeaderMalformed',
        'The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.',
      );
    }
    credential = c;
    signedHeaders = sh.split(';');
    signature = sig;
    const xd = headerValue(req.headers, 'x-amz-date');
    if (xd !== undefined) amzDate = xd;
    else {
      const d = headerValue(req.headers, 'date');
      const t = d === undefined ? NaN : Date.parse(d);
      if (Number.isNaN(t)) {
        throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
      }
      amzDate = toAmzDate(t);
    }
    const ph = headerValue(req.headers, 'x-amz-content-sha256');
    if (ph === undefined) {
      throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    payloadHash = ph;
  } else if (qget('X-Amz-Signature') !== undefined) {
    presigned = true;
    if (qget('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      throw new S3Error(
        'AuthorizationQueryParametersError',
        'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
      );
    }
    credential = qget('X-Amz-Credential') ?? '';
    signedHeaders = (qget('X-Amz-SignedHeaders') ?? '').split(';');
    signature = qget('X-Amz-Signature') ?? '';
    amzDate = qget('X-Amz-Date') ?? '';
    payloadHash = headerValue(req.headers, 'x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  } else {
    throw new S3Error(
      'AccessDenied',
      'Access Denied: the request is not signed (anonymous access is not allowed)',
    );
  }

  const cparts = credential.split('/');
  if (cparts.length !== 5 || cparts[4] !== 'aws4_request') {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      `The credential '${credential}' is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = cparts as [string, string, string, string, string];
  const secret = credentials.get(accessKeyId);
  if (secret === undefined) {
    throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
  }
  const t = parseAmzDate(amzDate);
  if (t === undefined) {
    throw new S3Error(
      'AccessDenied',
      `Invalid date '${amzDate}': it must be in ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z')`,
    );
  }
  if (!amzDate.startsWith(scopeDate)) {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the credential date '${scopeDate}' does not match the request date '${amzDate}'.`,
    );
  }
  if (presigned) {
    const expires = Number(qget('X-Amz-Expires') ?? 'NaN');
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
      throw new S3Error(
        'AuthorizationQueryParametersError',
        'X-Amz-Expires must be an integer between 1 and 604800 seconds',
      );
    }
    if (now > t + expires * 1000)
      throw new S3Error('AccessDenied', 'Request has expired', {
        Expires: new Date(t + expires * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    if (t - now > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
  } else if (Math.abs(now - t) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      RequestTime: amzDate,
      ServerTime: new Date(now).toISOString(),
      MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
    });
  }

  const canonicalUri = rawPath
    .split('/')
    .map((seg) => uriEncode(safeDecode(seg), true))
    .join('/');
  const canonicalQuery = canonicalQueryOf(query.filter(([k]) => !(presigned && k === 'X-Amz-Signature')));
  const canonicalRequest = canonicalRequestOf({
    method: req.method,
    canonicalUri,
    canonicalQuery,
    signedHeaders,
    header: (h) => headerValue(req.headers, h),
    payloadHash:
      presigned && headerValue(req.headers, 'x-amz-content-sha256') === undefined
        ? 'UNSIGNED-PAYLOAD'
        : payloadHash,
  });
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = stringToSignOf(amzDate, scope, canonicalRequest);
  const key = signingKey(secret, scopeDate, region, service);
  const expected = signatureHex(key, stringToSign);
  if (!equalHex(expected, signature.toLowerCase())) {
    throw new S3Error('SignatureDoesNotMatch', undefined, {
      AWSAccessKeyId: accessKeyId,
      StringToSign: stringToSign,
      // The canonical request carries signed header values: mask SSE-C keys so no secret is echoed.
      CanonicalRequest: canonicalRequest.replace(
        /^(x-amz(?:-copy-source)?-server-side-encryption-customer-key):.*$/gm,
        '$1:***',
      ),
    });
  }
  return {
    accessKeyId,
    amzDate,
    scope,
    region,
    signingKey: key,
    signature: expected,
    payloadHash,
    presigned,
  };
}

/** The expected signature of one `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` chunk. */
export function chunkSignature(auth: VerifiedAuth, previous: string, chunk: Buffer): string {
  const sts = [
    'AWS4-HMAC-SHA256-PAYLOAD',
    auth.amzDate,
    auth.scope,
    previous,
    EMPTY_SHA256,
    sha256Hex(chunk),
  ].join('\n');
  return signatureHex(auth.signingKey, sts);
}

/** The expected signature of the trailer block of a `…-PAYLOAD-TRAILER` body. */
export function trailerSignature(auth: VerifiedAuth, previous: string, trailerText: string): string {
  const sts = ['AWS4-HMAC-SHA256-TRAILER', auth.amzDate, auth.scope, previous, sha256Hex(trailerText)].join(
    '\n',
  );
  return signatureHex(auth.signingKey, sts);
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  return equalHex(a.toLowerCase(), b.toLowerCase());
}
