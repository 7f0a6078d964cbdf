/**
 * Object-level building blocks shared by put, copy and multipart: reading write headers, writing a
 * body to a blob, committing a version under the per-key lock with conditional-write checks, and
 * rendering an object's response headers.
 */
import { open, unlink } from 'node:fs/promises';
import type { BucketState, SseCInfo, SseInfo, VersionRecord } from './disk-store.ts';
import { newId } from './disk-store.ts';
import { checksumHeader, type ChecksumAlgorithm } from './checksums.ts';
import { receiveBody, type BodyInfo } from './request-body.ts';
import { S3Error } from './s3-error.ts';
import { customerKeyHeaders, parseCustomerKey, sealCustomerKey } from './sse-c.ts';
import { httpDate, objectLockKey, type S3Request, type StoreContext } from './store-context.ts';

/** Entity headers S3 stores with an object and returns on GET/HEAD. */
export const ENTITY_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
  'x-amz-website-redirect-location',
];

const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
];

const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
  'OUTPOSTS',
  'SNOW',
  'EXPRESS_ONEZONE',
];

/** Validates a canned ACL header value. */
export function parseCannedAcl(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!CANNED_ACLS.includes(v))
    throw new S3Error('InvalidArgument', `The canned ACL '${v}' is not valid`, {
      ArgumentName: 'x-amz-acl',
      ArgumentValue: v,
    });
  return v;
}

/** Parses `k=v&k2=v2` tag sets (the `x-amz-tagging` header). */
export function parseTagHeader(v: string | undefined): [string, string][] {
  if (v === undefined || v === '') return [];
  const tags: [string, string][] = [];
  for (const [k, val] of new URLSearchParams(v)) tags.push([k, val]);
  validateTags(tags);
  return tags;
}

/** Validates an object tag set as S3 does (≤10 tags, key ≤128, value ≤256, unique keys). */
export function validateTags(tags: [string, string][]): void {
  if (tags.length > 10) throw new S3Error('BadRequest', 'Object tags cannot be greater than 10');
  const seen = new Set<string>();
  for (const [k, v] of tags) {
    if (k.length === 0 || k.length > 128)
      throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid');
    if (v.length > 256) throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid');
    if (seen.has(k)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    seen.add(k);
  }
}

/** The object attributes a write request sets (everything but the bytes). */
export interface WriteAttributes {
  headers: Record<string, string>;
  meta: Record<string, string>;
  tags: [string, string][];
  sse?: SseInfo;
  ssec?: SseCInfo;
  acl?: string;
  storageClass?: string;
}

/** Reads entity headers, metadata, encryption, tags, ACL and storage class of a write request. */
export function readWriteAttributes(r: S3Request, b: BucketState): WriteAttributes {
  const headers: Record<string, string> = {};
  for (const h of ENTITY_HEADERS) {
    const v = r.header(h);
    if (v === undefined) continue;
    if (h === 'content-encoding') {
      const rest = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s !== 'aws-chunked');
      if (rest.length > 0) headers[h] = rest.join(',');
    } else headers[h] = v;
  }
  const meta: Record<string, string> = {};
  let metaSize = 0;
  for (const [name, value] of Object.entries(r.req.headers)) {
    if (!name.startsWith('x-amz-meta-')) continue;
    const v = Array.isArray(value) ? value.join(',') : (value ?? '');
    meta[name.slice('x-amz-meta-'.length)] = v;
    metaSize += name.length - 'x-amz-meta-'.length + v.length;
  }
  if (metaSize > 2048)
    throw new S3Error(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size (2 KB).',
    );
  const out: WriteAttributes = { headers, meta, tags: parseTagHeader(r.header('x-amz-tagging')) };
  const ssec = parseCustomerKey((n) => r.header(n));
  const sseAlg = r.header('x-amz-server-side-encryption');
  const kmsKey = r.header('x-amz-server-side-encryption-aws-kms-key-id');
  const bucketKey = r.header('x-amz-server-side-encryption-bucket-key-enabled');
  if (ssec && sseAlg !== undefined) {
    throw new S3Error(
      'InvalidArgument',
      'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
      { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: sseAlg },
    );
  }
  if (ssec) out.ssec = sealCustomerKey(ssec);
  else if (sseAlg !== undefined) {
    if (!['AES256', 'aws:kms', 'aws:kms:dsse'].includes(sseAlg)) {
      throw new S3Error('InvalidArgument', `The encryption method specified is not supported: '${sseAlg}'`, {
        ArgumentName: 'x-amz-server-side-encryption',
        ArgumentValue: sseAlg,
      });
    }
    if (kmsKey !== undefined && sseAlg === 'AES256') {
      throw new S3Error(
        'InvalidArgument',
        'Server Side Encryption with AWS KMS key id is only valid with aws:kms encryption',
        { ArgumentName: 'x-amz-server-side-encryption-aws-kms-key-id' },
      );
    }
    out.sse = { algorithm: sseAlg };
    if (sseAlg !== 'AES256') out.sse.kmsKeyId = kmsKey ?? defaultKmsKey(b);
    if (bucketKey === 'true') out.sse.bucketKeyEnabled = true;
  } else {
    if (kmsKey !== undefined) {
      throw new S3Error(
        'InvalidArgument',
        'x-amz-server-side-encryption-aws-kms-key-id requires x-amz-server-side-encryption: aws:kms',
        { ArgumentName: 'x-amz-server-side-encryption-aws-kms-key-id' },
      );
    }
    // Bucket default encryption applies; S3 encrypts every new object with SSE-S3 otherwise.
    const alg = b.record.settings.sseAlgorithm ?? 'AES256';
    out.sse = { algorithm: alg };
    if (alg !== 'AES256') out.sse.kmsKeyId = b.record.settings.sseKmsKeyId ?? defaultKmsKey(b);
    if (b.record.settings.sseBucketKey === 'true') out.sse.bucketKeyEnabled = true;
  }
  const acl = parseCannedAcl(r.header('x-amz-acl'));
  if (acl !== undefined) out.acl = acl;
  const sc = r.header('x-amz-storage-class');
  if (sc !== undefined) {
    if (!STORAGE_CLASSES.includes(sc))
      throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: sc });
    if (sc !== 'STANDARD') out.storageClass = sc;
  }
  return out;
}

