import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3ServiceException } from '@aws-sdk/client-s3';
import {
  goStyleAwsErrorText,
  isAccessDenied,
  isConditionalCheckFailed,
  isConditionalConflict,
  isNoSuchBucket,
  isNotFound,
  isPreconditionFailed,
  isResourceNotFound,
  isThrottle,
} from './aws-errors.ts';

function svc(name: string, status: number, message: string): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    message,
    $metadata: { httpStatusCode: status, requestId: 'REQ1', extendedRequestId: 'HOST1' },
  });
}

test('classification of SDK errors', () => {
  assert.equal(isNotFound(svc('NoSuchKey', 404, 'x')), true);
  assert.equal(isNotFound(svc('NotFound', 404, '')), true);
  assert.equal(isNotFound(svc('NoSuchBucket', 404, 'x')), false);
  assert.equal(isNoSuchBucket(svc('NoSuchBucket', 404, 'x')), true);
  assert.equal(isPreconditionFailed(svc('PreconditionFailed', 412, 'x')), true);
  assert.equal(isConditionalConflict(svc('ConditionalRequestConflict', 409, 'x')), true);
  assert.equal(isConditionalConflict(svc('BucketAlreadyExists', 409, 'x')), false);
  assert.equal(isConditionalCheckFailed(svc('ConditionalCheckFailedException', 400, 'x')), true);
  assert.equal(isAccessDenied(svc('AccessDenied', 403, 'x')), true);
  assert.equal(isResourceNotFound(svc('ResourceNotFoundException', 400, 'x')), true);
  assert.equal(isThrottle(svc('SlowDown', 503, 'x')), true);
  assert.equal(isNotFound(new Error('socket hang up')), false);
});

test('goStyleAwsErrorText renders like the Go SDK', () => {
  assert.equal(
    goStyleAwsErrorText(svc('NoSuchKey', 404, 'The specified key does not exist.'), 'S3', 'GetObject'),
    'operation error S3: GetObject, https response error StatusCode: 404, RequestID: REQ1, HostID: HOST1, api error NoSuchKey: The specified key does not exist.',
  );
  assert.equal(
    goStyleAwsErrorText(svc('NotFound', 404, 'UnknownError'), 'S3', 'HeadObject'),
    'operation error S3: HeadObject, https response error StatusCode: 404, RequestID: REQ1, HostID: HOST1, api error NotFound: Not Found',
  );
  const ddb = svc('ConditionalCheckFailedException', 400, 'The conditional request failed');
  assert.equal(
    goStyleAwsErrorText(ddb, 'DynamoDB', 'PutItem'),
    'operation error DynamoDB: PutItem, https response error StatusCode: 400, RequestID: REQ1, api error ConditionalCheckFailedException: The conditional request failed',
  );
  assert.equal(
    goStyleAwsErrorText(new Error('connect ECONNREFUSED'), 'S3', 'GetObject'),
    'operation error S3: GetObject, connect ECONNREFUSED',
  );
});
