import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { ConfigError, S3StateError } from '../errors.ts';
import type { AwsOptions } from './aws-options.ts';
import { createHttpHandler, tlsOptions, type HttpSettings } from './create-http-handler.ts';
import type { DynamoDBLike, S3Like } from '../remote/facades.ts';
import { LeanDynamoDBClient, LeanS3Client, type LeanClientOptions } from './lean-clients.ts';
import { loadDynamoDb, loadS3, loadSts } from './load-sdk.ts';
import { createCredentialChain, type AwsEvent } from './credential-chain.ts';
import { redactUrl, resolveProxyConfig } from './proxy-config.ts';
import { resolveSharedFilePaths, SharedAwsFiles, expandHome } from './shared-aws-files.ts';
import { userAgentPairs } from './user-agent.ts';

export type { AwsEvent } from './credential-chain.ts';

/** The SDK clients of one backend configuration, built lazily and once. */
export interface AwsClients {
  /**
   * S3 client (custom endpoint, path style, checksum mode applied). Like the other getters it
   * throws an `S3StateError` when `custom_ca_bundle` cannot be read or a proxy address is invalid.
   */
  s3(): S3Client;
  /** DynamoDB client (custom endpoint applied). */
  dynamodb(): DynamoDBClient;
  /**
   * The S3 client the core should use: the lean reader (see `lean-clients.ts`) when this configuration
   * allows it, which serves GetObject/ListObjectsV2 without loading the SDK and hands everything else
   * to {@link s3}; otherwise {@link s3} itself.
   */
  s3Facade(): S3Like;
  /** Like {@link s3Facade}, for DynamoDB (GetItem lean). */
  dynamodbFacade(): DynamoDBLike;
  /** STS client (`sts_region`, custom endpoint applied). */
  sts(): STSClient;
  /**
   * Resolves the credentials and says where they came from, for `doctor`/`config` views.
   * Never returns the secret key or the session token.
   */
  credentials(): Promise<{ accessKeyId: string; source: string; expiration?: Date }>;
  /**
   * What the peers do at configure time, with STS `GetCallerIdentity`:
   * 1. `skip_requesting_account_id`: no account lookup (the lists are not checked, a warning says so);
   *    the credentials are still validated with one call unless `skip_credentials_validation`;
   * 2. `skip_credentials_validation` and no account lists: no call at all;
   * 3. otherwise the account ID is read, `allowed_account_ids` / `forbidden_account_ids` are enforced
   *    (`ConfigError` "Invalid account ID" / "AWS account ID not allowed: <id>") and the ID is returned.
   * Returns undefined when no account ID was read.
   */
  verifyAccount(): Promise<string | undefined>;
  /** Closes every client built so far and forgets in-memory copies of the shared files. */
  destroy(): void;
}

/** Optional collaborators of {@link createAwsClients}. */
export interface AwsClientsDeps {
  /** Environment to read (`AWS_*`, proxies, HOME). @default process.env */
  env?: Record<string, string | undefined>;
  /** Receives progress and warnings (never secrets). */
  reporter?: (e: AwsEvent) => void;
}

/** SDK retry settings for a `max_retries` / `retry_mode` pair. */
export function retrySettings(
  maxRetries: number,
  retryMode: 'standard' | 'adaptive' | undefined,
  env: Record<string, string | undefined>,
): { maxAttempts?: number; retryMode: 'standard' | 'adaptive' } {
  const envMode = env['AWS_RETRY_MODE']?.toLowerCase();
  const mode = retryMode ?? (envMode === 'adaptive' || envMode === 'standard' ? envMode : 'standard');
  // The peers pass max_retries as aws-sdk-go-v2's RetryMaxAttempts (total attempts) and leave the SDK
  // default when it is 0 (aws-sdk-go-base), so we do the same with the JS SDK's maxAttempts.
  return maxRetries > 0 ? { maxAttempts: maxRetries, retryMode: mode } : { retryMode: mode };
}

/**
 * Builds the AWS client factory for one resolved backend configuration.
 *
 * Credentials follow the standard chain (see `createCredentialChain`): configuration keys,
 * the `profile` attribute, environment keys, environment web identity, shared profiles
 * (static, `credential_process`, SSO, role chaining), container, then instance metadata;
 * `assume_role_with_web_identity` and `assume_role` are applied on top. All clients share one
 * memoized credential provider. Endpoints, path style, retries, proxies, CA bundle, `insecure`,
 * the user agent and `skip_s3_checksum` apply to every client (the inner STS clients included).
 */
