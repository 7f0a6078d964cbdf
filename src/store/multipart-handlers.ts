/**
 * Multipart upload: create, upload part (and part copy), complete, abort, list parts, list uploads.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checksumHeader,
  createHasher,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
  type Hasher,
} from './checksums.ts';
import type { PartRecord, UploadRecord } from './disk-store.ts';
import { newId } from './disk-store.ts';
import { copySourceVersion } from './object-handlers.ts';
import {
  checkWriteConditions,
  commitVersion,
  encryptionHeaders,
  normalizeEtag,
  readWriteAttributes,
  readWriteConditions,
  removeFile,
  stageBody,
} from './object-versions.ts';
import { readSmallBody } from './request-body.ts';
import { S3Error } from './s3-error.ts';
import { checkCustomerKey, parseCustomerKey } from './sse-c.ts';
import {
  isoDate,
  needBucket,
  needKey,
  ownerOf,
  type S3Request,
  type S3Response,
  type StoreContext,
} from './store-context.ts';
import { el, parseXmlBody, xmlDoc, xmlList, xmlText, type XmlNode } from './xml.ts';

const XML = { 'content-type': 'application/xml' };
/** Smallest part size except for the last part (5 MiB). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** What a completed upload answered, kept so that a retried Complete gets the same answer. */
interface CompletedUpload {
  bucket: string;
  key: string;
  /** `partNumber:md5hex` of each listed part, in order. */
  parts: string;
  response: S3Response;
}

/** How many completed uploads each store remembers for retried Completes. */
const COMPLETED_KEPT = 1000;
const completedByStore = new WeakMap<StoreContext, Map<string, CompletedUpload>>();

function completedUploads(ctx: StoreContext): Map<string, CompletedUpload> {
  let m = completedByStore.get(ctx);
  if (!m) {
    m = new Map();
    completedByStore.set(ctx, m);
  }
  return m;
}

function rememberCompleted(ctx: StoreContext, uploadId: string, done: CompletedUpload): void {
  const m = completedUploads(ctx);
  m.set(uploadId, done);
  while (m.size > COMPLETED_KEPT) m.delete(m.keys().next().value!);
}

/** The listed parts of a Complete body as `partNumber:md5hex` (for comparing a retry with the original). */
function partsSignature(listed: unknown[]): string {
  return listed
    .map((p) => `${xmlText(p, 'PartNumber') ?? ''}:${normalizeEtag(xmlText(p, 'ETag') ?? '')}`)
    .join(',');
}

function needUpload(ctx: StoreContext, r: S3Request): UploadRecord {
  const id = r.query.get('uploadId') ?? '';
  const u = ctx.disk.uploads.get(id);
  if (!u || u.bucket !== r.bucket || u.key !== r.key)
    throw new S3Error('NoSuchUpload', undefined, { UploadId: id });
  return u;
}

function partNumberOf(r: S3Request): number {
  const v = r.query.get('partNumber') ?? '';
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: v,
    });
  }
  return n;
}

