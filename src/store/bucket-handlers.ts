/**
 * Bucket operations: create, head, delete, list, location, versioning, and stored settings
 * (encryption, public access block, policy, tagging, ownership controls, lifecycle, CORS, ACL).
 */
import type { BucketRecord } from './disk-store.ts';
import { aclDocument } from './object-handlers.ts';
import { parseCannedAcl } from './object-versions.ts';
import { readSmallBody } from './request-body.ts';
import { S3Error } from './s3-error.ts';
import {
  isoDate,
  needBucket,
  ownerOf,
  type S3Request,
  type S3Response,
  type StoreContext,
} from './store-context.ts';
import { el, parseXmlBody, xmlDoc, xmlList, xmlText } from './xml.ts';

const XML = { 'content-type': 'application/xml' };

/** Checks a bucket name against S3's general-purpose bucket naming rules; returns the problem or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket names must be between 3 and 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name))
    return 'Bucket names can consist only of lowercase letters, numbers, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'Bucket names must begin and end with a letter or number';
  if (name.includes('..')) return 'Bucket names must not contain two adjacent periods';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'Bucket names must not be formatted as an IP address';
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-'))
    return 'Bucket names must not start with a reserved prefix';
  if (
    name.endsWith('-s3alias') ||
    name.endsWith('--ol-s3') ||
    name.endsWith('.mrap') ||
    name.endsWith('--x-s3')
  )
    return 'Bucket names must not end with a reserved suffix';
  return undefined;
}

/** CreateBucket. */
export async function createBucket(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const name = r.bucket ?? '';
  const problem = bucketNameProblem(name);
  if (problem)
    throw new S3Error('InvalidBucketName', `The specified bucket is not valid: ${problem}.`, {
      BucketName: name,
    });
  const body = await readSmallBody(r.req, r.auth);
  let region = r.auth?.region ?? ctx.region;
  if (body.length > 0 && body.toString('utf8').trim() !== '') {
    const doc = parseXmlBody(body, 'CreateBucketConfiguration');
    const lc = xmlText(doc, 'LocationConstraint');
    if (lc !== undefined && lc !== '') region = lc === 'EU' ? 'eu-west-1' : lc;
  }
  const acl = parseCannedAcl(r.header('x-amz-acl'));
  if (ctx.disk.buckets.has(name))
    throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
  const record: BucketRecord = { name, created: new Date().toISOString(), region, settings: {} };
  if (acl !== undefined) record.acl = acl;
  const ownership = r.header('x-amz-object-ownership');
  if (ownership !== undefined) {
    if (!['BucketOwnerPreferred', 'ObjectWriter', 'BucketOwnerEnforced'].includes(ownership)) {
      throw new S3Error('InvalidArgument', `Invalid x-amz-object-ownership header: ${ownership}`, {
        ArgumentName: 'x-amz-object-ownership',
      });
    }
    record.settings.ownershipControls = xmlDoc(
      'OwnershipControls',
      el('Rule', el('ObjectOwnership', ownership)),
    );
  }
  await ctx.disk.createBucket(record);
  return { status: 200, headers: { location: `/${name}` } };
}

/** HeadBucket. */
export async function headBucket(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  return {
    status: 200,
    headers: { 'x-amz-bucket-region': b.record.region, 'x-amz-access-point-alias': 'false' },
  };
}

/** DeleteBucket (empty buckets only). */
export async function deleteBucket(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  if (b.objects.size > 0) throw new S3Error('BucketNotEmpty', undefined, { BucketName: b.record.name });
  for (const u of ctx.disk.uploads.values())
    if (u.bucket === b.record.name) await ctx.disk.removeUpload(u.uploadId);
  await ctx.disk.deleteBucket(b.record.name);
  return { status: 204, headers: {} };
}

/** ListBuckets. */
export async function listBuckets(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const o = ownerOf(r);
  const prefix = r.query.get('prefix') ?? '';
  const names = [...ctx.disk.buckets.keys()].filter((n) => n.startsWith(prefix)).sort();
  return {
    status: 200,
    headers: XML,
    body: xmlDoc('ListAllMyBucketsResult', [
      el('Owner', [el('ID', o.id), el('DisplayName', o.name)]),
      el(
        'Buckets',
        names.map((n) => {
          const b = ctx.disk.buckets.get(n)!;
          return el('Bucket', [
            el('Name', n),
            el('CreationDate', isoDate(b.record.created)),
            el('BucketRegion', b.record.region),
          ]);
        }),
      ),
      prefix !== '' ? el('Prefix', prefix) : undefined,
    ]),
  };
}

/** GetBucketLocation (empty for us-east-1, as S3 answers). */
export async function getBucketLocation(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const region = b.record.region === 'us-east-1' ? '' : b.record.region;
  return { status: 200, headers: XML, body: xmlDoc('LocationConstraint', region) };
}

/** GetBucketVersioning. */
export async function getBucketVersioning(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  return {
    status: 200,
    headers: XML,
    body: xmlDoc(
      'VersioningConfiguration',
      b.record.versioning ? el('Status', b.record.versioning) : undefined,
    ),
  };
}

