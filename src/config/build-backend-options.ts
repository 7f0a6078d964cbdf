import type { AssumeRoleOptions, AwsOptions, WebIdentityOptions } from '../aws/aws-options.ts';
import { BACKEND_SETTINGS_DEFAULTS, type BackendSettings } from '../backend/backend-settings.ts';
import type { Diagnostic } from '../errors.ts';
import {
  BACKEND_ATTRIBUTES,
  ENDPOINT_ATTRIBUTES,
  type Flavor,
  WEB_IDENTITY_ATTRIBUTES,
} from './backend-attributes.ts';
import type { ResolvedValue } from './config-layer.ts';
import { parseGoDuration } from './go-duration.ts';

type Env = Record<string, string | undefined>;

/** Services with a configurable endpoint. */
export type EndpointService = 's3' | 'iam' | 'sts' | 'dynamodb' | 'sso';

/** Parses a boolean environment variable like the peers' `boolAttrDefaultEnvVarOk`: `true`/`false` (any case), else ignored. */
export function parseEnvBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  return undefined;
}

/**
 * Adds environment fallbacks and defaults to the configured values. For each attribute the configuration
 * leaves unset:
 * 1. the first non-empty environment variable of the attribute's `env` list (source `env`);
 * 2. else the attribute's default (source `default`).
 *
 * `assume_role_with_web_identity`, when configured, gets its members from `AWS_ROLE_ARN`,
 * `AWS_ROLE_SESSION_NAME`, `AWS_WEB_IDENTITY_TOKEN`, `AWS_WEB_IDENTITY_TOKEN_FILE` when unset.
 * Endpoints are resolved separately ({@link resolveEndpoints}).
 */
export function applyEnvAndDefaults(
  configured: Record<string, ResolvedValue>,
  env: Env,
  flavor: Flavor,
): Record<string, ResolvedValue> {
  const out: Record<string, ResolvedValue> = { ...configured };
  for (const spec of BACKEND_ATTRIBUTES) {
    if (!spec.flavors.includes(flavor) || out[spec.name] !== undefined) continue;
    let done = false;
    for (const name of spec.env ?? []) {
      const v = env[name];
      if (v === undefined || v === '') continue;
      if (spec.type === 'bool') {
        const b = parseEnvBool(v);
        if (b === undefined) continue;
        out[spec.name] = { value: b, source: { kind: 'env', name } };
      } else if (spec.type === 'set(string)' || spec.type === 'list(string)') {
        // A single path, like the peers' `stringSliceAttrDefaultEnvVarOk`.
        out[spec.name] = { value: [v], source: { kind: 'env', name } };
      } else {
        out[spec.name] = { value: v, source: { kind: 'env', name } };
      }
      done = true;
      break;
    }
    if (!done && spec.default !== undefined)
      out[spec.name] = { value: spec.default, source: { kind: 'default' } };
  }
  const wi = out.assume_role_with_web_identity;
  if (wi && typeof wi.value === 'object' && wi.value !== null) {
    const merged = { ...(wi.value as Record<string, unknown>) };
    for (const spec of WEB_IDENTITY_ATTRIBUTES) {
      if (merged[spec.name] !== undefined) continue;
      for (const name of spec.env ?? []) {
        const v = env[name];
        if (v !== undefined && v !== '') {
          merged[spec.name] = v;
          break;
        }
      }
    }
    out.assume_role_with_web_identity = { value: merged, source: wi.source };
  }
  return out;
}

/** OpenTofu's `includeProtoIfNecessary`: prefixes `https://` unless the value contains `://`. */
export function includeProtoIfNecessary(endpoint: string): string {
  return /[a-z]*:\/\/.*/.test(endpoint) ? endpoint : `https://${endpoint}`;
}

const LEGACY_ATTR: Record<string, string> = {
  s3: 'endpoint',
  iam: 'iam_endpoint',
  sts: 'sts_endpoint',
  dynamodb: 'dynamodb_endpoint',
};

/**
 * Resolves each service's endpoint with both peers' precedence (spec §1.3, TestStsEndpoint):
 * 1. `endpoints.<svc>`
 * 2. the legacy attribute (`endpoint`, `iam_endpoint`, `sts_endpoint`, `dynamodb_endpoint`)
 * 3. `AWS_ENDPOINT_URL_<SVC>`
 * 4. the legacy variable (`AWS_S3_ENDPOINT`, `AWS_IAM_ENDPOINT`, `AWS_STS_ENDPOINT`, `AWS_DYNAMODB_ENDPOINT`)
 * 5. `AWS_ENDPOINT_URL`
 * (then the shared config file's service and global `endpoint_url`, which the AWS client factory reads).
 * Values are returned as written; callers apply {@link includeProtoIfNecessary} where needed.
 */