/** CreateMultipartUpload. */
export async function createMultipartUpload(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const attrs = readWriteAttributes(r, b);
  const algName = r.header('x-amz-checksum-algorithm');
  const alg = algName === undefined ? undefined : parseChecksumAlgorithm(algName);
  if (algName !== undefined && !alg)
    throw new S3Error('InvalidRequest', `Checksum algorithm '${algName}' is not supported`);
  const typeName = r.header('x-amz-checksum-type')?.toUpperCase();
  if (typeName !== undefined && typeName !== 'COMPOSITE' && typeName !== 'FULL_OBJECT') {
    throw new S3Error('InvalidRequest', `Checksum type '${typeName}' is not supported`);
  }
  const u: UploadRecord = {
    uploadId: newId(24),
    bucket: b.record.name,
    key,
    initiated: new Date().toISOString(),
    ...attrs,
    parts: {},
  };
  if (alg) {
    u.checksumAlgorithm = alg;
    u.checksumType = typeName ?? (alg === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
    if (u.checksumType === 'FULL_OBJECT' && (alg === 'SHA1' || alg === 'SHA256')) {
      throw new S3Error(
        'InvalidRequest',
        `The FULL_OBJECT checksum type cannot be used with the ${alg} algorithm.`,
      );
    }
  }
  await ctx.disk.saveUpload(u);
  const headers: Record<string, string> = { ...XML, ...encryptionHeaders(u) };
  if (u.checksumAlgorithm) {
    headers['x-amz-checksum-algorithm'] = u.checksumAlgorithm;
    headers['x-amz-checksum-type'] = u.checksumType ?? 'COMPOSITE';
  }
  return {
    status: 200,
    headers,
    body: xmlDoc('InitiateMultipartUploadResult', [
      el('Bucket', u.bucket),
      el('Key', u.key),
      el('UploadId', u.uploadId),
    ]),
  };
}

/** Stores a part file for an upload and records it (replacing an earlier part of the same number). */
async function recordPart(
  ctx: StoreContext,
  u: UploadRecord,
  part: Omit<PartRecord, 'file'>,
  tmp: string,
): Promise<PartRecord> {
  return ctx.mutex.run(`upload\u0000${u.uploadId}`, async () => {
    if (ctx.disk.uploads.get(u.uploadId) !== u) {
      await removeFile(tmp);
      throw new S3Error('NoSuchUpload', undefined, { UploadId: u.uploadId });
    }
    const file = `part-${part.partNumber}-${newId(9)}`;
    const dir = ctx.disk.uploadDir(u.uploadId);
    await rename(tmp, join(dir, file));
    const old = u.parts[String(part.partNumber)];
    const rec: PartRecord = { ...part, file };
    u.parts[String(part.partNumber)] = rec;
    await ctx.disk.saveUpload(u);
    if (old) await removeFile(join(dir, old.file));
    return rec;
  });
}

function checkUploadKey(u: UploadRecord, r: S3Request): void {
  const given = parseCustomerKey((n) => r.header(n));
  if (u.ssec) {
    if (!given)
      throw new S3Error(
        'InvalidRequest',
        'The multipart upload was initiated with SSE-C; each part must supply the same customer key.',
      );
    checkCustomerKey(u.ssec, given);
  } else if (given) {
    throw new S3Error(
      'InvalidRequest',
      'The multipart upload was not initiated with SSE-C; the customer key headers are not applicable.',
    );
  }
}

function partChecksumHeaders(p: PartRecord): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [alg, val] of Object.entries(p.checksums)) h[checksumHeader(alg as ChecksumAlgorithm)] = val;
  return h;
}

/** UploadPart. */
export async function uploadPart(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  needBucket(ctx, r);
  const u = needUpload(ctx, r);
  const n = partNumberOf(r);
  checkUploadKey(u, r);
  const staged = await stageBody(ctx, r, u.checksumAlgorithm);
  if (u.checksumAlgorithm && staged.info.checksums[u.checksumAlgorithm] === undefined) {
    await removeFile(staged.tmp);
    throw new S3Error(
      'InvalidRequest',
      `The upload was initiated with ${u.checksumAlgorithm} checksums; the part's checksum does not use it.`,
    );
  }
  const part = await recordPart(
    ctx,
    u,
    {
      partNumber: n,
      etag: `"${staged.info.md5Hex}"`,
      size: staged.info.size,
      lastModified: new Date().toISOString(),
      checksums: staged.info.checksums,
    },
    staged.tmp,
  );
  return {
    status: 200,
    // The part's own checksum headers; S3 names no checksum type on a part.
    headers: { etag: part.etag, ...encryptionHeaders(u), ...partChecksumHeaders(part) },
  };
}

