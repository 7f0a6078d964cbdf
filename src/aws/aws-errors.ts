/**
 * The one place that classifies AWS SDK errors. Everything else in s3state asks these predicates
 * instead of looking at `name`, `Code` or HTTP status codes itself.
 */

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $response?: { statusCode?: number };
}

function shape(e: unknown): SdkErrorShape | undefined {
  return typeof e === 'object' && e !== null ? e : undefined;
}

/** The AWS error code (`NoSuchKey`, `ConditionalCheckFailedException`, …) or `''`. */
export function awsErrorCode(e: unknown): string {
  const s = shape(e);
  if (!s) return '';
  for (const v of [s.Code, s.name, s.code]) {
    if (typeof v === 'string' && v !== '' && v !== 'Error') return v;
  }
  return '';
}

/** The HTTP status code of the failed response, when the error came from one. */
export function awsHttpStatus(e: unknown): number | undefined {
  const s = shape(e);
  return s?.$metadata?.httpStatusCode ?? s?.$response?.statusCode;
}

/** Missing object: `NoSuchKey`, `NotFound` (HEAD) or a bare 404 that is not a missing bucket. */
export function isNotFound(e: unknown): boolean {
  const code = awsErrorCode(e);
  if (code === 'NoSuchKey' || code === 'NotFound') return true;
  return awsHttpStatus(e) === 404 && !isNoSuchBucket(e) && code !== 'ResourceNotFoundException';
}

/** The bucket does not exist. */
export function isNoSuchBucket(e: unknown): boolean {
  return awsErrorCode(e) === 'NoSuchBucket';
}

/** `If-None-Match: *` (or `If-Match`) failed: HTTP 412 `PreconditionFailed`. */
export function isPreconditionFailed(e: unknown): boolean {
  return awsErrorCode(e) === 'PreconditionFailed' || awsHttpStatus(e) === 412;
}

/** A racing conditional S3 write: HTTP 409 `ConditionalRequestConflict`. */
export function isConditionalConflict(e: unknown): boolean {
  return awsErrorCode(e) === 'ConditionalRequestConflict' || (awsHttpStatus(e) === 409 && isS3Conditional(e));
}

function isS3Conditional(e: unknown): boolean {
  const code = awsErrorCode(e);
  return code === '' || code === 'Conflict' || code === 'OperationAborted';
}

/** DynamoDB `ConditionExpression` failed. */
export function isConditionalCheckFailed(e: unknown): boolean {
  return awsErrorCode(e) === 'ConditionalCheckFailedException';
}

/** Access denied by policy (403 `AccessDenied` / DynamoDB `AccessDeniedException`). */
export function isAccessDenied(e: unknown): boolean {
  const code = awsErrorCode(e);
  return code === 'AccessDenied' || code === 'AccessDeniedException' || code === 'Forbidden';
}

/** DynamoDB table missing (`ResourceNotFoundException`). */
export function isResourceNotFound(e: unknown): boolean {
  return awsErrorCode(e) === 'ResourceNotFoundException';
}

/** Throttling or `SlowDown`: worth retrying later. */
export function isThrottle(e: unknown): boolean {
  const code = awsErrorCode(e);
  return (
    code === 'SlowDown' ||
    code === 'Throttling' ||
    code === 'ThrottlingException' ||
    code === 'ProvisionedThroughputExceededException' ||
    code === 'RequestLimitExceeded' ||
    code === 'TooManyRequestsException' ||
    awsHttpStatus(e) === 429 ||
    awsHttpStatus(e) === 503
  );
}

/** True when `e` is an error returned by an AWS service (as opposed to a network or client failure). */
export function isServiceError(e: unknown): boolean {
  const s = shape(e);
  return s !== undefined && s.$metadata?.httpStatusCode !== undefined && s.$fault !== undefined;
}

/**
 * Renders an SDK error as the Go SDK v2 does, so the peers' messages can be reproduced, e.g.
 * `operation error S3: GetObject, https response error StatusCode: 404, RequestID: X, HostID: Y, api error NoSuchKey: The specified key does not exist.`
 */
export function goStyleAwsErrorText(e: unknown, service: string, op: string): string {
  const s = shape(e);
  const prefix = `operation error ${service}: ${op}, `;
  const status = awsHttpStatus(e);
  if (!s || status === undefined) {
    const msg = e instanceof Error ? e.message : String(e);
    return prefix + msg;
  }
  const code = awsErrorCode(e) || `${status}`;
  let msg = typeof s.message === 'string' ? s.message : '';
  if (msg === '' || msg === 'UnknownError' || msg === code) msg = defaultStatusText(status);
  let text = `${prefix}https response error StatusCode: ${status}, RequestID: ${s.$metadata?.requestId ?? ''}`;
  if (service === 'S3') text += `, HostID: ${s.$metadata?.extendedRequestId ?? ''}`;
  return `${text}, api error ${code}: ${msg}`;
}

function defaultStatusText(status: number): string {
  switch (status) {
    case 404:
      return 'Not Found';
    case 403:
      return 'Forbidden';
    case 412:
      return 'Precondition Failed';
    case 409:
      return 'Conflict';
    case 400:
      return 'Bad Request';
    default:
      return `Status ${status}`;
  }
}
