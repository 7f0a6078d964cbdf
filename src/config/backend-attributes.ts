/**
 * The `s3` backend's attribute table: every attribute OpenTofu and Terraform accept, declared once as
 * data (spec §1.1, §1.3). Everything else in `src/config` (coercion, validation, env fallbacks,
 * masking, describing) reads these rows instead of naming attributes again.
 */

/** Which peer's behaviour (and wording) to follow. */
export type Flavor = 'opentofu' | 'terraform';

/** Value types the backend schema uses (cty names). */
export type PrimitiveType = 'string' | 'bool' | 'number';
/** Attribute type: a primitive, a collection of strings, or a nested object (block or object attribute). */
export type AttributeType = PrimitiveType | 'set(string)' | 'list(string)' | 'map(string)' | 'object';

/** How secret a value is: `secret` never shown, `partial` shown with all but its last 4 characters masked. */
export type Sensitivity = 'secret' | 'partial';

/** One row of the table. */
export interface AttributeSpec {
  /** Attribute name as written in HCL. */
  name: string;
  type: AttributeType;
  /** Peers that accept the attribute (the other one rejects it as `Unsupported argument`). */
  flavors: readonly Flavor[];
  /**
   * Required by the schema: `true`, or the peers whose schema requires it. A missing required member of a
   * nested object is a type error (`attribute "role_arn" is required`). @default false
   */
  required?: boolean | readonly Flavor[];
  /** Value used when neither configuration nor environment sets it. */
  default?: unknown;
  /**
   * Environment variables the backend itself reads as a fallback, first one set wins. Listed in order
   * of precedence. Only consulted when the configuration leaves the attribute unset.
   */
  env?: readonly string[];
  /**
   * Environment variables the AWS SDK reads by itself (informational: `src/aws` resolves them through
   * the standard chain; `src/config` does not copy them into options).
   */
  sdkEnv?: readonly string[];
  /** Deprecated in favour of `replacement` (an attribute path). */
  deprecated?: { replacement: string; flavors: readonly Flavor[] };
  sensitive?: Sensitivity;
  /** Nested attributes when `type` is `object`. */
  nested?: readonly AttributeSpec[];
  /** `block`: written as `name { … }` (also accepted as `name = { … }`); `attribute`: `name = { … }`. */
  nestedForm?: 'block' | 'attribute';
  /** One line for `s3state config --help`-style output. */
  description: string;
}

const BOTH: readonly Flavor[] = ['opentofu', 'terraform'];
const TOFU: readonly Flavor[] = ['opentofu'];
const TF: readonly Flavor[] = ['terraform'];

/** Whether `spec` is required for `flavor`. */
export function isRequired(spec: AttributeSpec, flavor: Flavor): boolean {
  return spec.required === true || (Array.isArray(spec.required) && spec.required.includes(flavor));
}

/** `assume_role { … }` attributes (spec §1.3). */
export const ASSUME_ROLE_ATTRIBUTES: readonly AttributeSpec[] = [
  { name: 'role_arn', type: 'string', flavors: BOTH, required: true, description: 'IAM role to assume.' },
  {
    name: 'duration',
    type: 'string',
    flavors: BOTH,
    description: 'Session duration (Go duration, 15m..12h).',
  },
  { name: 'external_id', type: 'string', flavors: BOTH, description: 'External ID passed to AssumeRole.' },
  { name: 'policy', type: 'string', flavors: BOTH, description: 'Inline session policy (JSON).' },
  { name: 'policy_arns', type: 'set(string)', flavors: BOTH, description: 'Managed session policy ARNs.' },
  { name: 'session_name', type: 'string', flavors: BOTH, description: 'Role session name.' },
  { name: 'source_identity', type: 'string', flavors: TF, description: 'Source identity (Terraform only).' },
  { name: 'tags', type: 'map(string)', flavors: BOTH, description: 'Session tags.' },
  {
    name: 'transitive_tag_keys',
    type: 'set(string)',
    flavors: BOTH,
    description: 'Transitive session tag keys.',
  },
];

