/**
 * The catalogue of named deviations from Amazon S3 that an implementation may declare.
 *
 * A declared fault is not hidden: the contract test that would catch it still runs, asserts that the
 * deviation really happens (so each implementation's list stays true), and is titled
 * `[impl] KNOWN FAULT: <summary>`. A fault that no longer happens fails its test, so it must be removed
 * from the implementation's list.
 */
export const KNOWN_FAULTS = {
  ifNoneMatchIgnored: 'If-None-Match ignored — PUT over existing key succeeded',
  ifNoneMatchIgnoredVersioned:
    'If-None-Match ignored in a versioned bucket — PUT over existing key succeeded',
  ifMatchIgnored: 'If-Match ignored — PUT with a wrong ETag succeeded',
  ifMatchCorrectEtagRefused: 'If-Match with the correct ETag refused with 412',
  conditionalDeleteIgnored: 'If-Match on DeleteObject ignored — DELETE with a wrong ETag succeeded',
  versioningUnsupported: 'bucket versioning not supported',
  listVersionsPaginationBroken:
    'ListObjectVersions MaxKeys/markers pagination does not return every version once',
  locationConstraintIgnored: 'CreateBucket LocationConstraint not kept — GetBucketLocation differs',
  locationConstraintRefused:
    'CreateBucket with a LocationConstraint of another region refused (InvalidLocationConstraint)',
  copyObjectEtagUnquoted: 'CopyObjectResult ETag not quoted',
  completeMultipartEtagMissing: 'CompleteMultipartUpload response lacks the "md5-N" ETag',
  listPartsAfterAbortWrongCode: 'ListParts of an aborted upload does not answer 404 NoSuchUpload',
  sseKmsRefused: 'SSE-KMS PUT refused (no KMS behind the store)',
  publicAccessBlockNotDeleted: 'DeletePublicAccessBlock leaves a configuration behind',
  invalidBucketNameAccepted: 'invalid bucket names accepted',
  bucketNotEmptyIgnored: 'DeleteBucket on a non-empty bucket does not answer 409 BucketNotEmpty',
  multipartEtagNotAws: 'multipart ETag is not MD5-of-part-MD5s with the "-N" suffix',
  multipartListingUnsupported: 'ListParts / ListMultipartUploads not supported',
  multipartAbortUnsupported: 'AbortMultipartUpload not supported',
  rangeSuffixUnsupported: 'Range "bytes=-N" (last N bytes) not supported',
  keyCountExcludesCommonPrefixes: 'ListObjectsV2 KeyCount does not count CommonPrefixes',
  listPaginationBroken: 'ListObjectsV2 MaxKeys + ContinuationToken does not page through every key once',
  startAfterIgnored: 'ListObjectsV2 StartAfter ignored',
  sseS3NotEchoed: 'SSE-S3 (AES256) not echoed in PutObject/HeadObject responses',
  sseKmsNotEchoed: 'SSE-KMS (aws:kms + key id) not echoed in PutObject/HeadObject responses',
  sseCIgnored: 'SSE-C ignored — customer key not echoed, GET without the key succeeded',
  sseCNotEnforced: 'SSE-C not enforced — GET without the customer key succeeded',
  sseCWrongErrors: 'SSE-C missing/wrong key refused with other status codes than 400/403',
  contentMd5NotChecked: 'Content-MD5 mismatch not detected — PUT succeeded',
  checksumNotChecked: 'x-amz-checksum-sha256 mismatch not detected — PUT succeeded',
  bucketEncryptionUnsupported: 'bucket default encryption (PutBucketEncryption) not supported',
  publicAccessBlockUnsupported: 'public access block not supported',
  publicAccessBlockDeniesWrites: 'public access block denies later writes to the bucket',
  bucketPolicyUnsupported: 'bucket policy not supported',
  bucketTaggingUnsupported: 'bucket tagging not supported',
  ownershipControlsUnsupported: 'bucket ownership controls not supported',
  lifecycleUnsupported: 'bucket lifecycle configuration not supported',
  objectTaggingUnsupported: 'object tagging not supported',
  cannedAclRefused: 'canned ACL on PutObject refused',
  sigv4EncodedQueryRejected:
    'SigV4 verification rejects valid requests with percent-encoded characters in key or query (env:/…, prefix=k%2F) — SignatureDoesNotMatch',
  presignedUrlRejected: 'a valid presigned GET URL is refused',
  raceNotAtomic: 'concurrent If-None-Match: * puts on one key sometimes have several winners (intermittent)',
  signatureNotVerified: 'SigV4 not verified — a wrong secret key was accepted',
  malformedXmlNotReported: 'malformed XML body not answered with 400 MalformedXML',
} as const;

/** The name of a known deviation. */
export type FaultId = keyof typeof KNOWN_FAULTS;