function defaultKmsKey(b: BucketState): string {
  return `arn:aws:kms:${b.record.region}:000000000000:alias/aws/s3`;
}

/** A body written to a temp file, fsynced; `commit()` moves it into the blob folder. */
export interface StagedBody {
  tmp: string;
  info: BodyInfo;
}

/** Writes a request body to a temp file (fsynced); removes it and rethrows on any error. */
export async function stageBody(
  ctx: StoreContext,
  r: S3Request,
  defaultChecksum: ChecksumAlgorithm | undefined = 'CRC64NVME',
): Promise<StagedBody> {
  const tmp = ctx.disk.tempPath();
  const fh = await open(tmp, 'w');
  let pos = 0;
  try {
    const info = await receiveBody(
      r.req,
      async (chunk) => {
        const { bytesWritten } = await fh.write(chunk, 0, chunk.length, pos);
        pos += bytesWritten;
      },
      { auth: r.auth, defaultChecksum },
    );
    await fh.sync();
    await fh.close();
    return { tmp, info };
  } catch (e) {
    await fh.close().catch(() => undefined);
    await removeFile(tmp);
    throw e;
  }
}

/** Removes a file, ignoring a missing one. */
export async function removeFile(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/** Strips quotes and a weak prefix from an ETag for comparison. */
export function normalizeEtag(s: string): string {
  return s.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

function etagListMatches(list: string, etag: string): boolean {
  const want = normalizeEtag(etag);
  return list.split(',').some((e) => e.trim() === '*' || normalizeEtag(e) === want);
}

/** Conditional-write headers of a PUT / CompleteMultipartUpload / DELETE. */
export interface WriteConditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

/** Reads `If-Match` / `If-None-Match` of a write; a value other than `*` for If-None-Match is not implemented by S3. */
export function readWriteConditions(r: S3Request): WriteConditions {
  const ifNoneMatch = r.header('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error(
      'NotImplemented',
      'A header you provided implies functionality that is not implemented',
      { Header: 'If-None-Match' },
    );
  }
  return { ifMatch: r.header('if-match'), ifNoneMatch };
}

/** Checks write conditions against the current version. */
export function checkWriteConditions(
  current: VersionRecord | undefined,
  c: WriteConditions,
  key: string,
): void {
  const exists = current !== undefined && !current.deleteMarker;
  if (c.ifNoneMatch !== undefined && exists) {
    throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  }
  if (c.ifMatch !== undefined) {
    if (!exists) throw new S3Error('NoSuchKey', undefined, { Key: key });
    if (!etagListMatches(c.ifMatch, current.etag)) {
      throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
    }
  }
}

/**
 * Commits a new version of `key` atomically: under the key's lock, checks the write conditions,
 * assigns the version id from the bucket's versioning state, and persists the manifest. Blobs of
 * versions this replaces (the `null` version) are deleted afterwards. On failure the caller's blob is
 * removed.
 */
export async function commitVersion(
  ctx: StoreContext,
  b: BucketState,
  key: string,
  version: Omit<VersionRecord, 'versionId'>,
  cond: WriteConditions,
): Promise<VersionRecord> {
  try {
    return await ctx.mutex.run(objectLockKey(b.record.name, key), async () => {
      if (ctx.disk.buckets.get(b.record.name) !== b)
        throw new S3Error('NoSuchBucket', undefined, { BucketName: b.record.name });
      const versions = b.objects.get(key) ?? [];
      checkWriteConditions(versions[0], cond, key);
      const versioned = b.record.versioning === 'Enabled';
      const v: VersionRecord = { ...version, versionId: versioned ? newId(24) : 'null' };
      const dropped = versioned ? [] : versions.filter((x) => x.versionId === 'null');
      const kept = versioned ? versions : versions.filter((x) => x.versionId !== 'null');
      await ctx.disk.saveKey(b, key, [v, ...kept]);
      for (const d of dropped) if (d.blob) await ctx.disk.removeBlob(d.blob);
      return v;
    });
  } catch (e) {
    if (version.blob) await ctx.disk.removeBlob(version.blob);
    throw e;
  }
}

/** Finds the version a request addresses (`versionId` query or the current one). */
export function findVersion(b: BucketState, key: string, versionId: string | null): VersionRecord {
  const versions = b.objects.get(key);
  if (versionId !== null && versionId !== '') {
    const v = versions?.find((x) => x.versionId === versionId);
    if (!v) {
      if (versionId !== 'null' && !/^[A-Za-z0-9_.-]{1,64}$/.test(versionId)) {
        throw new S3Error('InvalidArgument', 'Invalid version id specified', {
          ArgumentName: 'versionId',
          ArgumentValue: versionId,
        });
      }
      throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
    }
    if (v.deleteMarker) {
      throw new S3Error(
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
        { Method: 'GET', ResourceType: 'DeleteMarker' },
        {
          'x-amz-delete-marker': 'true',
          'x-amz-version-id': v.versionId,
          'last-modified': httpDate(v.lastModified),
          allow: 'DELETE',
        },
      );
    }
    return v;
  }
  const cur = versions?.[0];
  if (!cur) throw new S3Error('NoSuchKey', undefined, { Key: key });
  if (cur.deleteMarker) {
    throw new S3Error(
      'NoSuchKey',
      undefined,
      { Key: key },
      { 'x-amz-delete-marker': 'true', 'x-amz-version-id': cur.versionId },
    );
  }
  return cur;
}

/** Encryption response headers of a version. */
export function encryptionHeaders(v: {
  sse?: SseInfo | undefined;
  ssec?: SseCInfo | undefined;
}): Record<string, string> {
  const h: Record<string, string> = { ...customerKeyHeaders(v.ssec) };
  if (v.sse) {
    h['x-amz-server-side-encryption'] = v.sse.algorithm;
    if (v.sse.kmsKeyId !== undefined) h['x-amz-server-side-encryption-aws-kms-key-id'] = v.sse.kmsKeyId;
    if (v.sse.bucketKeyEnabled) h['x-amz-server-side-encryption-bucket-key-enabled'] = 'true';
  }
  return h;
}

/** Checksum response headers of a version. */
export function checksumHeaders(
  v: Pick<VersionRecord, 'checksums' | 'checksumType' | 'parts'>,
): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [alg, val] of Object.entries(v.checksums)) h[checksumHeader(alg as ChecksumAlgorithm)] = val;
  if (Object.keys(v.checksums).length > 0) h['x-amz-checksum-type'] = v.checksumType ?? 'FULL_OBJECT';
  return h;
}

/** Headers describing an object version on GET/HEAD. */
export function objectHeaders(
  b: BucketState,
  v: VersionRecord,
  withChecksums: boolean,
): Record<string, string> {
  const h: Record<string, string> = {
    etag: v.etag,
    'last-modified': httpDate(v.lastModified),
    'accept-ranges': 'bytes',
    'content-type': v.headers['content-type'] ?? 'binary/octet-stream',
    ...encryptionHeaders(v),
  };
  for (const [k, val] of Object.entries(v.headers)) h[k] = val;
  for (const [k, val] of Object.entries(v.meta)) h[`x-amz-meta-${k}`] = val;
  if (b.record.versioning !== undefined || v.versionId !== 'null') h['x-amz-version-id'] = v.versionId;
  if (v.tags.length > 0) h['x-amz-tagging-count'] = String(v.tags.length);
  if (v.storageClass) h['x-amz-storage-class'] = v.storageClass;
  if (withChecksums) Object.assign(h, checksumHeaders(v));
  return h;
}