/** `assume_role_with_web_identity { … }` attributes (spec §1.3). */
export const WEB_IDENTITY_ATTRIBUTES: readonly AttributeSpec[] = [
  {
    name: 'role_arn',
    type: 'string',
    flavors: BOTH,
    required: TF,
    env: ['AWS_ROLE_ARN'],
    description: 'IAM role to assume.',
  },
  {
    name: 'web_identity_token',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_WEB_IDENTITY_TOKEN'],
    sensitive: 'secret',
    description: 'OIDC token.',
  },
  {
    name: 'web_identity_token_file',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_WEB_IDENTITY_TOKEN_FILE'],
    description: 'File holding the OIDC token.',
  },
  {
    name: 'session_name',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_ROLE_SESSION_NAME'],
    description: 'Role session name.',
  },
  { name: 'policy', type: 'string', flavors: BOTH, description: 'Inline session policy (JSON).' },
  { name: 'policy_arns', type: 'set(string)', flavors: BOTH, description: 'Managed session policy ARNs.' },
  {
    name: 'duration',
    type: 'string',
    flavors: BOTH,
    description: 'Session duration (Go duration, 15m..12h).',
  },
];

/** `endpoints = { … }` attributes (spec §1.1, §1.3). */
export const ENDPOINT_ATTRIBUTES: readonly AttributeSpec[] = [
  {
    name: 's3',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_ENDPOINT_URL_S3', 'AWS_S3_ENDPOINT'],
    description: 'S3 endpoint URL.',
  },
  {
    name: 'iam',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_ENDPOINT_URL_IAM', 'AWS_IAM_ENDPOINT'],
    description: 'IAM endpoint URL.',
  },
  {
    name: 'sts',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_ENDPOINT_URL_STS', 'AWS_STS_ENDPOINT'],
    description: 'STS endpoint URL.',
  },
  {
    name: 'dynamodb',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_DYNAMODB_ENDPOINT'],
    description: 'DynamoDB endpoint URL.',
  },
  {
    name: 'sso',
    type: 'string',
    flavors: TF,
    env: ['AWS_ENDPOINT_URL_SSO'],
    description: 'SSO endpoint URL.',
  },
];

