import type { CompletedPart, CreateMultipartUploadCommandInput } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { s3Command } from '../aws/sdk-command.ts';
import { S3StateError, StateError } from '../errors.ts';
import { goStyleAwsErrorText, isNoSuchBucket, isNotFound } from '../aws/aws-errors.ts';
import type { BackendSettings } from '../backend/backend-settings.ts';
import { systemClock, type Clock } from './clock.ts';
import { DynamoDBDigest } from './dynamodb-digest.ts';
import type { DynamoDBLike, S3Like } from './facades.ts';
import {
  putObjectInput,
  readChecksumInput,
  sseCustomerInput,
  sseWriteInput,
} from './object-write-options.ts';
import type { RemoteClient, RemotePayload } from './remote-client.ts';
import { silentReporter, type CoreReporter } from './reporter.ts';

/** How long a digest mismatch is retried (the peers' `consistencyRetryTimeout`). */
export const CONSISTENCY_RETRY_TIMEOUT_MS = 10_000;
/** Poll interval during a digest mismatch (the peers' `consistencyRetryPollInterval`). */
export const CONSISTENCY_RETRY_POLL_MS = 2_000;

/** Attempts at reading a state object whose body stream fails. */
const BODY_READ_ATTEMPTS = 3;

class BodyReadError extends Error {
  constructor(readonly wrapped: S3StateError) {
    super(wrapped.message, { cause: wrapped });
  }
}

/** First line of the digest-mismatch error (both peers). */
export const BAD_CHECKSUM_SUMMARY = 'state data in S3 does not have the expected content.';

/** Options of {@link S3RemoteClient}. */
export interface S3RemoteClientOptions {
  s3: S3Like;
  /** Needed only when `settings.dynamodbTable` is set. */
  dynamodb?: DynamoDBLike | undefined;
  settings: BackendSettings;
  /** The workspace's state object key. */
  stateKey: string;
  /** @default silent */
  reporter?: CoreReporter | undefined;
  /** @default the system clock */
  clock?: Clock | undefined;
  /** Bodies larger than this go up as a multipart upload. @default 64 MiB */
  multipartThreshold?: number | undefined;
  /** Part size of multipart uploads (≥ 5 MiB on AWS). @default 16 MiB */
  partSize?: number | undefined;
}

/** Lowercase hex MD5. */
export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * A payload whose MD5 is computed when first read (then kept): a read without a digest table
 * (`state pull`, `state list`, …) does not hash the whole state (~0.1 s on 61 MB).
 */
function payloadOf(data: Uint8Array): RemotePayload {
  let md5: string | undefined;
  return {
    data,
    get md5() {
      return (md5 ??= md5Hex(data));
    },
  };
}

/**
 * State bytes in S3 with the DynamoDB `-md5` digest (spec §3): get (missing or empty object → no
 * state; digest checked with the peers' 2 s / 10 s retry window), put (content type, SSE, ACL, tags,
 * SHA-256 checksum, multipart above a threshold, then the digest), delete (object, then digest).
 */
export class S3RemoteClient implements RemoteClient {
  readonly settings: BackendSettings;
  readonly stateKey: string;
  /** The digest item, when DynamoDB is configured. */
  readonly digest: DynamoDBDigest | undefined;
  private readonly s3: S3Like;
  private readonly reporter: CoreReporter;
  private readonly clock: Clock;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(opts: S3RemoteClientOptions) {
    this.s3 = opts.s3;
    this.settings = opts.settings;
    this.stateKey = opts.stateKey;
    this.reporter = opts.reporter ?? silentReporter;
    this.clock = opts.clock ?? systemClock;
    this.multipartThreshold = opts.multipartThreshold ?? 64 * 1024 * 1024;
    this.partSize = Math.max(opts.partSize ?? 16 * 1024 * 1024, 1);
    const table = opts.settings.dynamodbTable;
    if (table) {
      if (!opts.dynamodb)
        throw new S3StateError('INTERNAL', 'dynamodb_table is set but no DynamoDB client was given');
      this.digest = new DynamoDBDigest(opts.dynamodb, table, `${opts.settings.bucket}/${opts.stateKey}-md5`);
    }
  }

