/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject, DeleteObjects,
 * object tagging and ACLs.
 */
import { copyFile, open } from 'node:fs/promises';
import type { BucketState, VersionRecord } from './disk-store.ts';
import { newId } from './disk-store.ts';
import {
  checksumHeaders,
  checkWriteConditions,
  commitVersion,
  encryptionHeaders,
  findVersion,
  normalizeEtag,
  objectHeaders,
  parseCannedAcl,
  readWriteAttributes,
  readWriteConditions,
  removeFile,
  stageBody,
  validateTags,
} from './object-versions.ts';
import { readSmallBody } from './request-body.ts';
import { S3Error } from './s3-error.ts';
import { COPY_SOURCE_SSEC_PREFIX, checkCustomerKey, parseCustomerKey } from './sse-c.ts';
import {
  isoDate,
  needBucket,
  needKey,
  objectLockKey,
  ownerOf,
  type S3Request,
  type S3Response,
  type StoreContext,
} from './store-context.ts';
import { el, parseXmlBody, xmlDoc, xmlList, xmlText, type XmlNode } from './xml.ts';

function versionHeader(b: BucketState, v: VersionRecord): Record<string, string> {
  return b.record.versioning !== undefined || v.versionId !== 'null'
    ? { 'x-amz-version-id': v.versionId }
    : {};
}

/** PutObject. */
export async function putObject(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const attrs = readWriteAttributes(r, b);
  const cond = readWriteConditions(r);
  const staged = await stageBody(ctx, r);
  const blob = await ctx.disk.commitBlob(staged.tmp);
  const v = await commitVersion(
    ctx,
    b,
    key,
    {
      deleteMarker: false,
      lastModified: new Date().toISOString(),
      blob,
      size: staged.info.size,
      etag: `"${staged.info.md5Hex}"`,
      checksums: staged.info.checksums,
      checksumType: 'FULL_OBJECT',
      ...attrs,
    },
    cond,
  );
  return {
    status: 200,
    headers: { etag: v.etag, ...versionHeader(b, v), ...encryptionHeaders(v), ...checksumHeaders(v) },
  };
}

type ReadOutcome = 'ok' | 304 | 412;

/** Evaluates If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since (RFC 7232 order). */
export function evaluateReadConditions(
  get: (h: string) => string | undefined,
  etag: string,
  lastModifiedIso: string,
): ReadOutcome {
  const lm = Math.floor(Date.parse(lastModifiedIso) / 1000) * 1000;
  const matches = (list: string): boolean =>
    list.split(',').some((e) => e.trim() === '*' || normalizeEtag(e) === normalizeEtag(etag));
  const ifMatch = get('if-match');
  const ius = get('if-unmodified-since');
  const ifNoneMatch = get('if-none-match');
  const ims = get('if-modified-since');
  if (ifMatch !== undefined) {
    if (!matches(ifMatch)) return 412;
  } else if (ius !== undefined) {
    const t = Date.parse(ius);
    if (!Number.isNaN(t) && lm > t) return 412;
  }
  if (ifNoneMatch !== undefined) {
    if (matches(ifNoneMatch)) return 304;
  } else if (ims !== undefined) {
    const t = Date.parse(ims);
    if (!Number.isNaN(t) && lm <= t) return 304;
  }
  return 'ok';
}

