/**
 * AWS Signature Version 4, the parts both sides share: the store's verifier (`src/store/sigv4-verifier.ts`)
 * and the lean request signer of the CLI's hot reads (`src/aws/lean-clients.ts`). Built on `node:crypto`
 * only, so signing one request costs no library load.
 * See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** Percent-encodes as SigV4 prescribes: everything except A-Z a-z 0-9 - _ . ~ (and `/` when `encodeSlash` is false). */
export function uriEncode(s: string, encodeSlash: boolean): string {
  if (UNRESERVED.test(s)) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (UNRESERVED.test(c) || (c === '/' && !encodeSlash)) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Lowercase hex SHA-256. */
export function sha256Hex(s: string | Uint8Array): string {
  return createHash('sha256').update(s).digest('hex');
}

/** The SHA-256 of an empty payload. */
export const EMPTY_SHA256 = sha256Hex('');

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Derives the SigV4 signing key. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/** `yyyymmddThhmmssZ` of a time in ms. */
export function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The canonical query string of decoded `[name, value]` pairs: encoded, sorted by name then value. */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k, true), uriEncode(v, true)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The parts of a canonical request. */
export interface CanonicalParts {
  method: string;
  /** Already encoded. */
  canonicalUri: string;
  /** Already encoded and sorted ({@link canonicalQuery}). */
  canonicalQuery: string;
  /** Lowercase header names, in order. */
  signedHeaders: readonly string[];
  /** Value of a signed header (undefined = empty). */
  header: (name: string) => string | undefined;
  payloadHash: string;
}

/** The canonical request text. */
export function canonicalRequest(p: CanonicalParts): string {
  const headers = p.signedHeaders
    .map((h) => `${h}:${(p.header(h) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [p.method, p.canonicalUri, p.canonicalQuery, headers, p.signedHeaders.join(';'), p.payloadHash].join(
    '\n',
  );
}

/** The string to sign for a canonical request. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** Hex HMAC-SHA256 of the string to sign with a signing key. */
export function signatureHex(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** Credentials a request is signed with. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** A request to sign. */
export interface RequestToSign {
  method: string;
  host: string;
  /** The decoded path (`/bucket/key`); encoded here once (S3) — no double encoding. */
  path: string;
  query: readonly (readonly [string, string])[];
  /** Headers besides host / x-amz-date / x-amz-security-token (lowercase names). */
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  service: string;
}

/**
 * Signs a request with the `Authorization` header. Returns every header to send (host excluded:
 * Node sets it from the URL, and the value signed here is the same).
 */
export function signRequest(
  req: RequestToSign,
  creds: SigningCredentials,
  now: number = Date.now(),
): Record<string, string> {
  const amzDate = toAmzDate(now);
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...req.headers, 'x-amz-date': amzDate };
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const all: Record<string, string> = { ...headers, host: req.host };
  const signedHeaders = Object.keys(all).sort();
  const scope = `${date}/${req.region}/${req.service}/aws4_request`;
  const canonical = canonicalRequest({
    method: req.method,
    canonicalUri: uriEncode(req.path, false),
    canonicalQuery: canonicalQuery(req.query),
    signedHeaders,
    header: (h) => all[h],
    payloadHash: req.payloadHash,
  });
  const signature = signatureHex(
    signingKey(creds.secretAccessKey, date, req.region, req.service),
    stringToSign(amzDate, scope, canonical),
  );
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}
