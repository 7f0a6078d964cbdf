import type { AwsOptions } from '../../src/aws/aws-options.ts';

/** AwsOptions with the defaults a resolved configuration carries, plus `over`. */
export function baseOptions(over: Partial<AwsOptions> = {}): AwsOptions {
  return {
    region: 'us-east-1',
    endpoints: {},
    usePathStyle: true,
    maxRetries: 5,
    insecure: false,
    skipCredentialsValidation: false,
    skipRegionValidation: false,
    skipMetadataApiCheck: true,
    skipRequestingAccountId: false,
    skipS3Checksum: false,
    useDualstackEndpoint: false,
    useFipsEndpoint: false,
    ...over,
  };
}

/** A 40-character fake secret key that tests search for in outputs. */
export const FAKE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET01';
