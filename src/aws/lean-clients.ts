import http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createHasher, parseChecksumAlgorithm } from '../store/checksums.ts';
import { isCommandDescriptor, LEAN_CLIENT, sdkCommandOf, type CommandDescriptor } from './sdk-command.ts';
import { EMPTY_SHA256, sha256Hex, signRequest, uriEncode } from './sigv4.ts';

/*
 * The lean clients serve the CLI's hot reads — S3 GetObject and ListObjectsV2, DynamoDB GetItem —
 * with one SigV4-signed request over node:http(s), so `state pull`, `output` and `workspace list`
 * start without evaluating the AWS SDK (≈150 ms of a ≈250 ms cold run). They only ever answer
 * what they can answer exactly:
 * - a 2xx response (and, for GetObject, a 404 NoSuchKey: "no state yet");
 * - a GetObject whose flexible checksum, when asked for, matches the body.
 * Everything else — other operations, inputs they do not model (SSE-C, ranges…), any other status,
 * a network error, a checksum mismatch — is handed to the SDK client, built on first use, with the
 * same input. These are reads, so repeating one is safe, and the SDK's retries, error shapes and
 * messages stay exactly what they are without the lean path.
 */

/** What a lean client needs to know. */
export interface LeanClientOptions {
  /** Base URL of the service: a custom endpoint or the standard regional one. */
  endpoint: URL;
  region: string;
  /** S3 only: path-style addressing (`use_path_style`, or a bucket name that cannot be a host label). */
  forcePathStyle?: boolean;
  credentials: () => Promise<AwsCredentialIdentity>;
  /** TLS options (`custom_ca_bundle`, `insecure`). */
  tls?: https.AgentOptions;
  /** The `User-Agent` header. */
  userAgent: string;
}

// node:https (and tls under it) is loaded only for https endpoints.
const lazyRequire = createRequire(import.meta.url);
const httpsModule = (): typeof https => lazyRequire('node:https') as typeof https;

/** Handed to the SDK. */
const HAND_OVER = Symbol('hand over');
type Lean<T> = T | typeof HAND_OVER;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Time without any socket activity after which a lean request is abandoned (and handed over). */
const IDLE_TIMEOUT_MS = 30_000;

class LeanHttp {
  readonly #agent: http.Agent;
  readonly #secure: boolean;

  constructor(
    readonly opts: LeanClientOptions,
    readonly service: 's3' | 'dynamodb',
  ) {
    this.#secure = opts.endpoint.protocol === 'https:';
    this.#agent = this.#secure
      ? new (httpsModule().Agent)({ keepAlive: true, ...opts.tls })
      : new http.Agent({ keepAlive: true });
  }

  /** Signs and sends one request; resolves with the whole response. */
  async request(
    method: string,
    host: string,
    path: string,
    query: [string, string][],
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<RawResponse> {
    const creds = await this.opts.credentials();
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    // S3 wants the payload hash as a header too; DynamoDB only signs it.
    const extra: Record<string, string> =
      this.service === 's3' ? { 'x-amz-content-sha256': payloadHash } : {};
    const signed = signRequest(
      {
        method,
        host,
        path,
        query,
        headers: { ...headers, ...extra, 'user-agent': this.opts.userAgent },
        payloadHash,
        region: this.opts.region,
        service: this.service,
      },
      creds,
    );
    if (body) signed['content-length'] = String(body.byteLength);
    // The URL carries exactly the encoding that was signed.
    const search = query.map(([k, v]) => `${uriEncode(k, true)}=${uriEncode(v, true)}`).join('&');
    const encodedPath = uriEncode(path, false);
    const base = this.opts.endpoint;
    const url = `${base.protocol}//${host}${encodedPath}${search ? `?${search}` : ''}`;
    const lib = this.#secure ? httpsModule() : http;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = lib.request(url, { method, headers: signed, agent: this.#agent }, (res) => {
        const length = Number(res.headers['content-length']);
        const known = Number.isSafeInteger(length) && length >= 0;
        // Preallocated from Content-Length: the body is copied once, never concatenated.
        const buf = known ? Buffer.allocUnsafe(length) : undefined;
        const chunks: Buffer[] = [];
        let off = 0;
        res.on('data', (c: Buffer) => {
          if (buf) {
            if (off + c.byteLength > buf.byteLength) {
              res.destroy(new Error(`body longer than Content-Length ${length}`));
              return;
            }
            c.copy(buf, off);
          } else chunks.push(c);
          off += c.byteLength;
        });
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () => {
          if (buf && off !== buf.byteLength) {
            reject(new Error(`body truncated: got ${off} of ${buf.byteLength} bytes`));
            return;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf ?? Buffer.concat(chunks) });
        });
      });
      req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.#agent.destroy();
  }
}

