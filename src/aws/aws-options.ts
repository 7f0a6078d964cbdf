/**
 * Everything the AWS client factory needs, as plain data. `src/config` maps a resolved backend
 * configuration onto this; `src/aws` turns it into SDK clients. Field names follow the backend
 * attributes (camelCase). Undefined = not set (the SDK's own default chain applies).
 */
export interface AwsOptions {
  region: string;
  accessKey?: string | undefined;
  /** Secret. */
  secretKey?: string | undefined;
  /** Secret. */
  token?: string | undefined;
  profile?: string | undefined;
  sharedConfigFiles?: string[] | undefined;
  sharedCredentialsFiles?: string[] | undefined;
  /** Per-service endpoint URLs, already resolved with the peers' precedence. */
  endpoints: { s3?: string; dynamodb?: string; sts?: string; iam?: string; sso?: string };
  usePathStyle: boolean;
  /** @default 5 */
  maxRetries: number;
  retryMode?: 'standard' | 'adaptive' | undefined;
  customCaBundle?: string | undefined;
  insecure: boolean;
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
  /**
   * How `http_proxy` applies to HTTPS (aws-sdk-go-base's proxy modes): `separate` (OpenTofu) uses it
   * for `http://` only; `legacy` (Terraform) also uses it for `https://` when neither `https_proxy`
   * nor `HTTPS_PROXY` is set, with a "Missing HTTPS Proxy" warning.
   * @default "separate"
   */
  httpProxyMode?: 'separate' | 'legacy' | undefined;
  skipCredentialsValidation: boolean;
  skipRegionValidation: boolean;
  /** true = IMDS disabled. */
  skipMetadataApiCheck?: boolean | undefined;
  skipRequestingAccountId: boolean;
  skipS3Checksum: boolean;
  stsRegion?: string | undefined;
  ec2MetadataServiceEndpoint?: string | undefined;
  ec2MetadataServiceEndpointMode?: 'IPv4' | 'IPv6' | undefined;
  useDualstackEndpoint: boolean;
  useFipsEndpoint: boolean;
  allowedAccountIds?: string[] | undefined;
  forbiddenAccountIds?: string[] | undefined;
  assumeRole?: AssumeRoleOptions | undefined;
  assumeRoleWithWebIdentity?: WebIdentityOptions | undefined;
  /** Extra user-agent text (from `TF_APPEND_USER_AGENT`). */
  appendUserAgent?: string | undefined;
}

/** `assume_role { … }` (and the deprecated flat forms mapped onto it). */
export interface AssumeRoleOptions {
  roleArn: string;
  /** Seconds. */
  durationSeconds?: number | undefined;
  externalId?: string | undefined;
  policy?: string | undefined;
  policyArns?: string[] | undefined;
  sessionName?: string | undefined;
  sourceIdentity?: string | undefined;
  tags?: Record<string, string> | undefined;
  transitiveTagKeys?: string[] | undefined;
}

/** `assume_role_with_web_identity { … }`. */
export interface WebIdentityOptions {
  roleArn?: string | undefined;
  /** Secret. */
  webIdentityToken?: string | undefined;
  webIdentityTokenFile?: string | undefined;
  sessionName?: string | undefined;
  policy?: string | undefined;
  policyArns?: string[] | undefined;
  durationSeconds?: number | undefined;
}