/** UploadPartCopy (with optional `x-amz-copy-source-range`). */
export async function uploadPartCopy(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  needBucket(ctx, r);
  const u = needUpload(ctx, r);
  const n = partNumberOf(r);
  checkUploadKey(u, r);
  const src = copySourceVersion(ctx, r);
  let start = 0;
  let end = src.version.size - 1;
  const rangeH = r.header('x-amz-copy-source-range');
  if (rangeH !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeH.trim());
    if (!m || Number(m[2]) < Number(m[1]) || Number(m[2]) >= src.version.size) {
      throw new S3Error(
        'InvalidArgument',
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: rangeH },
      );
    }
    start = Number(m[1]);
    end = Number(m[2]);
  }
  const tmp = ctx.disk.tempPath();
  const md5 = createHash('md5');
  const hasher = u.checksumAlgorithm ? createHasher(u.checksumAlgorithm) : undefined;
  const fh = await open(tmp, 'w');
  let size = 0;
  try {
    if (end >= start) {
      for await (const chunk of createReadStream(ctx.disk.blobPath(src.version.blob ?? ''), {
        start,
        end,
      }) as AsyncIterable<Buffer>) {
        md5.update(chunk);
        hasher?.update(chunk);
        await fh.write(chunk, 0, chunk.length, size);
        size += chunk.length;
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  const checksums: PartRecord['checksums'] = {};
  if (hasher && u.checksumAlgorithm) checksums[u.checksumAlgorithm] = hasher.digest().toString('base64');
  const part = await recordPart(
    ctx,
    u,
    {
      partNumber: n,
      etag: `"${md5.digest('hex')}"`,
      size,
      lastModified: new Date().toISOString(),
      checksums,
    },
    tmp,
  );
  return {
    status: 200,
    headers: { ...XML, ...encryptionHeaders(u) },
    body: xmlDoc('CopyPartResult', [
      el('ETag', part.etag),
      el('LastModified', isoDate(part.lastModified)),
      ...Object.entries(checksums).map(([a, v]) => el(`Checksum${a}`, v)),
    ]),
  };
}

/** CompleteMultipartUpload. */
export async function completeMultipartUpload(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const body = await readSmallBody(r.req, r.auth);
  const uploadId = r.query.get('uploadId') ?? '';
  const done = ctx.disk.uploads.has(uploadId) ? undefined : completedUploads(ctx).get(uploadId);
  if (done && done.bucket === b.record.name && done.key === key) {
    // S3 answers a retried Complete (e.g. after a lost response) of an upload it already completed
    // with the same result, when the retry lists the same parts.
    const again = xmlList(parseXmlBody(body, 'CompleteMultipartUpload'), 'Part');
    if (partsSignature(again) === done.parts)
      return { ...done.response, headers: { ...done.response.headers } };
  }
  const u = needUpload(ctx, r);
  const cond = readWriteConditions(r);
  const doc = parseXmlBody(body, 'CompleteMultipartUpload');
  const listed = xmlList(doc, 'Part');
  if (listed.length === 0) throw new S3Error('MalformedXML', 'You must specify at least one part');
  const parts: PartRecord[] = [];
  let prev = 0;
  for (const p of listed) {
    const n = Number(xmlText(p, 'PartNumber'));
    if (!Number.isInteger(n)) throw new S3Error('MalformedXML');
    if (n <= prev) throw new S3Error('InvalidPartOrder', undefined, { UploadId: u.uploadId });
    prev = n;
    const rec = u.parts[String(n)];
    const etag = xmlText(p, 'ETag') ?? '';
    if (!rec || normalizeEtag(etag) !== normalizeEtag(rec.etag)) {
      throw new S3Error('InvalidPart', undefined, {
        UploadId: u.uploadId,
        PartNumber: String(n),
        ETag: etag,
      });
    }
    for (const [alg, val] of Object.entries(rec.checksums)) {
      const sent = xmlText(p, `Checksum${alg}`);
      if (sent !== undefined && sent !== val) {
        throw new S3Error(
          'InvalidPart',
          `The ${alg} checksum of part ${n} does not match the uploaded part`,
          { UploadId: u.uploadId, PartNumber: String(n) },
        );
      }
    }
    parts.push(rec);
  }
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i]!.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', undefined, {
        ProposedSize: String(parts[i]!.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(parts[i]!.partNumber),
      });
    }
  }
  // Fail fast on the write conditions before concatenating (they are checked again at commit).
  checkWriteConditions(b.objects.get(key)?.[0], cond, key);

  // Concatenate the parts into one blob, computing full-object checksums on the way.
  const full = new Map<ChecksumAlgorithm, Hasher>();
  const alg = u.checksumAlgorithm;
  if (alg && u.checksumType === 'FULL_OBJECT') full.set(alg, createHasher(alg));
  if (!alg) full.set('CRC64NVME', createHasher('CRC64NVME'));
  const tmp = ctx.disk.tempPath();
  const fh = await open(tmp, 'w');
  let size = 0;
  try {
    for (const p of parts) {
      for await (const chunk of createReadStream(
        join(ctx.disk.uploadDir(u.uploadId), p.file),
      ) as AsyncIterable<Buffer>) {
        for (const h of full.values()) h.update(chunk);
        await fh.write(chunk, 0, chunk.length, size);
        size += chunk.length;
      }
    }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await removeFile(tmp);
    throw e;
  }
  await fh.close();
  const md5s = Buffer.concat(parts.map((p) => Buffer.from(normalizeEtag(p.etag), 'hex')));
  const etag = `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`;
  const checksums: PartRecord['checksums'] = {};
  let checksumType: 'FULL_OBJECT' | 'COMPOSITE' = 'FULL_OBJECT';
  for (const [a, h] of full) checksums[a] = h.digest().toString('base64');
  if (alg && u.checksumType !== 'FULL_OBJECT') {
    const h = createHasher(alg);
    for (const p of parts) h.update(Buffer.from(p.checksums[alg] ?? '', 'base64'));
    checksums[alg] = `${h.digest().toString('base64')}-${parts.length}`;
    checksumType = 'COMPOSITE';
  }
  if (alg && u.checksumType === 'FULL_OBJECT') {
    const sent = r.header(checksumHeader(alg));
    if (sent !== undefined && sent !== checksums[alg]) {
      await removeFile(tmp);
      throw new S3Error(
        'BadDigest',
        `The ${alg} you specified for the full object did not match the calculated checksum.`,
      );
    }
  }
  const blob = await ctx.disk.commitBlob(tmp);
  const v = await ctx.mutex.run(`upload\u0000${u.uploadId}`, async () => {
    if (ctx.disk.uploads.get(u.uploadId) !== u) {
      await ctx.disk.removeBlob(blob);
      throw new S3Error('NoSuchUpload', undefined, { UploadId: u.uploadId });
    }
    const committed = await commitVersion(
      ctx,
      b,
      key,
      {
        deleteMarker: false,
        lastModified: new Date().toISOString(),
        blob,
        size,
        etag,
        checksums,
        checksumType,
        parts: parts.length,
        partSizes: parts.map((p) => p.size),
        headers: u.headers,
        meta: u.meta,
        tags: u.tags,
        ...(u.sse ? { sse: u.sse } : {}),
        ...(u.ssec ? { ssec: u.ssec } : {}),
        ...(u.acl !== undefined ? { acl: u.acl } : {}),
        ...(u.storageClass !== undefined ? { storageClass: u.storageClass } : {}),
      },
      cond,
    );
    await ctx.disk.removeUpload(u.uploadId);
    return committed;
  });
  const headers: Record<string, string> = { ...XML, ...encryptionHeaders(v) };
  if (b.record.versioning !== undefined) headers['x-amz-version-id'] = v.versionId;
  const response: S3Response = {
    status: 200,
    headers,
    body: xmlDoc('CompleteMultipartUploadResult', [
      el('Location', `/${b.record.name}/${key}`),
      el('Bucket', b.record.name),
      el('Key', key),
      el('ETag', etag),
      ...Object.entries(checksums).map(([a, val]) => el(`Checksum${a}`, val)),
      Object.keys(checksums).length > 0 ? el('ChecksumType', checksumType) : undefined,
    ]),
  };
  rememberCompleted(ctx, u.uploadId, {
    bucket: b.record.name,
    key,
    parts: partsSignature(listed),
    response,
  });
  return response;
}

