/**
 * Listing operations: ListObjectsV2, ListObjects (v1) and ListObjectVersions, with prefix,
 * delimiter, markers, continuation tokens, max-keys and `encoding-type=url`.
 */
import type { BucketState, VersionRecord } from './disk-store.ts';
import { S3Error } from './s3-error.ts';
import {
  isoDate,
  needBucket,
  ownerOf,
  type S3Request,
  type S3Response,
  type StoreContext,
} from './store-context.ts';
import { uriEncode } from '../aws/sigv4.ts';
import { el, xmlDoc, type XmlNode } from './xml.ts';

/** Compares keys by UTF-8 bytes (S3's order). */
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function maxKeysOf(r: S3Request, name = 'max-keys'): number {
  const v = r.query.get(name);
  if (v === null) return 1000;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: v,
    });
  }
  return Math.min(n, 1000);
}

function encodingOf(r: S3Request): ((s: string) => string) | undefined {
  const e = r.query.get('encoding-type');
  if (e === null) return undefined;
  if (e !== 'url')
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: e,
    });
  return (s) => uriEncode(s, false);
}

/** One entry of a listing walk: a key or a common prefix. */
type Entry = { kind: 'key'; key: string } | { kind: 'prefix'; prefix: string };

/**
 * Walks keys in order after `marker`, grouping by delimiter, until `max` entries are collected.
 * `includeKey` decides whether a key is listed at all (e.g. current version not a delete marker).
 */
function walk(
  keys: string[],
  opts: {
    prefix: string;
    delimiter: string;
    marker: string;
    max: number;
    includeKey: (k: string) => boolean;
  },
): { entries: Entry[]; truncated: boolean } {
  const entries: Entry[] = [];
  let lastPrefix: string | undefined;
  // Binary search the first key > marker.
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(keys[mid]!, opts.marker) <= 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < keys.length; i++) {
    const k = keys[i]!;
    if (!k.startsWith(opts.prefix)) {
      if (cmp(k, opts.prefix) > 0 && opts.prefix !== '') break;
      continue;
    }
    if (!opts.includeKey(k)) continue;
    let entry: Entry = { kind: 'key', key: k };
    if (opts.delimiter !== '') {
      const j = k.indexOf(opts.delimiter, opts.prefix.length);
      if (j >= 0) {
        const p = k.slice(0, j + opts.delimiter.length);
        if (p === lastPrefix) continue;
        // A marker inside this common prefix means the prefix was already returned.
        if (opts.marker.startsWith(p)) continue;
        entry = { kind: 'prefix', prefix: p };
      }
    }
    if (entries.length >= opts.max) return { entries, truncated: true };
    entries.push(entry);
    if (entry.kind === 'prefix') lastPrefix = entry.prefix;
  }
  return { entries, truncated: false };
}

function current(b: BucketState, k: string): VersionRecord | undefined {
  const v = b.objects.get(k)?.[0];
  return v && !v.deleteMarker ? v : undefined;
}

function contentsOf(
  r: S3Request,
  v: VersionRecord,
  key: string,
  enc: (s: string) => string,
  withOwner: boolean,
): XmlNode {
  const o = ownerOf(r);
  const algs = Object.keys(v.checksums);
  return el('Contents', [
    el('Key', enc(key)),
    el('LastModified', isoDate(v.lastModified)),
    el('ETag', v.etag),
    algs.map((a) => el('ChecksumAlgorithm', a)),
    algs.length > 0 ? el('ChecksumType', v.checksumType ?? 'FULL_OBJECT') : undefined,
    el('Size', v.size),
    el('StorageClass', v.storageClass ?? 'STANDARD'),
    withOwner ? el('Owner', [el('ID', o.id), el('DisplayName', o.name)]) : undefined,
  ]);
}

