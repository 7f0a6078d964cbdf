/**
 * The S3 implementations the contract suite runs against, each with its declared known faults.
 * Our store declares none: any deviation there is a bug.
 */
import { motoAvailable, startMoto } from '../../harness/moto.ts';
import { RGW_CREDENTIALS, rgwAvailable, startRgw } from '../../harness/rgw.ts';
import { S3RVER_CREDENTIALS, startS3rver } from '../../harness/s3rver.ts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
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

/**
 * moto_server 5.2 (Python), when installed. Its conditional writes are usually atomic, but a 40-round
 * 16-writer race here once showed two winners in a versioned bucket (1/40 rounds), hence the
 * intermittent `raceNotAtomic`.
 */
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
    'raceNotAtomic',
    'invalidBucketNameAccepted',
    'sseCIgnored',
    'contentMd5NotChecked',
    'checksumNotChecked',
    'signatureNotVerified',
    'malformedXmlNotReported',
  ],
};

/**
 * Creates an IAM user allowed everything on a moto started with `INITIAL_NO_AUTH_ACTION_COUNT=3`
 * (the three IAM calls below pass unauthenticated) and returns its access key; moto then verifies
 * SigV4 and evaluates IAM policies for every later call.
 */
async function createMotoAdmin(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'bootstrap', secretAccessKey: 'bootstrap' },
    region: 'us-east-1',
    service: 'iam',
    sha256: Sha256,
  });
  const iam = async (params: Record<string, string>): Promise<string> => {
    const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    const res = await fetch(`${endpoint}/`, { method: 'POST', headers: signed.headers, body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`moto IAM ${params.Action ?? ''} failed: HTTP ${res.status}`);
    return text;
  };
  await iam({ Action: 'CreateUser', UserName: 'contract' });
  await iam({
    Action: 'PutUserPolicy',
    UserName: 'contract',
    PolicyName: 'everything',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    }),
  });
  const key = await iam({ Action: 'CreateAccessKey', UserName: 'contract' });
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(key)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(key)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error('moto CreateAccessKey returned no key');
  return { accessKeyId, secretAccessKey };
}

/** moto_server with IAM enforcement on (SigV4 verified, policies evaluated), signed in as an admin user. */
export const motoAuth: S3Implementation = {
  name: 'moto-auth',
  skipReason: 'moto_server not found',
  available: motoAvailable,
  async start() {
    const server = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: '3' });
    if (!server) return undefined;
    try {
      const credentials = await createMotoAdmin(server.endpoint);
      return { endpoint: server.endpoint, credentials, close: () => server.close() };
    } catch (e) {
      await server.close();
      throw e;
    }
  },
  faults: [
    'invalidBucketNameAccepted',
    'sigv4EncodedQueryRejected',
    'presignedUrlRejected',
    'raceNotAtomic',
    'sseCIgnored',
    'contentMd5NotChecked',
    'checksumNotChecked',
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