/** Parses a single `bytes=` range; undefined when absent or not a form S3 honours (then the whole object is sent). */
export function parseRange(
  h: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (h === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(h.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** GetObject and HeadObject. */
export async function getObject(ctx: StoreContext, r: S3Request, head: boolean): Promise<S3Response> {
  // A concurrent overwrite may unlink the blob between lookup and open: look up again then.
  for (let attempt = 0; ; attempt++) {
    try {
      return await getObjectOnce(ctx, r, head);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
    }
  }
}

async function getObjectOnce(ctx: StoreContext, r: S3Request, head: boolean): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const v = findVersion(b, key, r.query.get('versionId'));
  checkCustomerKey(
    v.ssec,
    parseCustomerKey((n) => r.header(n)),
  );
  const outcome = evaluateReadConditions((h) => r.header(h), v.etag, v.lastModified);
  if (outcome === 304) {
    return {
      status: 304,
      headers: {
        etag: v.etag,
        'last-modified': new Date(v.lastModified).toUTCString(),
        ...versionHeader(b, v),
      },
    };
  }
  if (outcome === 412)
    throw new S3Error('PreconditionFailed', undefined, {
      Condition: r.header('if-match') !== undefined ? 'If-Match' : 'If-Unmodified-Since',
    });
  const partNumber = r.query.get('partNumber');
  let rangeHeader = r.header('range');
  let partsCount: number | undefined;
  if (partNumber !== null) {
    const n = Number(partNumber);
    if (!Number.isInteger(n) || n < 1 || n > 10000)
      throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
        ArgumentName: 'partNumber',
        ArgumentValue: partNumber,
      });
    if (rangeHeader !== undefined) {
      throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    }
    if ((v.parts ?? 1) < n)
      throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable');
    if (v.partSizes && v.partSizes.length >= n) {
      // A part of a multipart object is served as the byte range it occupies.
      const start = v.partSizes.slice(0, n - 1).reduce((a, x) => a + x, 0);
      rangeHeader = `bytes=${start}-${start + v.partSizes[n - 1]! - 1}`;
      partsCount = v.partSizes.length;
    }
  }
  const checksumMode = r.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  const range = parseRange(rangeHeader, v.size);
  const headers = objectHeaders(b, v, checksumMode && range === undefined);
  if (partsCount !== undefined) headers['x-amz-mp-parts-count'] = String(partsCount);
  for (const [q, h] of Object.entries(RESPONSE_OVERRIDES)) {
    const val = r.query.get(q);
    if (val === null) continue;
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(val)) {
      throw new S3Error('InvalidArgument', `The value of ${q} is not a valid HTTP header value`, {
        ArgumentName: q,
      });
    }
    headers[h] = val;
  }
  if (range === 'unsatisfiable') {
    throw new S3Error(
      'InvalidRange',
      undefined,
      { RangeRequested: rangeHeader ?? '', ActualObjectSize: String(v.size) },
      { 'content-range': `bytes */${v.size}` },
    );
  }
  const fh = head || v.size === 0 ? undefined : await open(ctx.disk.blobPath(v.blob ?? ''), 'r');
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${v.size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return { status: 206, headers, body: fh ? { fh, start: range.start, end: range.end } : undefined };
  }
  headers['content-length'] = String(v.size);
  return { status: 200, headers, body: fh ? { fh, start: 0, end: v.size - 1 } : undefined };
}

/** Deletes one key (or one version) under the key lock; shared by DeleteObject and DeleteObjects. */
async function deleteOne(
  ctx: StoreContext,
  b: BucketState,
  key: string,
  versionId: string | undefined,
  ifMatch: string | undefined,
): Promise<{ versionId?: string; deleteMarker: boolean }> {
  return ctx.mutex.run(objectLockKey(b.record.name, key), async () => {
    const versions = b.objects.get(key) ?? [];
    if (ifMatch !== undefined) checkWriteConditions(versions[0], { ifMatch }, key);
    if (versionId !== undefined) {
      const idx = versions.findIndex((x) => x.versionId === versionId);
      if (idx < 0) {
        if (versionId !== 'null' && !/^[A-Za-z0-9_.-]{1,64}$/.test(versionId)) {
          throw new S3Error('InvalidArgument', 'Invalid version id specified', {
            ArgumentName: 'versionId',
            ArgumentValue: versionId,
          });
        }
        return { versionId, deleteMarker: false };
      }
      const gone = versions[idx]!;
      await ctx.disk.saveKey(
        b,
        key,
        versions.filter((_, i) => i !== idx),
      );
      if (gone.blob) await ctx.disk.removeBlob(gone.blob);
      return { versionId, deleteMarker: gone.deleteMarker };
    }
    const state = b.record.versioning;
    if (state === undefined) {
      await ctx.disk.saveKey(b, key, []);
      for (const x of versions) if (x.blob) await ctx.disk.removeBlob(x.blob);
      return { deleteMarker: false };
    }
    const marker: VersionRecord = {
      versionId: state === 'Enabled' ? newId(24) : 'null',
      deleteMarker: true,
      lastModified: new Date().toISOString(),
      size: 0,
      etag: '',
      headers: {},
      meta: {},
      checksums: {},
      tags: [],
    };
    const dropped = state === 'Enabled' ? [] : versions.filter((x) => x.versionId === 'null');
    const kept = state === 'Enabled' ? versions : versions.filter((x) => x.versionId !== 'null');
    await ctx.disk.saveKey(b, key, [marker, ...kept]);
    for (const d of dropped) if (d.blob) await ctx.disk.removeBlob(d.blob);
    return { versionId: marker.versionId, deleteMarker: true };
  });
}