/** ListObjectsV2 and ListObjects (v1). */
export async function listObjects(ctx: StoreContext, r: S3Request, v2: boolean): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') ?? '';
  const max = maxKeysOf(r);
  const encFn = encodingOf(r);
  const enc = encFn ?? ((s: string) => s);
  let marker = '';
  const token = r.query.get('continuation-token');
  const startAfter = r.query.get('start-after');
  if (v2) {
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('k:'))
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
          ArgumentName: 'continuation-token',
        });
      marker = decoded.slice(2);
    } else if (startAfter !== null) marker = startAfter;
  } else marker = r.query.get('marker') ?? '';
  const { entries, truncated } = walk(ctx.disk.sortedKeys(b), {
    prefix,
    delimiter,
    marker,
    max,
    includeKey: (k) => current(b, k) !== undefined,
  });
  const withOwner = v2 ? r.query.get('fetch-owner') === 'true' : true;
  const last = entries[entries.length - 1];
  const lastName = last ? (last.kind === 'key' ? last.key : last.prefix) : '';
  const contents = entries.flatMap((e) =>
    e.kind === 'key' ? [contentsOf(r, current(b, e.key)!, e.key, enc, withOwner)] : [],
  );
  const prefixes = entries.flatMap((e) =>
    e.kind === 'prefix' ? [el('CommonPrefixes', el('Prefix', enc(e.prefix)))] : [],
  );
  const body: XmlNode[] = [el('Name', b.record.name), el('Prefix', enc(prefix))];
  if (v2) {
    if (startAfter !== null) body.push(el('StartAfter', enc(startAfter)));
    if (token !== null) body.push(el('ContinuationToken', token));
    body.push(el('KeyCount', entries.length), el('MaxKeys', max));
    if (delimiter !== '') body.push(el('Delimiter', enc(delimiter)));
    if (encFn) body.push(el('EncodingType', 'url'));
    body.push(el('IsTruncated', truncated));
    if (truncated)
      body.push(el('NextContinuationToken', Buffer.from('k:' + lastName, 'utf8').toString('base64url')));
  } else {
    body.push(el('Marker', enc(marker)), el('MaxKeys', max));
    if (delimiter !== '') body.push(el('Delimiter', enc(delimiter)));
    if (encFn) body.push(el('EncodingType', 'url'));
    body.push(el('IsTruncated', truncated));
    if (truncated && delimiter !== '') body.push(el('NextMarker', enc(lastName)));
  }
  body.push(...contents, ...prefixes);
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDoc('ListBucketResult', body),
  };
}

/** ListObjectVersions, paginated by key-marker / version-id-marker. */
export async function listObjectVersions(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') ?? '';
  const max = maxKeysOf(r);
  const encFn = encodingOf(r);
  const enc = encFn ?? ((s: string) => s);
  const keyMarker = r.query.get('key-marker') ?? '';
  const versionIdMarker = r.query.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', {
      ArgumentName: 'version-id-marker',
    });
  }
  const keys = ctx.disk.sortedKeys(b);
  const o = ownerOf(r);
  const items: XmlNode[] = [];
  const prefixes: XmlNode[] = [];
  let count = 0;
  let truncated = false;
  let nextKey = '';
  let nextVersion = '';
  let lastPrefix: string | undefined;
  // Versions of the marker key after the version-id marker come first.
  const startIdx = keys.findIndex((k) =>
    versionIdMarker !== '' ? cmp(k, keyMarker) >= 0 : cmp(k, keyMarker) > 0,
  );
  outer: for (let i = startIdx < 0 ? keys.length : startIdx; i < keys.length; i++) {
    const k = keys[i]!;
    if (!k.startsWith(prefix)) continue;
    if (delimiter !== '') {
      const j = k.indexOf(delimiter, prefix.length);
      if (j >= 0) {
        const p = k.slice(0, j + delimiter.length);
        if (p === lastPrefix || keyMarker.startsWith(p)) continue;
        if (count >= max) {
          truncated = true;
          break;
        }
        prefixes.push(el('CommonPrefixes', el('Prefix', enc(p))));
        lastPrefix = p;
        nextKey = p;
        nextVersion = '';
        count++;
        continue;
      }
    }
    const versions = b.objects.get(k) ?? [];
    let vi = 0;
    if (k === keyMarker && versionIdMarker !== '') {
      const m = versions.findIndex((v) => v.versionId === versionIdMarker);
      if (m < 0) continue;
      vi = m + 1;
    }
    for (; vi < versions.length; vi++) {
      const v = versions[vi]!;
      if (count >= max) {
        truncated = true;
        break outer;
      }
      const common = [
        el('Key', enc(k)),
        el('VersionId', v.versionId),
        el('IsLatest', vi === 0),
        el('LastModified', isoDate(v.lastModified)),
      ];
      const owner = el('Owner', [el('ID', o.id), el('DisplayName', o.name)]);
      if (v.deleteMarker) items.push(el('DeleteMarker', [...common, owner]));
      else {
        const algs = Object.keys(v.checksums);
        items.push(
          el('Version', [
            ...common,
            el('ETag', v.etag),
            algs.map((a) => el('ChecksumAlgorithm', a)),
            algs.length > 0 ? el('ChecksumType', v.checksumType ?? 'FULL_OBJECT') : undefined,
            el('Size', v.size),
            el('StorageClass', v.storageClass ?? 'STANDARD'),
            owner,
          ]),
        );
      }
      nextKey = k;
      nextVersion = v.versionId;
      count++;
    }
  }
  const body: XmlNode[] = [
    el('Name', b.record.name),
    el('Prefix', enc(prefix)),
    el('KeyMarker', enc(keyMarker)),
    el('VersionIdMarker', versionIdMarker),
    truncated ? el('NextKeyMarker', enc(nextKey)) : undefined,
    truncated && nextVersion !== '' ? el('NextVersionIdMarker', nextVersion) : undefined,
    el('MaxKeys', max),
    delimiter !== '' ? el('Delimiter', enc(delimiter)) : undefined,
    encFn ? el('EncodingType', 'url') : undefined,
    el('IsTruncated', truncated),
    ...items,
    ...prefixes,
  ];
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDoc('ListVersionsResult', body),
  };
}
