import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeOperation } from './operation-router.ts';

const CASES: [string, string | undefined, string | undefined, string, boolean, string, boolean][] = [
  // method, bucket, key, query, copy-source, operation, implemented
  ['GET', undefined, undefined, '', false, 'ListBuckets', true],
  ['PUT', 'b', undefined, '', false, 'CreateBucket', true],
  ['GET', 'b', undefined, 'list-type=2&prefix=x', false, 'ListObjectsV2', true],
  ['GET', 'b', undefined, 'prefix=x', false, 'ListObjects', true],
  ['GET', 'b', undefined, 'versions', false, 'ListObjectVersions', true],
  ['GET', 'b', undefined, 'uploads', false, 'ListMultipartUploads', true],
  ['PUT', 'b', undefined, 'versioning', false, 'PutBucketVersioning', true],
  ['DELETE', 'b', undefined, 'policy', false, 'DeleteBucketPolicy', true],
  ['POST', 'b', undefined, 'delete', false, 'DeleteObjects', true],
  ['PUT', 'b', undefined, 'notification', false, 'PutBucketNotification', false],
  ['GET', 'b', undefined, 'website', false, 'GetBucketWebsite', false],
  ['PUT', 'b', 'k', '', false, 'PutObject', true],
  ['PUT', 'b', 'k', '', true, 'CopyObject', true],
  ['PUT', 'b', 'k', 'partNumber=1&uploadId=u', false, 'UploadPart', true],
  ['PUT', 'b', 'k', 'partNumber=1&uploadId=u', true, 'UploadPartCopy', true],
  ['POST', 'b', 'k', 'uploads', false, 'CreateMultipartUpload', true],
  ['POST', 'b', 'k', 'uploadId=u', false, 'CompleteMultipartUpload', true],
  ['DELETE', 'b', 'k', 'uploadId=u', false, 'AbortMultipartUpload', true],
  ['GET', 'b', 'k', 'uploadId=u', false, 'ListParts', true],
  ['GET', 'b', 'k', 'tagging', false, 'GetObjectTagging', true],
  ['PUT', 'b', 'k', 'retention', false, 'PutObjectRetention', false],
  ['POST', 'b', 'k', 'select&select-type=2', false, 'SelectObjectContent', false],
];

for (const [method, bucket, key, q, copy, op, implemented] of CASES) {
  test(`${method} ${bucket ?? ''}/${key ?? ''}?${q} → ${op}`, () => {
    assert.deepEqual(routeOperation(method, bucket, key, new URLSearchParams(q), { copySource: copy }), {
      operation: op,
      implemented,
    });
  });
}
