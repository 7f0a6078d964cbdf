/**
 * The S3 implementations the contract suite runs against, each with its declared known faults.
 * Our store declares none: any deviation there is a bug.
 */
import { motoAvailable, startMoto } from '../../harness/moto.ts';
import { RGW_CREDENTIALS, rgwAvailable, startRgw } from '../../harness/rgw.ts';
import { S3RVER_CREDENTIALS, startS3rver } from '../../harness/s3rver.ts';
import { tempDir } from '../../harness/tmp.ts';
import { startS3Store } from '../../../src/store/s3-store.ts';
import type { S3Implementation } from './s3-contract.ts';

/** The project's own store (src/store), data in a temporary folder. No declared faults. */
export const store: S3Implementation = {
  name: 'store',
  skipReason: 'store not found',
  available: () => true,
  async start() {
    const dir = await tempDir('s3state-contract-store-');
    const credentials = { accessKeyId: 'contract-key', secretAccessKey: 'contract-secret' };
    const server = await startS3Store({ dataDir: dir.path, credentials: [credentials] });
    return {
      endpoint: server.endpoint,
      credentials,
      close: async () => {
        await server.close();
        await dir.cleanup();
      },
    };
  },
  faults: [],
};

/** moto_server 5.2 (Python), when installed. */
export const moto: S3Implementation = {
  name: 'moto',
  skipReason: 'moto_server not found',
  available: motoAvailable,
  async start() {
    const server = await startMoto();
    if (!server) return undefined;
    return {
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      close: () => server.close(),
    };
  },
  faults: [
    'invalidBucketNameAccepted',
    'sseCIgnored',
    'contentMd5NotChecked',
    'checksumNotChecked',
    'signatureNotVerified',
    'malformedXmlNotReported',
  ],
};

/** s3rver 3.7 (npm, in-process). */
export const s3rver: S3Implementation = {
  name: 's3rver',
  skipReason: 's3rver not found',
  available: () => true,
  async start() {
    const server = await startS3rver();
    return { endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS, close: () => server.close() };
  },
  faults: [
    'locationConstraintIgnored',
    'invalidBucketNameAccepted',
    'rangeSuffixUnsupported',
    'multipartListingUnsupported',
    'multipartAbortUnsupported',
    'multipartEtagNotAws',
    'keyCountExcludesCommonPrefixes',
    'listPaginationBroken',
    'ifNoneMatchIgnored',
    'ifMatchIgnored',
    'conditionalDeleteIgnored',
    'versioningUnsupported',
    'sseS3NotEchoed',
    'sseKmsNotEchoed',
    'sseCIgnored',
    'contentMd5NotChecked',
    'checksumNotChecked',
    'bucketEncryptionUnsupported',
    'publicAccessBlockUnsupported',
    'bucketPolicyUnsupported',
    'bucketTaggingUnsupported',
    'ownershipControlsUnsupported',
    'lifecycleUnsupported',
    'objectTaggingUnsupported',
    'signatureNotVerified',
  ],
};

/**
 * Ceph RGW (Debian's radosgw 16.2.x) when installed; faults as recorded in
 * /work/shared/tools/ceph-rgw/README.md.
 */
export const rgw: S3Implementation = {
  name: 'rgw',
  skipReason: 'Ceph RGW not installed',
  available: rgwAvailable,
  async start() {
    const server = await startRgw();
    if (!server) return undefined;
    return { endpoint: server.endpoint, credentials: RGW_CREDENTIALS, close: () => server.close() };
  },
  faults: [
    'locationConstraintRefused',
    'copyObjectEtagUnquoted',
    'completeMultipartEtagMissing',
    'listPartsAfterAbortWrongCode',
    'ifNoneMatchIgnoredVersioned',
    'ifMatchCorrectEtagRefused',
    'conditionalDeleteIgnored',
    'sseS3NotEchoed',
    'sseKmsRefused',
    'sseCWrongErrors',
    'checksumNotChecked',
    'bucketEncryptionUnsupported',
    'publicAccessBlockDeniesWrites',
    'publicAccessBlockNotDeleted',
    'ownershipControlsUnsupported',
    'malformedXmlNotReported',
  ],
};
