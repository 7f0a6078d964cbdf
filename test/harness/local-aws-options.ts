import type { AwsOptions } from '../../src/aws/aws-options.ts';

/** Where the clients of {@link localAwsOptions} go, and as whom. */
export interface LocalAwsTarget {
  accessKey: string;
  secretKey: string;
  /** Endpoint overrides (`s3`, `dynamodb`, …). */
  endpoints: AwsOptions['endpoints'];
  /** @default 'us-east-1' */
  region?: string;
  /** @default 5 */
  maxRetries?: number;
}

/**
 * AwsOptions for clients of local servers (our store, dynalite, moto, a fault proxy): static keys,
 * path-style addressing, and every check that would call real AWS (credentials, region name, IMDS,
 * account ID) skipped — what a backend block with the `skip_*` attributes resolves to.
 */
export function localAwsOptions(t: LocalAwsTarget): AwsOptions {
  return {
    region: t.region ?? 'us-east-1',
    accessKey: t.accessKey,
    secretKey: t.secretKey,
    endpoints: t.endpoints,
    usePathStyle: true,
    maxRetries: t.maxRetries ?? 5,
    insecure: false,
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipMetadataApiCheck: true,
    skipRequestingAccountId: true,
    skipS3Checksum: false,
    useDualstackEndpoint: false,
    useFipsEndpoint: false,
  };
}