export function createAwsClients(opts: AwsOptions, deps: AwsClientsDeps = {}): AwsClients {
  const env = deps.env ?? process.env;
  const reporter = deps.reporter;

  let httpSettings: HttpSettings | undefined;
  const http = (): HttpSettings => {
    if (httpSettings) return httpSettings;
    const proxy = resolveProxyConfig(
      {
        httpProxy: opts.httpProxy,
        httpsProxy: opts.httpsProxy,
        noProxy: opts.noProxy,
        mode: opts.httpProxyMode,
      },
      env,
    );
    const caPath = opts.customCaBundle ?? (env['AWS_CA_BUNDLE'] || undefined);
    let ca: string | undefined;
    if (caPath !== undefined) {
      const path = expandHome(caPath, env);
      try {
        ca = readFileSync(path, 'utf8');
      } catch (e) {
        throw new S3StateError('AWS', 'Cannot read custom CA bundle', {
          cause: e,
          detail: `custom_ca_bundle "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        });
      }
    }
    httpSettings = { proxy, ca, insecure: opts.insecure };
    if (proxy.httpProxyUsedForHttps && proxy.httpProxy) {
      reporter?.({
        kind: 'warning',
        message: `Missing HTTPS Proxy: http_proxy (${redactUrl(proxy.httpProxy.href)}) is also used for HTTPS requests because neither https_proxy nor HTTPS_PROXY is set. Set https_proxy (or an empty https_proxy for no HTTPS proxy).`,
      });
    } else if (proxy.httpsProxy === undefined && proxy.httpProxy !== undefined) {
      reporter?.({
        kind: 'warning',
        message: `http_proxy (${redactUrl(proxy.httpProxy.href)}) is used for http:// endpoints only; set https_proxy for HTTPS requests.`,
      });
    }
    return httpSettings;
  };

  const retry = retrySettings(opts.maxRetries, opts.retryMode, env);
  const userAgent = userAgentPairs(opts.appendUserAgent ?? env['TF_APPEND_USER_AGENT']);

  const commonConfig = (region: string): Record<string, unknown> => ({
    region,
    ...retry,
    customUserAgent: userAgent,
    useDualstackEndpoint: opts.useDualstackEndpoint,
    useFipsEndpoint: opts.useFipsEndpoint,
    requestHandler: createHttpHandler(http()),
  });
  const stsRegion = opts.stsRegion || opts.region;
  const stsClientConfig = (): Record<string, unknown> => ({
    ...commonConfig(stsRegion),
    ...(opts.endpoints.sts ? { endpoint: opts.endpoints.sts } : {}),
  });

  const ssoClientConfig = (): Record<string, unknown> => {
    const { region: _region, ...rest } = commonConfig(opts.region);
    return { ...rest, ...(opts.endpoints.sso ? { endpoint: opts.endpoints.sso } : {}) };
  };

  const paths = resolveSharedFilePaths(opts, env);
  const files = new SharedAwsFiles(paths);
  const chain = createCredentialChain(opts, { env, files, stsClientConfig, ssoClientConfig, reporter });

  let s3: S3Client | undefined;
  let dynamodb: DynamoDBClient | undefined;
  let sts: STSClient | undefined;
  let leanS3: LeanS3Client | undefined;
  let leanDynamoDb: LeanDynamoDBClient | undefined;

  const leanOptions = (service: 's3' | 'dynamodb'): LeanClientOptions | undefined => {
    const endpoint = leanEndpoint(opts, env, service, paths.config);
    if (!endpoint) return undefined;
    let settings: HttpSettings;
    try {
      settings = http();
    } catch {
      return undefined; // the SDK client reports the bad CA bundle or proxy
    }
    if (settings.proxy.httpProxy || settings.proxy.httpsProxy) return undefined;
    const ua = userAgent.map(([n, v]) => (v === undefined ? n : `${n}/${v}`)).join(' ');
    return {
      endpoint,
      region: opts.region,
      forcePathStyle: opts.usePathStyle,
      credentials: chain.provider,
      tls: tlsOptions(settings),
      userAgent: `lang/js md/nodejs#${process.versions.node} os/${process.platform} api/${service} ${ua}`,
    };
  };

  const clients: AwsClients = {
    s3() {
      s3 ??= new (loadS3().S3Client)({
        ...commonConfig(opts.region),
        credentials: chain.provider,
        forcePathStyle: opts.usePathStyle,
        ...(opts.endpoints.s3 ? { endpoint: opts.endpoints.s3 } : {}),
        requestChecksumCalculation: opts.skipS3Checksum ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
        responseChecksumValidation: opts.skipS3Checksum ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      });
      return s3;
    },
    dynamodb() {
      dynamodb ??= new (loadDynamoDb().DynamoDBClient)({
        ...commonConfig(opts.region),
        credentials: chain.provider,
        ...(opts.endpoints.dynamodb ? { endpoint: opts.endpoints.dynamodb } : {}),
      });
      return dynamodb;
    },
    s3Facade() {
      if (leanS3) return leanS3;
      const o = leanOptions('s3');
      if (!o) return clients.s3();
      leanS3 = new LeanS3Client(o, () => clients.s3());
      return leanS3;
    },
    dynamodbFacade() {
      if (leanDynamoDb) return leanDynamoDb;
      const o = leanOptions('dynamodb');
      if (!o) return clients.dynamodb();
      leanDynamoDb = new LeanDynamoDBClient(o, () => clients.dynamodb());
      return leanDynamoDb;
    },
    sts() {
      sts ??= new (loadSts().STSClient)({ ...stsClientConfig(), credentials: chain.provider });
      return sts;
    },
    async credentials() {
      const { credentials, source } = await chain.resolve();
      return {
        accessKeyId: credentials.accessKeyId,
        source,
        ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
      };
    },
    async verifyAccount() {
      const allowed = opts.allowedAccountIds ?? [];
      const forbidden = opts.forbiddenAccountIds ?? [];
      const lists = allowed.length > 0 || forbidden.length > 0;
      const callerIdentity = async (what: string): Promise<string | undefined> => {
        try {
          return (await clients.sts().send(new (loadSts().GetCallerIdentityCommand)({}))).Account;
        } catch (e) {
          if (e instanceof S3StateError) throw e;
          throw new S3StateError('AWS', what, {
            cause: e,
            detail: `retrieving caller identity from STS: ${e instanceof Error ? e.message : String(e)}`,
            hint: 'Check the credentials and the STS endpoint, or set skip_credentials_validation / skip_requesting_account_id.',
          });
        }
      };
      if (opts.skipRequestingAccountId) {
        if (lists) {
          reporter?.({
            kind: 'warning',
            message:
              'allowed_account_ids/forbidden_account_ids are not checked because skip_requesting_account_id is set.',
          });
        }
        if (!opts.skipCredentialsValidation) await callerIdentity('Validating provider credentials');
        return undefined;
      }
      if (opts.skipCredentialsValidation && !lists) return undefined;
      const account = await callerIdentity('Retrieving AWS account details');
      if (account === undefined) return undefined;
      const notAllowed =
        (allowed.length > 0 && !allowed.includes(account)) ||
        (forbidden.length > 0 && forbidden.includes(account));
      if (notAllowed) {
        throw new ConfigError([
          {
            severity: 'error',
            summary: 'Invalid account ID',
            detail: `AWS account ID not allowed: ${account}`,
          },
        ]);
      }
      return account;
    },
    destroy() {
      s3?.destroy();
      dynamodb?.destroy();
      sts?.destroy();
      leanS3?.destroy();
      leanDynamoDb?.destroy();
      s3 = dynamodb = sts = undefined;
      leanS3 = leanDynamoDb = undefined;
      files.dispose();
    },
  };
  return clients;
}

/** Regions of the `aws` and `aws-us-gov` partitions, whose endpoints are `<service>.<region>.amazonaws.com`. */
const AMAZONAWS_REGION = /^(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?[a-z]+-\d+$/;

/** Settings that can move the SDK's endpoint away from the one the backend configuration names. */
const ENDPOINT_ENV =
  /^AWS_(?:ENDPOINT_URL|USE_FIPS_ENDPOINT|USE_DUALSTACK_ENDPOINT|IGNORE_CONFIGURED_ENDPOINT_URLS)/;
const ENDPOINT_PROFILE_KEYS = /^\s*(?:endpoint_url|use_fips_endpoint|use_dualstack_endpoint|services)\s*=/m;

/**
 * The endpoint the lean reader may use for `service`, or undefined when only the SDK knows it:
 * FIPS or dual-stack endpoints, regions outside the standard partitions, or (with no endpoint in the
 * configuration) an `AWS_ENDPOINT_URL*`-style variable or a shared config file that sets endpoints.
 */
function leanEndpoint(
  opts: AwsOptions,
  env: Record<string, string | undefined>,
  service: 's3' | 'dynamodb',
  configFiles: readonly string[],
): URL | undefined {
  if (env['S3STATE_LEAN_READS'] === '0' || opts.useFipsEndpoint || opts.useDualstackEndpoint)
    return undefined;
  const custom = opts.endpoints[service];
  if (custom) {
    try {
      const url = new URL(custom);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
    } catch {
      return undefined;
    }
  }
  if (!AMAZONAWS_REGION.test(opts.region)) return undefined;
  if (Object.keys(env).some((k) => ENDPOINT_ENV.test(k) && env[k])) return undefined;
  for (const f of configFiles) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (ENDPOINT_PROFILE_KEYS.test(text)) return undefined;
  }
  return new URL(`https://${service}.${opts.region}.amazonaws.com`);
}