  /** Where this state lives, for messages: `s3://bucket/key`. */
  get location(): string {
    return `s3://${this.settings.bucket}/${this.stateKey}`;
  }

  async get(): Promise<RemotePayload | undefined> {
    const deadline = this.clock.now() + CONSISTENCY_RETRY_TIMEOUT_MS;
    for (;;) {
      const payload = await this.getObject();
      if (!this.digest) return payload;
      const lookup = await this.digest.get();
      if (lookup.kind === 'invalid') {
        this.reporter({ level: 'warn', message: `ignoring the state digest in DynamoDB: ${lookup.reason}` });
        return payload;
      }
      if (lookup.kind === 'missing') return payload;
      const actual = payload?.md5 ?? '';
      if (actual === lookup.hex) return payload;
      if (this.clock.now() < deadline) {
        this.reporter({
          level: 'info',
          message: `state digest mismatch for ${this.location} (calculated "${actual}", stored "${lookup.hex}"); retrying`,
        });
        await this.clock.sleep(CONSISTENCY_RETRY_POLL_MS);
        continue;
      }
      throw badChecksumError(this.settings.bucket, this.stateKey, actual, lookup.hex, this.digest.table);
    }
  }

  /** The object alone, without the digest check. */
  async getObject(): Promise<RemotePayload | undefined> {
    // The SDK retries a GetObject only until the headers arrive; a body cut short is retried here.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.getObjectOnce();
      } catch (e) {
        if (!(e instanceof BodyReadError)) throw e;
        if (attempt >= BODY_READ_ATTEMPTS) throw e.wrapped;
        this.reporter({ level: 'info', message: `${e.wrapped.message}; retrying` });
      }
    }
  }

  private async getObjectOnce(): Promise<RemotePayload | undefined> {
    const s = this.settings;
    let out;
    try {
      out = await this.s3.send(
        s3Command(this.s3, 'GetObject', {
          Bucket: s.bucket,
          Key: this.stateKey,
          ...sseCustomerInput(s),
          ...readChecksumInput(s),
        }),
      );
    } catch (e) {
      if (isNoSuchBucket(e)) throw noSuchBucketError(s.bucket, e);
      if (isNotFound(e)) return undefined;
      throw new S3StateError(
        'AWS',
        `Unable to access object "${this.stateKey}" in S3 bucket "${s.bucket}": ${goStyleAwsErrorText(e, 'S3', 'GetObject')}`,
        { cause: e },
      );
    }
    let data: Uint8Array;
    try {
      data = await readBody(out.Body, out.ContentLength);
    } catch (e) {
      throw new BodyReadError(
        new S3StateError(
          'AWS',
          `Failed to read remote state: reading "${this.stateKey}" from S3 bucket "${s.bucket}": ${(e as Error).message}`,
          { cause: e },
        ),
      );
    }
    if (data.byteLength === 0) return undefined;
    return payloadOf(data);
  }

  async put(data: Uint8Array): Promise<void> {
    const s = this.settings;
    // The S3 operation that failed, for the message (multipart uploads name their step).
    const step = { op: 'PutObject' };
    try {
      if (data.byteLength > this.multipartThreshold) await this.putMultipart(data, step);
      else
        await this.s3.send(
          s3Command(this.s3, 'PutObject', putObjectInput(s, this.stateKey, data, s.stateTags)),
        );
    } catch (e) {
      if (isNoSuchBucket(e)) throw noSuchBucketError(s.bucket, e, 'failed to upload state: ', step.op);
      throw new S3StateError(
        'AWS',
        `failed to upload state: ${goStyleAwsErrorText(e, 'S3', step.op)} (object "${this.stateKey}" in S3 bucket "${s.bucket}")`,
        { cause: e },
      );
    }
    if (this.digest) {
      try {
        await this.digest.put(md5Hex(data));
      } catch (e) {
        this.reporter({
          level: 'warn',
          message: `failed to record state serial in dynamodb: ${(e as Error).message}`,
        });
        throw new S3StateError('AWS', `failed to store state MD5: ${(e as Error).message}`, {
          cause: e,
          hint: (e as S3StateError).hint,
        });
      }
    }
  }

  private async putMultipart(data: Uint8Array, step: { op: string }): Promise<void> {
    const s = this.settings;
    const create: CreateMultipartUploadCommandInput = {
      Bucket: s.bucket,
      Key: this.stateKey,
      ContentType: 'application/json',
      ...(sseWriteInput(s) as Partial<CreateMultipartUploadCommandInput>),
    };
    if (s.acl) create.ACL = s.acl as CreateMultipartUploadCommandInput['ACL'];
    const tagging = putObjectInput(s, this.stateKey, new Uint8Array(0), s.stateTags).Tagging;
    if (tagging !== undefined) create.Tagging = tagging;
    if (!s.skipS3Checksum) create.ChecksumAlgorithm = 'SHA256';
    step.op = 'CreateMultipartUpload';
    const { UploadId } = await this.s3.send(s3Command(this.s3, 'CreateMultipartUpload', create));
    if (!UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
    const parts: CompletedPart[] = [];
    const partMd5s: Buffer[] = [];
    try {
      step.op = 'UploadPart';
      for (let off = 0, n = 1; off < data.byteLength; off += this.partSize, n++) {
        // subarray: a view, not a copy
        const body = data.subarray(off, Math.min(off + this.partSize, data.byteLength));
        const sha = s.skipS3Checksum ? undefined : createHash('sha256').update(body).digest('base64');
        partMd5s.push(createHash('md5').update(body).digest());
        const out = await this.s3.send(
          s3Command(this.s3, 'UploadPart', {
            Bucket: s.bucket,
            Key: this.stateKey,
            UploadId,
            PartNumber: n,
            Body: body,
            ContentLength: body.byteLength,
            ...sseCustomerInput(s),
            ...(sha ? { ChecksumAlgorithm: 'SHA256' as const, ChecksumSHA256: sha } : {}),
          }),
        );
        parts.push({
          ETag: out.ETag,
          PartNumber: n,
          ...(sha ? { ChecksumSHA256: out.ChecksumSHA256 ?? sha } : {}),
        });
      }
      step.op = 'CompleteMultipartUpload';
      try {
        await this.s3.send(
          s3Command(this.s3, 'CompleteMultipartUpload', {
            Bucket: s.bucket,
            Key: this.stateKey,
            UploadId,
            MultipartUpload: { Parts: parts },
            ...sseCustomerInput(s),
          }),
        );
      } catch (e) {
        // A lost response to a Complete that did succeed: the SDK's retry finds the upload gone.
        // Accept it only when the stored object is provably this upload (multipart ETag and size).
        if (!isNoSuchUpload(e) || !(await this.storedIsUpload(data.byteLength, partMd5s))) throw e;
        this.reporter({
          level: 'info',
          message: `CompleteMultipartUpload response was lost, but ${this.location} holds the uploaded state`,
        });
      }
    } catch (e) {
      if (isNoSuchUpload(e)) throw e; // completed or aborted elsewhere: nothing to abort
      try {
        await this.s3.send(
          s3Command(this.s3, 'AbortMultipartUpload', { Bucket: s.bucket, Key: this.stateKey, UploadId }),
        );
      } catch (abortErr) {
        this.reporter({
          level: 'warn',
          message: `failed to abort multipart upload ${UploadId}: ${String(abortErr)}`,
        });
      }
      throw e;
    }
  }

  /**
   * True when the stored object is the multipart upload of `size` bytes whose parts have these MD5s:
   * its ETag is S3's multipart ETag (MD5 of the concatenated part MD5s, `-` part count).
   */
  private async storedIsUpload(size: number, partMd5s: readonly Buffer[]): Promise<boolean> {
    const want = `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
    try {
      const head = await this.s3.send(
        s3Command(this.s3, 'HeadObject', {
          Bucket: this.settings.bucket,
          Key: this.stateKey,
          ...sseCustomerInput(this.settings),
        }),
      );
      return head.ContentLength === size && head.ETag?.replace(/"/g, '') === want;
    } catch {
      return false;
    }
  }

  async delete(): Promise<void> {
    const s = this.settings;
    try {
      await this.s3.send(s3Command(this.s3, 'DeleteObject', { Bucket: s.bucket, Key: this.stateKey }));
    } catch (e) {
      if (isNoSuchBucket(e)) throw noSuchBucketError(s.bucket, e, '', 'DeleteObject');
      throw new S3StateError(
        'AWS',
        `failed to delete state "${this.stateKey}" in S3 bucket "${s.bucket}": ${goStyleAwsErrorText(e, 'S3', 'DeleteObject')}`,
        { cause: e },
      );
    }
    if (this.digest) {
      try {
        await this.digest.delete();
      } catch (e) {
        this.reporter({ level: 'warn', message: `failed to delete state digest: ${(e as Error).message}` });
      }
    }
  }
}

function isNoSuchUpload(e: unknown): boolean {
  const x = e as { name?: unknown; Code?: unknown } | undefined;
  return x?.name === 'NoSuchUpload' || x?.Code === 'NoSuchUpload';
}

/** The peers' missing-bucket error. */
export function noSuchBucketError(
  bucket: string,
  cause: unknown,
  prefix = '',
  op = 'GetObject',
): S3StateError {
  return new S3StateError(
    'NOT_FOUND',
    `${prefix}S3 bucket "${bucket}" does not exist.\n\nThe bucket must exist before state can be stored in it. A bucket created moments ago\nmay take a minute or two to become visible; retry then.\n\nError: ${goStyleAwsErrorText(cause, 'S3', op)}`,
    { cause, hint: `Create the bucket "${bucket}" or fix the "bucket" setting.` },
  );
}

/** The digest-mismatch error (spec §3.2), naming bucket, key, both digests and what to do. */
export function badChecksumError(
  bucket: string,
  key: string,
  calculated: string,
  stored: string,
  table: string,
): StateError {
  const fix =
    calculated === ''
      ? `If you are sure no state should exist there, delete the item "${bucket}/${key}-md5" (its Digest value) from the DynamoDB table "${table}".`
      : `If you have verified the state object, set the Digest value of the item "${bucket}/${key}-md5" in the DynamoDB table "${table}" to: ${calculated}`;
  const detail =
    `The MD5 of the state object does not match the digest recorded in DynamoDB. S3 may still be\n` +
    `delivering an older copy of a recent update: wait a minute or two and try again.\n\n` +
    `Bucket: ${bucket}\nKey:    ${key}\nCalculated checksum: ${calculated}\nStored checksum:     ${stored}\n\n${fix}`;
  return new StateError(`${BAD_CHECKSUM_SUMMARY}\n\n${detail}`, { detail, hint: fix });
}

async function readBody(body: unknown, length: number | undefined): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  const iterable = body as AsyncIterable<Uint8Array | string>;
  if (typeof iterable[Symbol.asyncIterator] !== 'function') {
    const t = body as { transformToByteArray?: () => Promise<Uint8Array> };
    if (t.transformToByteArray) return t.transformToByteArray();
    throw new Error('unsupported response body');
  }
  if (length !== undefined && length >= 0) {
    // Preallocated from Content-Length: one copy of the bytes, no concatenation.
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    for await (const chunk of iterable) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (off + b.byteLength > length) throw new Error(`body longer than Content-Length ${length}`);
      buf.set(b, off);
      off += b.byteLength;
    }
    if (off !== length) throw new Error(`body truncated: got ${off} of ${length} bytes`);
    return buf;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of iterable)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
