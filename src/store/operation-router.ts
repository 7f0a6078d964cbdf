/**
 * Maps an HTTP request (method, bucket, key, query) to the S3 operation name it invokes.
 */

/** Bucket subresources the store implements, by query parameter. */
const BUCKET_SUBRESOURCES: Record<string, string> = {
  versioning: 'BucketVersioning',
  encryption: 'BucketEncryption',
  publicAccessBlock: 'PublicAccessBlock',
  policy: 'BucketPolicy',
  tagging: 'BucketTagging',
  ownershipControls: 'BucketOwnershipControls',
  lifecycle: 'BucketLifecycleConfiguration',
  cors: 'BucketCors',
  acl: 'BucketAcl',
};

/** Bucket subresources S3 has that the store does not (for a NotImplemented message naming them). */
const UNSUPPORTED_BUCKET: Record<string, string> = {
  notification: 'BucketNotification',
  website: 'BucketWebsite',
  logging: 'BucketLogging',
  replication: 'BucketReplication',
  'object-lock': 'ObjectLockConfiguration',
  accelerate: 'BucketAccelerateConfiguration',
  requestPayment: 'BucketRequestPayment',
  analytics: 'BucketAnalyticsConfiguration',
  metrics: 'BucketMetricsConfiguration',
  inventory: 'BucketInventoryConfiguration',
  'intelligent-tiering': 'BucketIntelligentTieringConfiguration',
  policyStatus: 'BucketPolicyStatus',
  metadataTable: 'BucketMetadataTableConfiguration',
  session: 'Session',
};

const UNSUPPORTED_OBJECT: Record<string, string> = {
  retention: 'ObjectRetention',
  'legal-hold': 'ObjectLegalHold',
  attributes: 'ObjectAttributes',
  torrent: 'ObjectTorrent',
  restore: 'RestoreObject',
  select: 'SelectObjectContent',
  renameObject: 'RenameObject',
};

const VERB: Record<string, string> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete', HEAD: 'Head', POST: 'Post' };

/** The result of routing: the operation name, and whether the store implements it. */
export interface RoutedOperation {
  operation: string;
  implemented: boolean;
}

/** Determines the S3 operation of a request. */
export function routeOperation(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
  headers: { copySource: boolean },
): RoutedOperation {
  const has = (k: string): boolean => query.has(k);
  const ok = (operation: string): RoutedOperation => ({ operation, implemented: true });
  const no = (operation: string): RoutedOperation => ({ operation, implemented: false });
  const verb = VERB[method] ?? method;
  if (bucket === undefined) {
    return method === 'GET' ? ok('ListBuckets') : no(`${verb}Service`);
  }
  if (key === undefined) {
    for (const [q, name] of Object.entries(UNSUPPORTED_BUCKET)) if (has(q)) return no(`${verb}${name}`);
    if (method === 'GET' || method === 'HEAD') {
      if (method === 'HEAD') return ok('HeadBucket');
      if (has('location')) return ok('GetBucketLocation');
      if (has('uploads')) return ok('ListMultipartUploads');
      if (has('versions')) return ok('ListObjectVersions');
      for (const [q, name] of Object.entries(BUCKET_SUBRESOURCES)) if (has(q)) return ok(`Get${name}`);
      return query.get('list-type') === '2' ? ok('ListObjectsV2') : ok('ListObjects');
    }
    if (method === 'PUT') {
      for (const [q, name] of Object.entries(BUCKET_SUBRESOURCES)) if (has(q)) return ok(`Put${name}`);
      return ok('CreateBucket');
    }
    if (method === 'DELETE') {
      for (const [q, name] of Object.entries(BUCKET_SUBRESOURCES)) {
        if (has(q)) return q === 'versioning' || q === 'acl' ? no(`Delete${name}`) : ok(`Delete${name}`);
      }
      return ok('DeleteBucket');
    }
    if (method === 'POST') {
      if (has('delete')) return ok('DeleteObjects');
      return no('PostObject');
    }
    return no(`${verb}Bucket`);
  }
  for (const [q, name] of Object.entries(UNSUPPORTED_OBJECT)) {
    if (has(q)) return no(name.startsWith('Object') ? `${verb}${name}` : name);
  }
  switch (method) {
    case 'GET':
      if (has('uploadId')) return ok('ListParts');
      if (has('tagging')) return ok('GetObjectTagging');
      if (has('acl')) return ok('GetObjectAcl');
      return ok('GetObject');
    case 'HEAD':
      return ok('HeadObject');
    case 'PUT':
      if (has('partNumber') && has('uploadId'))
        return headers.copySource ? ok('UploadPartCopy') : ok('UploadPart');
      if (has('tagging')) return ok('PutObjectTagging');
      if (has('acl')) return ok('PutObjectAcl');
      return headers.copySource ? ok('CopyObject') : ok('PutObject');
    case 'DELETE':
      if (has('uploadId')) return ok('AbortMultipartUpload');
      if (has('tagging')) return ok('DeleteObjectTagging');
      return ok('DeleteObject');
    case 'POST':
      if (has('uploads')) return ok('CreateMultipartUpload');
      if (has('uploadId')) return ok('CompleteMultipartUpload');
      return no('PostObject');
    default:
      return no(`${verb}Object`);
  }
}