/** AbortMultipartUpload. */
export async function abortMultipartUpload(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  needBucket(ctx, r);
  const u = needUpload(ctx, r);
  await ctx.mutex.run(`upload\u0000${u.uploadId}`, () => ctx.disk.removeUpload(u.uploadId));
  return { status: 204, headers: {} };
}

/** ListParts. */
export async function listParts(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  needBucket(ctx, r);
  const u = needUpload(ctx, r);
  const maxParts = Math.min(Number(r.query.get('max-parts') ?? '1000') || 1000, 1000);
  const marker = Number(r.query.get('part-number-marker') ?? '0') || 0;
  const all = Object.values(u.parts)
    .filter((p) => p.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const o = ownerOf(r);
  const body: XmlNode[] = [
    el('Bucket', u.bucket),
    el('Key', u.key),
    el('UploadId', u.uploadId),
    el('Initiator', [el('ID', o.id), el('DisplayName', o.name)]),
    el('Owner', [el('ID', o.id), el('DisplayName', o.name)]),
    el('StorageClass', u.storageClass ?? 'STANDARD'),
    el('PartNumberMarker', marker),
    el('NextPartNumberMarker', page[page.length - 1]?.partNumber ?? 0),
    el('MaxParts', maxParts),
    el('IsTruncated', truncated),
    u.checksumAlgorithm ? el('ChecksumAlgorithm', u.checksumAlgorithm) : undefined,
    u.checksumType ? el('ChecksumType', u.checksumType) : undefined,
    ...page.map((p) =>
      el('Part', [
        el('PartNumber', p.partNumber),
        el('LastModified', isoDate(p.lastModified)),
        el('ETag', p.etag),
        el('Size', p.size),
        ...Object.entries(p.checksums).map(([a, v]) => el(`Checksum${a}`, v)),
      ]),
    ),
  ];
  return { status: 200, headers: XML, body: xmlDoc('ListPartsResult', body) };
}

/** ListMultipartUploads. */
export async function listMultipartUploads(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const prefix = r.query.get('prefix') ?? '';
  const keyMarker = r.query.get('key-marker') ?? '';
  const idMarker = r.query.get('upload-id-marker') ?? '';
  const max = Math.min(Number(r.query.get('max-uploads') ?? '1000') || 1000, 1000);
  const all = [...ctx.disk.uploads.values()]
    .filter((u) => u.bucket === b.record.name && u.key.startsWith(prefix))
    .sort(
      (x, y) =>
        Buffer.compare(Buffer.from(x.key), Buffer.from(y.key)) ||
        x.initiated.localeCompare(y.initiated) ||
        x.uploadId.localeCompare(y.uploadId),
    )
    .filter((u) => {
      if (keyMarker === '') return true;
      const c = Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker));
      if (c > 0) return true;
      if (c < 0 || idMarker === '') return false;
      return u.uploadId > idMarker;
    });
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const o = ownerOf(r);
  const last = page[page.length - 1];
  const body: XmlNode[] = [
    el('Bucket', b.record.name),
    el('KeyMarker', keyMarker),
    el('UploadIdMarker', idMarker),
    truncated && last ? el('NextKeyMarker', last.key) : undefined,
    truncated && last ? el('NextUploadIdMarker', last.uploadId) : undefined,
    el('Prefix', prefix),
    el('MaxUploads', max),
    el('IsTruncated', truncated),
    ...page.map((u) =>
      el('Upload', [
        el('Key', u.key),
        el('UploadId', u.uploadId),
        el('Initiator', [el('ID', o.id), el('DisplayName', o.name)]),
        el('Owner', [el('ID', o.id), el('DisplayName', o.name)]),
        el('StorageClass', u.storageClass ?? 'STANDARD'),
        el('Initiated', isoDate(u.initiated)),
        u.checksumAlgorithm ? el('ChecksumAlgorithm', u.checksumAlgorithm) : undefined,
      ]),
    ),
  ];
  return { status: 200, headers: XML, body: xmlDoc('ListMultipartUploadsResult', body) };
}