/** Every top-level attribute of the `s3` backend (spec §1.1): 55 for OpenTofu, 45 for Terraform. */
export const BACKEND_ATTRIBUTES: readonly AttributeSpec[] = [
  { name: 'bucket', type: 'string', flavors: BOTH, required: true, description: 'Bucket holding the state.' },
  { name: 'key', type: 'string', flavors: BOTH, required: true, description: 'State object key.' },
  {
    name: 'region',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    description: 'AWS region of the bucket.',
  },
  {
    name: 'endpoints',
    type: 'object',
    flavors: BOTH,
    nested: ENDPOINT_ATTRIBUTES,
    nestedForm: 'attribute',
    description: 'Per-service endpoint URLs.',
  },
  {
    name: 'endpoint',
    type: 'string',
    flavors: BOTH,
    deprecated: { replacement: 'endpoints.s3', flavors: BOTH },
    description: 'Legacy S3 endpoint.',
  },
  {
    name: 'iam_endpoint',
    type: 'string',
    flavors: BOTH,
    deprecated: { replacement: 'endpoints.iam', flavors: BOTH },
    description: 'Legacy IAM endpoint.',
  },
  {
    name: 'sts_endpoint',
    type: 'string',
    flavors: BOTH,
    deprecated: { replacement: 'endpoints.sts', flavors: BOTH },
    description: 'Legacy STS endpoint.',
  },
  {
    name: 'dynamodb_endpoint',
    type: 'string',
    flavors: BOTH,
    deprecated: { replacement: 'endpoints.dynamodb', flavors: BOTH },
    description: 'Legacy DynamoDB endpoint.',
  },
  { name: 'sts_region', type: 'string', flavors: BOTH, description: 'Region for STS calls.' },
  {
    name: 'encrypt',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'Server-side encryption of the state.',
  },
  { name: 'acl', type: 'string', flavors: BOTH, description: 'Canned ACL of state objects.' },
  { name: 'kms_key_id', type: 'string', flavors: BOTH, description: 'SSE-KMS key ID or ARN.' },
  {
    name: 'sse_customer_key',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_SSE_CUSTOMER_KEY'],
    sensitive: 'secret',
    description: 'SSE-C key (base64 of 32 bytes).',
  },
  {
    name: 'dynamodb_table',
    type: 'string',
    flavors: BOTH,
    deprecated: { replacement: 'use_lockfile', flavors: TF },
    description: 'DynamoDB lock table.',
  },
  {
    name: 'use_lockfile',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'S3-native lock file.',
  },
  {
    name: 'workspace_key_prefix',
    type: 'string',
    flavors: BOTH,
    default: 'env:',
    description: 'Prefix of named workspaces.',
  },
  {
    name: 'access_key',
    type: 'string',
    flavors: BOTH,
    sdkEnv: ['AWS_ACCESS_KEY_ID'],
    sensitive: 'partial',
    description: 'AWS access key ID.',
  },
  {
    name: 'secret_key',
    type: 'string',
    flavors: BOTH,
    sdkEnv: ['AWS_SECRET_ACCESS_KEY'],
    sensitive: 'secret',
    description: 'AWS secret access key.',
  },
  {
    name: 'token',
    type: 'string',
    flavors: BOTH,
    sdkEnv: ['AWS_SESSION_TOKEN'],
    sensitive: 'secret',
    description: 'AWS session token.',
  },
  { name: 'profile', type: 'string', flavors: BOTH, sdkEnv: ['AWS_PROFILE'], description: 'Shared profile.' },
  {
    name: 'shared_credentials_file',
    type: 'string',
    flavors: BOTH,
    deprecated: { replacement: 'shared_credentials_files', flavors: BOTH },
    description: 'Legacy single credentials file.',
  },
  {
    name: 'shared_credentials_files',
    type: 'set(string)',
    flavors: BOTH,
    env: ['AWS_SHARED_CREDENTIALS_FILE'],
    description: 'Shared credentials files.',
  },
  {
    name: 'shared_config_files',
    type: 'set(string)',
    flavors: BOTH,
    env: ['AWS_SHARED_CONFIG_FILE'],
    sdkEnv: ['AWS_CONFIG_FILE'],
    description: 'Shared config files.',
  },
  {
    name: 'skip_credentials_validation',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'Skip STS GetCallerIdentity.',
  },
  {
    name: 'skip_metadata_api_check',
    type: 'bool',
    flavors: BOTH,
    sdkEnv: ['AWS_EC2_METADATA_DISABLED'],
    description: 'Disable the instance metadata service.',
  },
  {
    name: 'skip_region_validation',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'Accept any region name.',
  },
  {
    name: 'skip_requesting_account_id',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'Do not look up the account ID.',
  },
  {
    name: 'skip_s3_checksum',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'Send no checksum headers.',
  },
  {
    name: 'force_path_style',
    type: 'bool',
    flavors: BOTH,
    deprecated: { replacement: 'use_path_style', flavors: BOTH },
    description: 'Legacy path-style switch.',
  },
  {
    name: 'use_path_style',
    type: 'bool',
    flavors: BOTH,
    default: false,
    description: 'Path-style S3 URLs.',
  },
  {
    name: 'retry_mode',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_RETRY_MODE'],
    description: 'standard or adaptive.',
  },
  { name: 'max_retries', type: 'number', flavors: BOTH, default: 5, description: 'Maximum retries.' },
  {
    name: 'custom_ca_bundle',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_CA_BUNDLE'],
    description: 'PEM CA bundle file.',
  },
  {
    name: 'ec2_metadata_service_endpoint',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_METADATA_URL'],
    description: 'Instance metadata endpoint.',
  },
  {
    name: 'ec2_metadata_service_endpoint_mode',
    type: 'string',
    flavors: BOTH,
    env: ['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'],
    description: 'IPv4 or IPv6.',
  },
  {
    name: 'assume_role',
    type: 'object',
    flavors: BOTH,
    nested: ASSUME_ROLE_ATTRIBUTES,
    nestedForm: 'block',
    description: 'Role to assume.',
  },
  {
    name: 'assume_role_with_web_identity',
    type: 'object',
    flavors: BOTH,
    nested: WEB_IDENTITY_ATTRIBUTES,
    nestedForm: 'block',
    description: 'Role to assume with an OIDC token.',
  },
  {
    name: 'allowed_account_ids',
    type: 'set(string)',
    flavors: BOTH,
    description: 'Accounts allowed.',
  },
  {
    name: 'forbidden_account_ids',
    type: 'set(string)',
    flavors: BOTH,
    description: 'Accounts forbidden.',
  },
  {
    name: 'http_proxy',
    type: 'string',
    flavors: BOTH,
    env: ['HTTP_PROXY', 'http_proxy'],
    description: 'Proxy for HTTP requests.',
  },
  {
    name: 'https_proxy',
    type: 'string',
    flavors: BOTH,
    env: ['HTTPS_PROXY', 'https_proxy'],
    description: 'Proxy for HTTPS requests.',
  },
  {
    name: 'no_proxy',
    type: 'string',
    flavors: BOTH,
    env: ['NO_PROXY', 'no_proxy'],
    description: 'Hosts that bypass the proxy.',
  },
  { name: 'insecure', type: 'bool', flavors: BOTH, default: false, description: 'Skip TLS verification.' },
  {
    name: 'use_dualstack_endpoint',
    type: 'bool',
    flavors: BOTH,
    default: false,
    env: ['AWS_USE_DUALSTACK_ENDPOINT'],
    description: 'Dual-stack endpoints.',
  },
  {
    name: 'use_fips_endpoint',
    type: 'bool',
    flavors: BOTH,
    default: false,
    env: ['AWS_USE_FIPS_ENDPOINT'],
    description: 'FIPS endpoints.',
  },
  { name: 'state_tags', type: 'map(string)', flavors: TOFU, description: 'Tags of the state object.' },
  { name: 'lock_tags', type: 'map(string)', flavors: TOFU, description: 'Tags of the lock file.' },
  // OpenTofu-only deprecated flat assume-role attributes (mapped onto assume_role.*).
  {
    name: 'role_arn',
    type: 'string',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.role_arn', flavors: TOFU },
    description: 'Legacy flat assume_role.role_arn.',
  },
  {
    name: 'session_name',
    type: 'string',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.session_name', flavors: TOFU },
    description: 'Legacy flat assume_role.session_name.',
  },
  {
    name: 'external_id',
    type: 'string',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.external_id', flavors: TOFU },
    description: 'Legacy flat assume_role.external_id.',
  },
  {
    name: 'assume_role_duration_seconds',
    type: 'number',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.duration', flavors: TOFU },
    description: 'Legacy flat assume_role.duration (seconds).',
  },
  {
    name: 'assume_role_policy',
    type: 'string',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.policy', flavors: TOFU },
    description: 'Legacy flat assume_role.policy.',
  },
  {
    name: 'assume_role_policy_arns',
    type: 'set(string)',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.policy_arns', flavors: TOFU },
    description: 'Legacy flat assume_role.policy_arns.',
  },
  {
    name: 'assume_role_tags',
    type: 'map(string)',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.tags', flavors: TOFU },
    description: 'Legacy flat assume_role.tags.',
  },
  {
    name: 'assume_role_transitive_tag_keys',
    type: 'set(string)',
    flavors: TOFU,
    deprecated: { replacement: 'assume_role.transitive_tag_keys', flavors: TOFU },
    description: 'Legacy flat assume_role.transitive_tag_keys.',
  },
];

/** Names of the OpenTofu flat assume-role attributes, in the order its messages list them. */
export const FLAT_ASSUME_ROLE_ATTRIBUTES: readonly string[] = BACKEND_ATTRIBUTES.filter((a) =>
  a.deprecated?.replacement.startsWith('assume_role.'),
).map((a) => a.name);

/** Attributes accepted by `flavor` at `path` (top level when `parent` is undefined). */
export function attributesFor(flavor: Flavor, parent?: string): AttributeSpec[] {
  const rows = parent === undefined ? BACKEND_ATTRIBUTES : (findAttribute(parent)?.nested ?? []);
  return rows.filter((a) => a.flavors.includes(flavor));
}

/** The row of a top-level attribute (any flavor), or undefined. */
export function findAttribute(name: string): AttributeSpec | undefined {
  return BACKEND_ATTRIBUTES.find((a) => a.name === name);
}

/** The row of an attribute path such as `assume_role.role_arn` (any flavor), or undefined. */
export function findAttributePath(path: string): AttributeSpec | undefined {
  const [head, child] = path.split('.', 2);
  const top = findAttribute(head ?? '');
  if (child === undefined) return top;
  return top?.nested?.find((a) => a.name === child);
}