/** DeleteObject. */
export async function deleteObject(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const res = await deleteOne(ctx, b, key, r.query.get('versionId') ?? undefined, r.header('if-match'));
  const headers: Record<string, string> = {};
  if (res.versionId !== undefined) headers['x-amz-version-id'] = res.versionId;
  if (res.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return { status: 204, headers };
}

/** DeleteObjects (batch). */
export async function deleteObjects(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  if (
    r.header('content-md5') === undefined &&
    !Object.keys(r.req.headers).some(
      (h) => h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm',
    )
  ) {
    throw new S3Error(
      'InvalidRequest',
      'Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)',
    );
  }
  const doc = parseXmlBody(await readSmallBody(r.req, r.auth), 'Delete');
  const objects = xmlList(doc, 'Object');
  if (objects.length === 0 || objects.length > 1000) throw new S3Error('MalformedXML');
  const quiet = xmlText(doc, 'Quiet') === 'true';
  const out: XmlNode[] = [];
  for (const o of objects) {
    const key = xmlText(o, 'Key');
    if (key === undefined || key === '') throw new S3Error('MalformedXML');
    const versionId = xmlText(o, 'VersionId');
    try {
      const res = await deleteOne(ctx, b, key, versionId, xmlText(o, 'ETag'));
      if (quiet) continue;
      out.push(
        el('Deleted', [
          el('Key', key),
          versionId !== undefined ? el('VersionId', versionId) : undefined,
          res.deleteMarker ? el('DeleteMarker', 'true') : undefined,
          res.deleteMarker && versionId === undefined
            ? el('DeleteMarkerVersionId', res.versionId)
            : undefined,
        ]),
      );
    } catch (e) {
      if (!(e instanceof S3Error)) throw e;
      out.push(
        el('Error', [
          el('Key', key),
          versionId !== undefined ? el('VersionId', versionId) : undefined,
          el('Code', e.code),
          el('Message', e.message),
        ]),
      );
    }
  }
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDoc('DeleteResult', out) };
}

/** Parses `x-amz-copy-source` (`[/]bucket/key[?versionId=…]`, URL-encoded). */
function parseCopySource(v: string): { bucket: string; key: string; versionId?: string } {
  let s = v;
  let versionId: string | undefined;
  const q = s.indexOf('?');
  if (q >= 0) {
    versionId = new URLSearchParams(s.slice(q + 1)).get('versionId') ?? undefined;
    s = s.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', {
      ArgumentName: 'x-amz-copy-source',
    });
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const i = decoded.indexOf('/');
  if (i <= 0 || i === decoded.length - 1) {
    throw new S3Error(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      { ArgumentName: 'x-amz-copy-source', ArgumentValue: v },
    );
  }
  return {
    bucket: decoded.slice(0, i),
    key: decoded.slice(i + 1),
    ...(versionId !== undefined ? { versionId } : {}),
  };
}