export function resolveEndpoints(
  values: Record<string, ResolvedValue>,
  env: Env,
  flavor: Flavor,
): Partial<Record<EndpointService, ResolvedValue>> {
  const out: Partial<Record<EndpointService, ResolvedValue>> = {};
  const eps = values.endpoints;
  const epObj = (eps?.value ?? {}) as Record<string, unknown>;
  for (const spec of ENDPOINT_ATTRIBUTES) {
    if (!spec.flavors.includes(flavor)) continue;
    const svc = spec.name as EndpointService;
    const fromBlock = epObj[svc];
    if (typeof fromBlock === 'string' && eps) {
      out[svc] = { value: fromBlock, source: eps.source };
      continue;
    }
    const legacyName = LEGACY_ATTR[svc];
    const legacy = legacyName === undefined ? undefined : values[legacyName];
    if (legacy && typeof legacy.value === 'string') {
      out[svc] = legacy;
      continue;
    }
    for (const name of [...(spec.env ?? []), 'AWS_ENDPOINT_URL']) {
      const v = env[name];
      if (v !== undefined && v !== '') {
        out[svc] = { value: v, source: { kind: 'env', name } };
        break;
      }
    }
  }
  return out;
}

const DEPRECATED_ENV: readonly (readonly [string, string])[] = [
  ['AWS_DYNAMODB_ENDPOINT', 'AWS_ENDPOINT_URL_DYNAMODB'],
  ['AWS_IAM_ENDPOINT', 'AWS_ENDPOINT_URL_IAM'],
  ['AWS_S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3'],
  ['AWS_STS_ENDPOINT', 'AWS_ENDPOINT_URL_STS'],
  ['AWS_METADATA_URL', 'AWS_EC2_METADATA_SERVICE_ENDPOINT'],
];

/** Terraform's "Deprecated Environment Variable" warnings for legacy variables that are set (none for OpenTofu). */
export function deprecatedEnvWarnings(env: Env, flavor: Flavor): Diagnostic[] {
  if (flavor !== 'terraform') return [];
  return DEPRECATED_ENV.filter(([old]) => env[old] !== undefined && env[old] !== '').map(([old, now]) => ({
    severity: 'warning' as const,
    summary: 'Deprecated Environment Variable',
    detail: `The environment variable "${old}" is deprecated. Use environment variable "${now}" instead.`,
  }));
}

function s(values: Record<string, ResolvedValue>, name: string): string | undefined {
  const v = values[name]?.value;
  return typeof v === 'string' ? v : undefined;
}
function b(values: Record<string, ResolvedValue>, name: string): boolean | undefined {
  const v = values[name]?.value;
  return typeof v === 'boolean' ? v : undefined;
}
function list(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}
function map(v: unknown): Record<string, string> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : undefined;
}
function durationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const r = parseGoDuration(v);
  return r.ok ? Number(r.nanos / 1_000_000_000n) : undefined;
}

/** Maps resolved values (with env and defaults applied) onto the core's {@link BackendSettings}. */
export function toBackendSettings(values: Record<string, ResolvedValue>): BackendSettings {
  const table = s(values, 'dynamodb_table');
  return {
    bucket: s(values, 'bucket') ?? '',
    key: s(values, 'key') ?? '',
    region: s(values, 'region') ?? '',
    workspaceKeyPrefix: s(values, 'workspace_key_prefix') ?? BACKEND_SETTINGS_DEFAULTS.workspaceKeyPrefix,
    dynamodbTable: table === '' ? undefined : table,
    useLockfile: b(values, 'use_lockfile') ?? BACKEND_SETTINGS_DEFAULTS.useLockfile,
    encrypt: b(values, 'encrypt') ?? BACKEND_SETTINGS_DEFAULTS.encrypt,
    kmsKeyId: s(values, 'kms_key_id') || undefined,
    sseCustomerKey: s(values, 'sse_customer_key') || undefined,
    acl: s(values, 'acl') || undefined,
    stateTags: map(values.state_tags?.value),
    lockTags: map(values.lock_tags?.value),
    skipS3Checksum: b(values, 'skip_s3_checksum') ?? BACKEND_SETTINGS_DEFAULTS.skipS3Checksum,
  };
}

function assumeRoleOptions(values: Record<string, ResolvedValue>): AssumeRoleOptions | undefined {
  const block = map(values.assume_role?.value) as Record<string, unknown> | undefined;
  if (block) {
    const policy = typeof block.policy === 'string' ? block.policy.trim() : undefined;
    return {
      roleArn: typeof block.role_arn === 'string' ? block.role_arn : '',
      durationSeconds: durationSeconds(block.duration),
      externalId: block.external_id as string | undefined,
      policy,
      policyArns: list(block.policy_arns),
      sessionName: block.session_name as string | undefined,
      sourceIdentity: block.source_identity as string | undefined,
      tags: map(block.tags),
      transitiveTagKeys: list(block.transitive_tag_keys),
    };
  }
  const roleArn = s(values, 'role_arn');
  if (roleArn === undefined) return undefined;
  const secs = values.assume_role_duration_seconds?.value;
  return {
    roleArn,
    durationSeconds: typeof secs === 'number' && secs > 0 ? secs : undefined,
    externalId: s(values, 'external_id'),
    policy: s(values, 'assume_role_policy'),
    policyArns: list(values.assume_role_policy_arns?.value),
    sessionName: s(values, 'session_name'),
    tags: map(values.assume_role_tags?.value),
    transitiveTagKeys: list(values.assume_role_transitive_tag_keys?.value),
  };
}