function header(h: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function metadata(h: http.IncomingHttpHeaders, status: number): Record<string, unknown> {
  return {
    httpStatusCode: status,
    requestId: header(h, 'x-amz-request-id') ?? header(h, 'x-amzn-requestid'),
    extendedRequestId: header(h, 'x-amz-id-2'),
    attempts: 1,
    totalRetryDelay: 0,
  };
}

/** Only these input fields are modelled; any other set field hands the command over. */
function onlyFields(input: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.entries(input).every(([k, v]) => v === undefined || allowed.includes(k));
}

/** A body the core reads like the SDK's: a Uint8Array with the SDK stream mixin's two methods. */
function sdkLikeBody(data: Buffer): Buffer & {
  transformToString(encoding?: BufferEncoding): Promise<string>;
  transformToByteArray(): Promise<Uint8Array>;
} {
  return Object.assign(data, {
    transformToString: async (encoding: BufferEncoding = 'utf8') => data.toString(encoding),
    transformToByteArray: async () => data,
  });
}

/** True when the response's full-object flexible checksum (if any) matches; composite ones are not checkable. */
function checksumHolds(h: http.IncomingHttpHeaders, body: Buffer): boolean {
  if (header(h, 'x-amz-checksum-type') === 'COMPOSITE') return true;
  for (const name of ['crc64nvme', 'crc32c', 'crc32', 'sha256', 'sha1']) {
    const want = header(h, `x-amz-checksum-${name}`);
    if (want === undefined || want.includes('-')) continue;
    const hasher = createHasher(parseChecksumAlgorithm(name)!);
    hasher.update(body);
    return hasher.digest().toString('base64') === want;
  }
  return true;
}

/**
 * What both lean clients share: descriptors they serve go out as one signed request, everything else
 * (SDK commands, descriptors they do not serve, any answer they cannot use) goes to the SDK client.
 */
abstract class LeanClient {
  readonly [LEAN_CLIENT] = true;
  protected readonly http: LeanHttp;
  readonly #service: 's3' | 'dynamodb';
  readonly #sdk: () => { send(c: never): Promise<unknown> };

  constructor(
    opts: LeanClientOptions,
    service: 's3' | 'dynamodb',
    sdk: () => { send(c: never): Promise<unknown> },
  ) {
    this.http = new LeanHttp(opts, service);
    this.#service = service;
    this.#sdk = sdk;
  }

  /** The output of `command`, or HAND_OVER. Throws only errors the SDK would throw for the same answer. */
  protected abstract serve(command: CommandDescriptor): Promise<Lean<unknown>>;

  async send(command: unknown): Promise<never> {
    const viaSdk = (c: unknown): Promise<never> => (this.#sdk().send as (c: unknown) => Promise<never>)(c);
    if (!isCommandDescriptor(command)) return viaSdk(command);
    let out: Lean<unknown> = HAND_OVER;
    try {
      out = await this.serve(command);
    } catch (e) {
      if (isLeanServiceError(e)) throw e;
    }
    if (out !== HAND_OVER) return out as never;
    return viaSdk(sdkCommandOf(this.#service, command));
  }

  destroy(): void {
    this.http.destroy();
  }
}

/** S3 GetObject / ListObjectsV2 without the SDK; anything else through `sdk()`. */
export class LeanS3Client extends LeanClient {
  constructor(opts: LeanClientOptions, sdk: () => S3Client) {
    super(opts, 's3', sdk);
  }

  protected async serve(command: CommandDescriptor): Promise<Lean<unknown>> {
    if (command.op === 'GetObject') return this.#getObject(command.input);
    if (command.op === 'ListObjectsV2') return this.#listObjects(command.input);
    return HAND_OVER;
  }

  /**
   * Host and path of `bucket`/`key`, addressed as the SDK does: virtual-hosted (`bucket.host`) unless
   * path style is asked for, the bucket name is not a plain DNS label, or the endpoint host is an IP.
   */
  #address(bucket: string, key?: string): { host: string; path: string } {
    const o = this.http.opts;
    const base = o.endpoint;
    const keyPath = key === undefined ? '' : `/${key}`;
    const hostable = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
    const ipHost = /^[\d.]+$/.test(base.hostname) || base.hostname.startsWith('[');
    const prefix = base.pathname.replace(/\/$/, '');
    return !o.forcePathStyle && hostable && !ipHost
      ? { host: `${bucket}.${base.host}`, path: `${prefix}${keyPath || '/'}` }
      : { host: base.host, path: `${prefix}/${bucket}${keyPath}` };
  }

  async #getObject(input: Record<string, unknown>): Promise<Lean<unknown>> {
    if (!onlyFields(input, ['Bucket', 'Key', 'ChecksumMode'])) return HAND_OVER;
    const { host, path } = this.#address(String(input['Bucket']), String(input['Key']));
    const checksum = input['ChecksumMode'] === 'ENABLED';
    const res = await this.http.request(
      'GET',
      host,
      path,
      [],
      checksum ? { 'x-amz-checksum-mode': 'ENABLED' } : {},
    );
    if (res.status === 404 && xmlCode(res.body) === 'NoSuchKey') throw leanServiceError(res, 'NoSuchKey');
    if (res.status !== 200) return HAND_OVER;
    if (checksum && !checksumHolds(res.headers, res.body)) return HAND_OVER;
    const h = res.headers;
    const out: Record<string, unknown> = {
      $metadata: metadata(h, res.status),
      Body: sdkLikeBody(res.body),
      ContentLength: res.body.byteLength,
      ContentType: header(h, 'content-type'),
      ETag: header(h, 'etag'),
      VersionId: header(h, 'x-amz-version-id'),
    };
    const lastModified = header(h, 'last-modified');
    if (lastModified) out['LastModified'] = new Date(lastModified);
    for (const [name, field] of [
      ['sha256', 'ChecksumSHA256'],
      ['sha1', 'ChecksumSHA1'],
      ['crc32', 'ChecksumCRC32'],
      ['crc32c', 'ChecksumCRC32C'],
      ['crc64nvme', 'ChecksumCRC64NVME'],
    ] as const) {
      const v = header(h, `x-amz-checksum-${name}`);
      if (v !== undefined) out[field] = v;
    }
    return out;
  }

  async #listObjects(raw: Record<string, unknown>): Promise<Lean<unknown>> {
    if (!onlyFields(raw, ['Bucket', 'Prefix', 'MaxKeys', 'ContinuationToken'])) return HAND_OVER;
    const input = raw as { Bucket: string; Prefix?: string; MaxKeys?: number; ContinuationToken?: string };
    const query: [string, string][] = [['list-type', '2']];
    if (input.ContinuationToken !== undefined) query.push(['continuation-token', input.ContinuationToken]);
    if (input.MaxKeys !== undefined) query.push(['max-keys', String(input.MaxKeys)]);
    if (input.Prefix !== undefined) query.push(['prefix', input.Prefix]);
    const { host, path } = this.#address(input.Bucket);
    const res = await this.http.request('GET', host, path, query, {});
    if (res.status !== 200) return HAND_OVER;
    const { XMLParser } = await import('fast-xml-parser');
    const doc = new XMLParser({
      parseTagValue: false,
      isArray: (name, jpath) => jpath === 'ListBucketResult.Contents',
    }).parse(res.body.toString('utf8')) as {
      ListBucketResult?: {
        Contents?: { Key?: string; Size?: string; ETag?: string }[];
        IsTruncated?: string;
        NextContinuationToken?: string;
        KeyCount?: string;
      };
    };
    const r = doc.ListBucketResult;
    if (!r) return HAND_OVER;
    return {
      $metadata: metadata(res.headers, res.status),
      Contents: r.Contents?.map((c) => ({
        Key: c.Key === undefined ? undefined : String(c.Key),
        Size: c.Size === undefined ? undefined : Number(c.Size),
        ETag: c.ETag,
      })),
      IsTruncated: r.IsTruncated === 'true',
      NextContinuationToken: r.NextContinuationToken,
      KeyCount: r.KeyCount === undefined ? undefined : Number(r.KeyCount),
    };
  }
}

/** DynamoDB GetItem without the SDK; anything else through `sdk()`. */
export class LeanDynamoDBClient extends LeanClient {
  constructor(opts: LeanClientOptions, sdk: () => DynamoDBClient) {
    super(opts, 'dynamodb', sdk);
  }

  protected async serve(command: CommandDescriptor): Promise<Lean<unknown>> {
    return command.op === 'GetItem' ? this.#getItem(command) : HAND_OVER;
  }

  async #getItem(command: CommandDescriptor): Promise<Lean<unknown>> {
    const input = command.input;
    if (!onlyFields(input, ['TableName', 'Key', 'ConsistentRead', 'ProjectionExpression'])) return HAND_OVER;
    const base = this.http.opts.endpoint;
    const res = await this.http.request(
      'POST',
      base.host,
      base.pathname || '/',
      [],
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
      },
      Buffer.from(JSON.stringify(input), 'utf8'),
    );
    if (res.status !== 200) return HAND_OVER;
    const parsed = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    // Only string, number and bool attributes are modelled (binary ones are base64 in JSON, bytes in the SDK).
    const item = (parsed['Item'] ?? {}) as Record<string, Record<string, unknown>>;
    if (!Object.values(item).every((v) => 'S' in v || 'N' in v || 'BOOL' in v)) return HAND_OVER;
    return { $metadata: metadata(res.headers, res.status), ...parsed };
  }
}

const LEAN_ERROR = Symbol('lean service error');

function xmlCode(body: Buffer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body.toString('utf8'))?.[1];
}

/** The error the SDK would throw for this answer (used for GetObject's 404 NoSuchKey only). */
function leanServiceError(res: RawResponse, code: string): Error {
  const message = /<Message>([^<]*)<\/Message>/.exec(res.body.toString('utf8'))?.[1] ?? code;
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: 'client',
    $metadata: metadata(res.headers, res.status),
    [LEAN_ERROR]: true,
  });
}

function isLeanServiceError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { [LEAN_ERROR]?: unknown })[LEAN_ERROR] === true;
}