/** Resolves and checks the source of CopyObject / UploadPartCopy. */
export function copySourceVersion(
  ctx: StoreContext,
  r: S3Request,
): { bucket: BucketState; key: string; version: VersionRecord } {
  const src = parseCopySource(r.header('x-amz-copy-source') ?? '');
  const sb = ctx.disk.buckets.get(src.bucket);
  if (!sb) throw new S3Error('NoSuchBucket', undefined, { BucketName: src.bucket });
  const version = findVersion(sb, src.key, src.versionId ?? null);
  checkCustomerKey(
    version.ssec,
    parseCustomerKey((n) => r.header(n), COPY_SOURCE_SSEC_PREFIX),
  );
  const outcome = evaluateReadConditions(
    (h) => r.header(`x-amz-copy-source-${h}`),
    version.etag,
    version.lastModified,
  );
  if (outcome !== 'ok')
    throw new S3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-*' });
  return { bucket: sb, key: src.key, version };
}

/** CopyObject. */
export async function copyObject(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const src = copySourceVersion(ctx, r);
  const directive = (r.header('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  const tagDirective = (r.header('x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (!['COPY', 'REPLACE'].includes(directive))
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
      ArgumentName: 'x-amz-metadata-directive',
    });
  if (!['COPY', 'REPLACE'].includes(tagDirective))
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', {
      ArgumentName: 'x-amz-tagging-directive',
    });
  const attrs = readWriteAttributes(r, b);
  const changesEncryption =
    r.header('x-amz-server-side-encryption') !== undefined ||
    r.header('x-amz-server-side-encryption-customer-algorithm') !== undefined;
  if (
    src.bucket === b &&
    src.key === key &&
    directive === 'COPY' &&
    !changesEncryption &&
    r.header('x-amz-storage-class') === undefined &&
    r.header('x-amz-website-redirect-location') === undefined
  ) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const cond = readWriteConditions(r);
  const tmp = ctx.disk.tempPath();
  try {
    await copyFile(ctx.disk.blobPath(src.version.blob ?? ''), tmp);
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
  } catch (e) {
    await removeFile(tmp);
    throw e;
  }
  const blob = await ctx.disk.commitBlob(tmp);
  const sv = src.version;
  const v = await commitVersion(
    ctx,
    b,
    key,
    {
      deleteMarker: false,
      lastModified: new Date().toISOString(),
      blob,
      size: sv.size,
      etag: sv.etag,
      checksums: sv.checksums,
      ...(sv.checksumType ? { checksumType: sv.checksumType } : {}),
      ...(sv.parts !== undefined ? { parts: sv.parts } : {}),
      ...(sv.partSizes !== undefined ? { partSizes: sv.partSizes } : {}),
      headers: directive === 'REPLACE' ? attrs.headers : sv.headers,
      meta: directive === 'REPLACE' ? attrs.meta : sv.meta,
      tags: tagDirective === 'REPLACE' ? attrs.tags : sv.tags,
      ...(attrs.sse ? { sse: attrs.sse } : {}),
      ...(attrs.ssec ? { ssec: attrs.ssec } : {}),
      ...(attrs.acl !== undefined ? { acl: attrs.acl } : {}),
      ...(attrs.storageClass !== undefined ? { storageClass: attrs.storageClass } : {}),
    },
    cond,
  );
  const headers: Record<string, string> = {
    'content-type': 'application/xml',
    ...versionHeader(b, v),
    ...encryptionHeaders(v),
  };
  if (src.version.versionId !== 'null' || src.bucket.record.versioning !== undefined)
    headers['x-amz-copy-source-version-id'] = src.version.versionId;
  const sums = Object.entries(v.checksums).map(([alg, val]) => el(`Checksum${alg}`, val));
  return {
    status: 200,
    headers,
    body: xmlDoc('CopyObjectResult', [
      el('ETag', v.etag),
      el('LastModified', isoDate(v.lastModified)),
      sums.length ? el('ChecksumType', v.checksumType ?? 'FULL_OBJECT') : undefined,
      ...sums,
    ]),
  };
}

