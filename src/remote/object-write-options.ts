import { createHash } from 'node:crypto';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { BackendSettings } from '../backend/backend-settings.ts';

/** The settings that shape every object write and read (state and lock file alike). */
export type ObjectSettings = Pick<
  BackendSettings,
  'bucket' | 'encrypt' | 'kmsKeyId' | 'sseCustomerKey' | 'acl' | 'skipS3Checksum'
>;

/**
 * Go `url.Values.Encode()` of tags: keys sorted by byte order, `key=value` joined with `&`, both
 * form-encoded (space → `+`, everything but `A-Za-z0-9-_.~` percent-encoded, upper-case hex).
 */
export function encodeTags(tags: Record<string, string> | undefined): string | undefined {
  if (!tags) return undefined;
  const keys = Object.keys(tags).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (keys.length === 0) return undefined;
  return keys.map((k) => `${goQueryEscape(k)}=${goQueryEscape(tags[k] ?? '')}`).join('&');
}

/** Go `url.QueryEscape`. */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** SSE-C headers for reads (Get/Head) — only when `encrypt` and a customer key are set. */
export function sseCustomerInput(
  s: ObjectSettings,
): { SSECustomerAlgorithm: string; SSECustomerKey: string } | Record<string, never> {
  if (s.encrypt && !s.kmsKeyId && s.sseCustomerKey) {
    return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: s.sseCustomerKey };
  }
  return {};
}

/** Checksum mode for reads: `ENABLED` unless `skip_s3_checksum`. */
export function readChecksumInput(s: ObjectSettings): { ChecksumMode?: 'ENABLED' } {
  return s.skipS3Checksum ? {} : { ChecksumMode: 'ENABLED' };
}

/**
 * The PutObject fields every state or lock-file write carries (spec §3.3): content type, SSE
 * (`aws:kms` + key, SSE-C, or `AES256`, only when `encrypt`), ACL, tags, and a SHA-256 checksum unless skipped.
 */
export function putObjectInput(
  s: ObjectSettings,
  key: string,
  body: Uint8Array,
  tags: Record<string, string> | undefined,
): PutObjectCommandInput {
  const input: PutObjectCommandInput = {
    Bucket: s.bucket,
    Key: key,
    Body: body,
    ContentLength: body.byteLength,
    ContentType: 'application/json',
  };
  Object.assign(input, sseWriteInput(s));
  if (s.acl) input.ACL = s.acl as PutObjectCommandInput['ACL'];
  const tagging = encodeTags(tags);
  if (tagging !== undefined) input.Tagging = tagging;
  if (!s.skipS3Checksum) {
    input.ChecksumAlgorithm = 'SHA256';
    input.ChecksumSHA256 = createHash('sha256').update(body).digest('base64');
  }
  return input;
}

/** SSE fields of a write. */
export function sseWriteInput(s: ObjectSettings): Partial<PutObjectCommandInput> {
  if (!s.encrypt) return {};
  if (s.kmsKeyId) return { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: s.kmsKeyId };
  if (s.sseCustomerKey) return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: s.sseCustomerKey };
  return { ServerSideEncryption: 'AES256' };
}