/** PutBucketVersioning. */
export async function putBucketVersioning(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const doc = parseXmlBody(await readSmallBody(r.req, r.auth), 'VersioningConfiguration');
  const status = xmlText(doc, 'Status');
  if (status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  if (xmlText(doc, 'MfaDelete') === 'Enabled')
    throw new S3Error('InvalidRequest', 'MFA delete is not supported by the s3state store');
  b.record.versioning = status;
  await ctx.disk.saveBucket(b);
  return { status: 200, headers: {} };
}

/** Per-subresource: the XML root element (or `json` for the policy) and the "not found" error. */
const SETTINGS: Record<string, { root: string; notFound: string }> = {
  encryption: {
    root: 'ServerSideEncryptionConfiguration',
    notFound: 'ServerSideEncryptionConfigurationNotFoundError',
  },
  publicAccessBlock: {
    root: 'PublicAccessBlockConfiguration',
    notFound: 'NoSuchPublicAccessBlockConfiguration',
  },
  policy: { root: 'json', notFound: 'NoSuchBucketPolicy' },
  tagging: { root: 'Tagging', notFound: 'NoSuchTagSet' },
  ownershipControls: { root: 'OwnershipControls', notFound: 'OwnershipControlsNotFoundError' },
  lifecycle: { root: 'LifecycleConfiguration', notFound: 'NoSuchLifecycleConfiguration' },
  cors: { root: 'CORSConfiguration', notFound: 'NoSuchCORSConfiguration' },
};

/** The subresource a bucket-settings operation addresses. */
export function settingOf(r: S3Request): string {
  for (const k of Object.keys(SETTINGS)) if (r.query.has(k)) return k;
  throw new S3Error('InvalidRequest', 'Unknown bucket subresource');
}

/** Put of a stored bucket setting: validated for form, stored verbatim, returned by Get. */
export async function putBucketSetting(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const which = settingOf(r);
  const spec = SETTINGS[which]!;
  const body = await readSmallBody(r.req, r.auth);
  const text = body.toString('utf8');
  if (spec.root === 'json') {
    try {
      const p: unknown = JSON.parse(text);
      if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error('not an object');
    } catch {
      throw new S3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
    }
    b.record.settings[which] = text;
    await ctx.disk.saveBucket(b);
    return { status: 204, headers: {} };
  }
  const doc = parseXmlBody(body, spec.root);
  if (which === 'encryption') {
    const rule = xmlList(doc, 'Rule')[0];
    const def = (rule as Record<string, unknown> | undefined)?.ApplyServerSideEncryptionByDefault;
    const alg = xmlText(def, 'SSEAlgorithm');
    if (alg === undefined || !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(alg))
      throw new S3Error('MalformedXML');
    b.record.settings.sseAlgorithm = alg;
    const kms = xmlText(def, 'KMSMasterKeyID');
    if (kms !== undefined && kms !== '') b.record.settings.sseKmsKeyId = kms;
    else delete b.record.settings.sseKmsKeyId;
    b.record.settings.sseBucketKey = xmlText(rule, 'BucketKeyEnabled') === 'true' ? 'true' : 'false';
  }
  if (which === 'tagging') {
    const tags = xmlList(doc.TagSet, 'Tag');
    const keys = tags.map((t) => xmlText(t, 'Key') ?? '');
    if (keys.some((k) => k === '') || new Set(keys).size !== keys.length)
      throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
  }
  b.record.settings[which] = text.trim();
  await ctx.disk.saveBucket(b);
  return { status: which === 'tagging' ? 204 : 200, headers: {} };
}

/** Get of a stored bucket setting (encryption defaults to SSE-S3, as S3 does since 2023). */
export async function getBucketSetting(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const which = settingOf(r);
  const stored = b.record.settings[which];
  if (stored === undefined) {
    if (which === 'encryption') {
      return {
        status: 200,
        headers: XML,
        body: xmlDoc(
          'ServerSideEncryptionConfiguration',
          el('Rule', [
            el('ApplyServerSideEncryptionByDefault', el('SSEAlgorithm', 'AES256')),
            el('BucketKeyEnabled', 'false'),
          ]),
        ),
      };
    }
    throw new S3Error(SETTINGS[which]!.notFound, undefined, { BucketName: b.record.name });
  }
  return {
    status: 200,
    headers: which === 'policy' ? { 'content-type': 'application/json' } : XML,
    body: stored,
  };
}

/** Delete of a stored bucket setting. */
export async function deleteBucketSetting(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const which = settingOf(r);
  delete b.record.settings[which];
  if (which === 'encryption') {
    delete b.record.settings.sseAlgorithm;
    delete b.record.settings.sseKmsKeyId;
    delete b.record.settings.sseBucketKey;
  }
  await ctx.disk.saveBucket(b);
  return { status: 204, headers: {} };
}

/** GetBucketAcl (minimal). */
export async function getBucketAcl(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  return { status: 200, headers: XML, body: aclDocument(r, b.record.acl) };
}

/** PutBucketAcl (canned ACL header; a grant document is accepted and ignored). */
export async function putBucketAcl(ctx: StoreContext, r: S3Request): Promise<S3Response> {
  const b = needBucket(ctx, r);
  const acl = parseCannedAcl(r.header('x-amz-acl')) ?? 'private';
  await readSmallBody(r.req, r.auth);
  b.record.acl = acl;
  await ctx.disk.saveBucket(b);
  return { status: 200, headers: {} };
}