/** Updates one version's attributes (tags, ACL) under the key lock. */
async function updateVersion(
  ctx: StoreContext,
  b: BucketState,
  key: string,
  versionId: string | null,
  change: (v: VersionRecord) => VersionRecord,
): Promise<VersionRecord> {
  return ctx.mutex.run(objectLockKey(b.record.name, key), async () => {
    const v = findVersion(b, key, versionId);
    const versions = b.objects.get(key) ?? [];
    const nv = change(v);
    await ctx.disk.saveKey(
      b,
      key,
      versions.map((x) => (x === v ? nv : x)),
    );
    return nv;
  });
}

/** PutObjectTagging. */
export async function putObjectTagging(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const key = needKey(r);
  const doc = parseXmlBody(await readSmallBody(r.req, r.auth), 'Tagging');
  const tagSet = doc.TagSet;
  const tags: [string, string][] = xmlList(tagSet, 'Tag').map((t) => [
    xmlText(t, 'Key') ?? '',
    xmlText(t, 'Value') ?? '',
  ]);
  validateTags(tags);
  const v = await updateVersion(ctx, b, key, r.query.get('versionId'), (x) => ({ ...x, tags }));
  return { status: 200, headers: versionHeader(b, v) };
}

/** GetObjectTagging. */
export async function getObjectTagging(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const v = findVersion(b, needKey(r), r.query.get('versionId'));
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', ...versionHeader(b, v) },
    body: xmlDoc(
      'Tagging',
      el(
        'TagSet',
        v.tags.map(([k, val]) => el('Tag', [el('Key', k), el('Value', val)])),
      ),
    ),
  };
}

/** DeleteObjectTagging. */
export async function deleteObjectTagging(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const v = await updateVersion(ctx, b, needKey(r), r.query.get('versionId'), (x) => ({ ...x, tags: [] }));
  return { status: 204, headers: versionHeader(b, v) };
}

/** An ACL document for a canned ACL: the owner's FULL_CONTROL plus the canned grants. */
export function aclDocument(r: S3Request, canned: string | undefined): string {
  const o = ownerOf(r);
  const owner = el('Owner', [el('ID', o.id), el('DisplayName', o.name)]);
  const grant = (grantee: string, perm: string): string =>
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${grantee}</Grantee><Permission>${perm}</Permission></Grant>`;
  const grants = [
    grant(`xsi:type="CanonicalUser"><ID>${o.id}</ID><DisplayName>${o.name}</DisplayName>`, 'FULL_CONTROL'),
  ];
  const group = (uri: string): string => `xsi:type="Group"><URI>${uri}</URI>`;
  if (canned === 'public-read' || canned === 'public-read-write')
    grants.push(grant(group('http://acs.amazonaws.com/groups/global/AllUsers'), 'READ'));
  if (canned === 'public-read-write')
    grants.push(grant(group('http://acs.amazonaws.com/groups/global/AllUsers'), 'WRITE'));
  if (canned === 'authenticated-read')
    grants.push(grant(group('http://acs.amazonaws.com/groups/global/AuthenticatedUsers'), 'READ'));
  const head = xmlDoc('AccessControlPolicy', owner);
  return head.replace(
    '</AccessControlPolicy>',
    `<AccessControlList>${grants.join('')}</AccessControlList></AccessControlPolicy>`,
  );
}

/** GetObjectAcl (minimal: owner and canned grants). */
export async function getObjectAcl(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const v = findVersion(b, needKey(r), r.query.get('versionId'));
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', ...versionHeader(b, v) },
    body: aclDocument(r, v.acl),
  };
}

/** PutObjectAcl (canned ACL header only; a body is accepted and ignored). */
export async function putObjectAcl(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const acl = parseCannedAcl(r.header('x-amz-acl')) ?? 'private';
  await readSmallBody(r.req, r.auth);
  const v = await updateVersion(ctx, b, needKey(r), r.query.get('versionId'), (x) => ({ ...x, acl }));
  return { status: 200, headers: versionHeader(b, v) };
}
