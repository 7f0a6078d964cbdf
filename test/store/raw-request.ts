/**
 * Test helper: raw HTTP requests to the store, optionally SigV4-signed by the AWS SDK's own signer
 * (`@smithy/signature-v4`), for what the high-level SDK commands cannot send (bad bodies, skewed
 * clocks, unknown operations, hand-framed aws-chunked bodies).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { request } from 'node:http';

/** A raw response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Options of {@link rawRequest}. */
export interface RawOptions {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sign with these credentials (default test/test); `null` sends the request unsigned. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | null;
  /** Signing time (default now). */
  signingDate?: Date;
  /** Value of x-amz-content-sha256 (default: hex SHA-256 of the body). */
  payloadHash?: string;
}

/** Extracts `<Code>` from an S3 error document. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

/** Signs a request like the SDK does and returns the headers to send. */
export async function signHeaders(endpoint: string, o: RawOptions): Promise<Record<string, string>> {
  const url = new URL(endpoint);
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  const headers: Record<string, string> = { host: url.host, ...(o.headers ?? {}) };
  if (o.credentials === null) return headers;
  headers['x-amz-content-sha256'] = o.payloadHash ?? createHash('sha256').update(body).digest('hex');
  const signer = new SignatureV4({
    credentials: o.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: o.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: o.path,
      query: o.query ?? {},
      headers,
      body,
    },
    { signingDate: o.signingDate ?? new Date() },
  );
  return signed.headers;
}

/** Sends a request and collects the response. */
export async function rawRequest(endpoint: string, o: RawOptions): Promise<RawResponse> {
  const headers = await signHeaders(endpoint, o);
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  const qs = new URLSearchParams(o.query ?? {}).toString().replace(/\+/g, '%20');
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: o.method,
        path: o.path + (qs ? `?${qs}` : ''),
        headers: { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