function webIdentityOptions(values: Record<string, ResolvedValue>): WebIdentityOptions | undefined {
  const block = map(values.assume_role_with_web_identity?.value) as Record<string, unknown> | undefined;
  if (!block) return undefined;
  return {
    roleArn: block.role_arn as string | undefined,
    webIdentityToken: block.web_identity_token as string | undefined,
    webIdentityTokenFile: block.web_identity_token_file as string | undefined,
    sessionName: block.session_name as string | undefined,
    policy: block.policy as string | undefined,
    policyArns: list(block.policy_arns),
    durationSeconds: durationSeconds(block.duration),
  };
}

/**
 * Maps resolved values (with env and defaults applied) and resolved endpoints onto the AWS client
 * factory's {@link AwsOptions}. Endpoint URLs get `https://` when they have no scheme (OpenTofu's rule;
 * the JavaScript SDK needs a full URL). `use_path_style` wins over `force_path_style`.
 */
export function toAwsOptions(
  values: Record<string, ResolvedValue>,
  endpoints: Partial<Record<EndpointService, ResolvedValue>>,
  env: Env,
  flavor: Flavor = 'opentofu',
): AwsOptions {
  const eps: AwsOptions['endpoints'] = {};
  for (const [svc, rv] of Object.entries(endpoints)) {
    if (typeof rv.value === 'string' && rv.value !== '')
      eps[svc as EndpointService] = includeProtoIfNecessary(rv.value);
  }
  const sharedCreds = list(values.shared_credentials_files?.value);
  const legacyCreds = s(values, 'shared_credentials_file');
  const retry = s(values, 'retry_mode');
  const mode = s(values, 'ec2_metadata_service_endpoint_mode');
  const maxRetries = values.max_retries?.value;
  const appendUa = env.TF_APPEND_USER_AGENT;
  return {
    region: s(values, 'region') ?? '',
    accessKey: s(values, 'access_key'),
    secretKey: s(values, 'secret_key'),
    token: s(values, 'token'),
    profile: s(values, 'profile'),
    sharedConfigFiles: list(values.shared_config_files?.value),
    sharedCredentialsFiles: sharedCreds ?? (legacyCreds === undefined ? undefined : [legacyCreds]),
    endpoints: eps,
    usePathStyle: b(values, 'use_path_style') ?? b(values, 'force_path_style') ?? false,
    maxRetries: typeof maxRetries === 'number' ? Math.trunc(maxRetries) : 5,
    retryMode: retry === 'standard' || retry === 'adaptive' ? retry : undefined,
    customCaBundle: s(values, 'custom_ca_bundle'),
    insecure: b(values, 'insecure') ?? false,
    // Terraform hands proxies to aws-sdk-go-base in "legacy" mode (an http_proxy also carries HTTPS,
    // with a warning); OpenTofu uses "separate" mode. In legacy mode only a configured http_proxy is
    // passed on: an HTTP_PROXY from the environment never carries HTTPS in Go.
    httpProxyMode: flavor === 'terraform' ? 'legacy' : 'separate',
    httpProxy:
      flavor === 'terraform' && values.http_proxy?.source.kind === 'env'
        ? undefined
        : s(values, 'http_proxy'),
    httpsProxy: s(values, 'https_proxy'),
    noProxy: s(values, 'no_proxy'),
    skipCredentialsValidation: b(values, 'skip_credentials_validation') ?? false,
    skipRegionValidation: b(values, 'skip_region_validation') ?? false,
    skipMetadataApiCheck: b(values, 'skip_metadata_api_check'),
    skipRequestingAccountId: b(values, 'skip_requesting_account_id') ?? false,
    skipS3Checksum: b(values, 'skip_s3_checksum') ?? false,
    stsRegion: s(values, 'sts_region'),
    ec2MetadataServiceEndpoint: s(values, 'ec2_metadata_service_endpoint'),
    ec2MetadataServiceEndpointMode: mode === 'IPv4' || mode === 'IPv6' ? mode : undefined,
    useDualstackEndpoint: b(values, 'use_dualstack_endpoint') ?? false,
    useFipsEndpoint: b(values, 'use_fips_endpoint') ?? false,
    allowedAccountIds: list(values.allowed_account_ids?.value),
    forbiddenAccountIds: list(values.forbidden_account_ids?.value),
    assumeRole: assumeRoleOptions(values),
    assumeRoleWithWebIdentity: webIdentityOptions(values),
    appendUserAgent: appendUa === undefined || appendUa === '' ? undefined : appendUa,
  };
}
