import { readFile } from 'node:fs/promises';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { S3StateError } from '../errors.ts';
import type { AssumeRoleOptions, AwsOptions, WebIdentityOptions } from './aws-options.ts';
import { fetchImdsCredentials } from './imds-credentials.ts';
import { loadCredentialProviders } from './load-sdk.ts';
import { expandHome, type SharedAwsFiles } from './shared-aws-files.ts';

/** Credentials plus a human-readable name of where they came from (never the secret). */
export interface SourcedCredentials {
  credentials: AwsCredentialIdentity;
  /** e.g. `config`, `environment`, `shared profile "dev" (credential_process)`, `assume_role arn:… via environment`. */
  source: string;
}

/** What the chain needs besides the options. */
export interface CredentialChainContext {
  env: Record<string, string | undefined>;
  files: SharedAwsFiles;
  /** Configuration for the SDK's inner STS clients (region, endpoint, handler, retries, user agent). */
  stsClientConfig: () => Record<string, unknown>;
  /**
   * Configuration for the SDK's inner SSO client: like the STS one but without a region (the
   * profile's `sso_region` applies) and with `endpoints.sso` as its endpoint.
   */
  ssoClientConfig: () => Record<string, unknown>;
  reporter?: ((e: AwsEvent) => void) | undefined;
}

/** Progress/warning events the AWS factory reports. */
export interface AwsEvent {
  kind: 'credentials' | 'warning';
  message: string;
}

type Resolver = () => Promise<AwsCredentialIdentity>;

interface Chosen {
  source: string;
  resolve: Resolver;
}

/** Keys that make a shared profile a credential source of its own. */
const PROFILE_CREDENTIAL_KEYS = [
  'aws_access_key_id',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'role_arn',
  'web_identity_token_file',
  'login_session',
];

function profileKind(p: Record<string, string>): string {
  if (p['role_arn'] && p['web_identity_token_file']) return 'web identity';
  if (p['role_arn']) return 'assume role';
  if (p['sso_session'] || p['sso_start_url']) return 'SSO';
  if (p['credential_process']) return 'credential_process';
  if (p['aws_access_key_id']) return 'static keys';
  return 'profile';
}

function noCredentials(reason: string, cause?: unknown): S3StateError {
  return new S3StateError('AWS', 'No valid credential sources found', {
    cause,
    detail: `Error: ${reason}`,
    hint: 'Provide credentials with access_key/secret_key, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared profile, web identity, or a container/instance role.',
  });
}

/** Redacts anything that looks like a secret in an SDK error message before we repeat it. */
function safeMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // SDK messages carry no secrets, but be safe with anything shaped like a secret access key.
  return m.replace(/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, '<redacted>').slice(0, 2000);
}

/**
 * Builds the credential provider of one factory. Base credentials, first match wins
 * (the order aws-sdk-go-v2 and aws-sdk-go-base use, which is what the peers document):
 * 1. `access_key` + `secret_key` (+ `token`) from the backend configuration;
 * 2. the `profile` attribute (a named shared profile; it beats environment keys);
 * 3. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`);
 * 4. `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`);
 * 5. the profile named by `AWS_PROFILE` (must exist), else `default` when it holds credentials —
 *    static keys, `credential_process`, SSO, `role_arn`+`source_profile`, web identity;
 * 6. container credentials (`AWS_CONTAINER_CREDENTIALS_FULL_URI` / `_RELATIVE_URI`);
 * 7. EC2 instance metadata, unless `skip_metadata_api_check` or `AWS_EC2_METADATA_DISABLED=true`.
 *
 * Then `assume_role_with_web_identity` (when configured) replaces the base credentials, and
 * `assume_role` (when configured) assumes the role with whatever came before.
 * The result is memoized and refreshed five minutes before it expires.
 */
export function createCredentialChain(
  opts: AwsOptions,
  ctx: CredentialChainContext,
): {
  provider: AwsCredentialIdentityProvider;
  resolve: () => Promise<SourcedCredentials>;
} {
  let chosen: Promise<Chosen> | undefined;
  const choose = (): Promise<Chosen> => {
    chosen ??= buildChosen(opts, ctx).catch((e: unknown) => {
      chosen = undefined;
      throw e;
    });
    return chosen;
  };

  let cached: SourcedCredentials | undefined;
  let inflight: Promise<SourcedCredentials> | undefined;
  const resolve = (): Promise<SourcedCredentials> => {
    const exp = cached?.credentials.expiration;
    if (cached && (!exp || exp.getTime() - Date.now() > 5 * 60_000)) return Promise.resolve(cached);
    inflight ??= (async () => {
      try {
        const c = await choose();
        const credentials = await c.resolve();
        cached = { credentials, source: c.source };
        ctx.reporter?.({ kind: 'credentials', message: `AWS credentials from ${c.source}` });
        return cached;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };
  return { provider: async () => (await resolve()).credentials, resolve };
}

async function buildChosen(opts: AwsOptions, ctx: CredentialChainContext): Promise<Chosen> {
  let base: Chosen | undefined;
  if (opts.assumeRoleWithWebIdentity) {
    base = await webIdentityFromOptions(opts.assumeRoleWithWebIdentity, ctx);
  } else {
    base = await baseCredentials(opts, ctx);
  }
  if (opts.assumeRole) return assumeRole(opts.assumeRole, base, ctx);
  return base;
}

function staticResolver(c: AwsCredentialIdentity): Resolver {
  return () => Promise.resolve(c);
}

async function baseCredentials(opts: AwsOptions, ctx: CredentialChainContext): Promise<Chosen> {
  const { env } = ctx;
  // 1. static keys from the configuration
  if (opts.accessKey || opts.secretKey) {
    if (!opts.accessKey || !opts.secretKey) {
      throw new S3StateError('AWS', 'Incomplete static credentials', {
        detail: `"${opts.accessKey ? 'secret_key' : 'access_key'}" must be set together with "${opts.accessKey ? 'access_key' : 'secret_key'}".`,
      });
    }
    return {
      source: 'config (access_key/secret_key)',
      resolve: staticResolver({
        accessKeyId: opts.accessKey,
        secretAccessKey: opts.secretKey,
        ...(opts.token ? { sessionToken: opts.token } : {}),
      }),
    };
  }
  // 2. the profile attribute
  if (opts.profile) return profileCredentials(opts.profile, 'profile', ctx);
  // 3. environment keys
  const envKey = env['AWS_ACCESS_KEY_ID'];
  const envSecret = env['AWS_SECRET_ACCESS_KEY'] || env['AWS_SECRET_KEY'];
  if (envKey && envSecret) {
    const token = env['AWS_SESSION_TOKEN'];
    return {
      source: 'environment (AWS_ACCESS_KEY_ID)',
      resolve: staticResolver({
        accessKeyId: envKey,
        secretAccessKey: envSecret,
        ...(token ? { sessionToken: token } : {}),
      }),
    };
  }
  // 4. web identity from the environment
  const tokenFile = env['AWS_WEB_IDENTITY_TOKEN_FILE'];
  const envRole = env['AWS_ROLE_ARN'];
  if (tokenFile && envRole) {
    return webIdentity(
      { roleArn: envRole, webIdentityTokenFile: tokenFile, sessionName: env['AWS_ROLE_SESSION_NAME'] },
      'environment (AWS_WEB_IDENTITY_TOKEN_FILE)',
      ctx,
    );
  }
  // 5. shared profile
  const envProfile = env['AWS_PROFILE'];
  if (envProfile) return profileCredentials(envProfile, 'AWS_PROFILE', ctx);
  const def = await ctx.files.profile('default');
  if (def && PROFILE_CREDENTIAL_KEYS.some((k) => def[k]))
    return profileCredentials('default', undefined, ctx);
  // 6. container credentials
  const fullUri = env['AWS_CONTAINER_CREDENTIALS_FULL_URI'];
  const relUri = env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
  if (fullUri || relUri) {
    const { fromHttp } = loadCredentialProviders();
    const authToken = env['AWS_CONTAINER_AUTHORIZATION_TOKEN'];
    const authTokenFile = env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];
    const p = fromHttp({
      ...(relUri
        ? { awsContainerCredentialsRelativeUri: relUri }
        : fullUri
          ? { awsContainerCredentialsFullUri: fullUri }
          : {}),
      ...(authTokenFile ? { awsContainerAuthorizationTokenFile: authTokenFile } : {}),
      ...(authToken ? { awsContainerAuthorizationToken: authToken } : {}),
    });
    return {
      source: 'container credentials',
      resolve: async () => {
        try {
          return await p();
        } catch (e) {
          throw noCredentials(`failed to get container credentials: ${safeMessage(e)}`, e);
        }
      },
    };
  }
  // 7. EC2 instance metadata
  const imdsDisabled =
    opts.skipMetadataApiCheck ?? env['AWS_EC2_METADATA_DISABLED']?.toLowerCase() === 'true';
  if (!imdsDisabled) {
    const endpoint = opts.ec2MetadataServiceEndpoint ?? env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
    const modeText = opts.ec2MetadataServiceEndpointMode ?? env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'];
    const mode = modeText === 'IPv6' ? 'IPv6' : 'IPv4';
    return {
      source: 'EC2 instance metadata',
      resolve: async () => {
        try {
          return await fetchImdsCredentials({ endpoint, mode });
        } catch (e) {
          throw noCredentials(`failed to refresh cached credentials, ${safeMessage(e)}`, e);
        }
      },
    };
  }
  throw noCredentials(
    'no credentials in the configuration, the environment or the shared files, and IMDS is disabled',
  );
}

async function profileCredentials(
  name: string,
  from: 'profile' | 'AWS_PROFILE' | undefined,
  ctx: CredentialChainContext,
): Promise<Chosen> {
  const settings = await ctx.files.profile(name);
  if (!settings) {
    throw new S3StateError('AWS', `failed to get shared config profile, ${name}`, {
      detail: `Profile "${name}"${from === 'AWS_PROFILE' ? ' (from AWS_PROFILE)' : ''} was not found in ${[...ctx.files.paths.config, ...ctx.files.paths.credentials].join(', ')}.`,
      hint: 'Check the profile name, or set shared_config_files / shared_credentials_files to the files that define it.',
    });
  }
  const kind = profileKind(settings);
  const { fromIni, fromSSO } = loadCredentialProviders();
  const files = { profile: name, filepath: ctx.files.credentialsPath, configFilepath: ctx.files.configPath };
  // fromIni would hand its STS client configuration (region, endpoint) to the SSO client too; an SSO
  // profile gets its own: the profile's sso_region and endpoints.sso.
  const p =
    kind === 'SSO'
      ? fromSSO({ ...files, clientConfig: ctx.ssoClientConfig() })
      : fromIni({ ...files, clientConfig: ctx.stsClientConfig() });
  const source = `shared profile "${name}" (${kind})`;
  return {
    source,
    resolve: async () => {
      try {
        return await p();
      } catch (e) {
        throw new S3StateError('AWS', `failed to get credentials from shared profile "${name}"`, {
          cause: e,
          detail: safeMessage(e),
        });
      }
    },
  };
}

function webIdentityFromOptions(w: WebIdentityOptions, ctx: CredentialChainContext): Promise<Chosen> {
  const roleArn = w.roleArn ?? ctx.env['AWS_ROLE_ARN'];
  const token =
    w.webIdentityToken ?? (w.webIdentityTokenFile ? undefined : ctx.env['AWS_WEB_IDENTITY_TOKEN']);
  const tokenFile =
    w.webIdentityTokenFile ?? (token === undefined ? ctx.env['AWS_WEB_IDENTITY_TOKEN_FILE'] : undefined);
  const sessionName = w.sessionName ?? ctx.env['AWS_ROLE_SESSION_NAME'];
  return Promise.resolve(
    webIdentity(
      { ...w, roleArn, webIdentityToken: token, webIdentityTokenFile: tokenFile, sessionName },
      'assume_role_with_web_identity',
      ctx,
    ),
  );
}

function webIdentity(w: WebIdentityOptions, label: string, ctx: CredentialChainContext): Chosen {
  const roleArn = w.roleArn;
  if (!roleArn) {
    throw new S3StateError('AWS', 'Missing web identity role ARN', {
      detail: 'assume_role_with_web_identity needs "role_arn" (or the AWS_ROLE_ARN environment variable).',
    });
  }
  if (w.webIdentityToken === undefined && w.webIdentityTokenFile === undefined) {
    throw new S3StateError('AWS', 'Missing web identity token', {
      detail:
        'assume_role_with_web_identity needs "web_identity_token" or "web_identity_token_file" (or AWS_WEB_IDENTITY_TOKEN / AWS_WEB_IDENTITY_TOKEN_FILE).',
    });
  }
  const tokenFile = w.webIdentityTokenFile ? expandHome(w.webIdentityTokenFile, ctx.env) : undefined;
  const sessionName = w.sessionName || `s3state-${Date.now()}`;
  return {
    source: `${label} ${roleArn}`,
    resolve: async () => {
      let token = w.webIdentityToken;
      if (token === undefined && tokenFile !== undefined) {
        try {
          token = (await readFile(tokenFile, 'utf8')).trim();
        } catch (e) {
          throw new S3StateError('AWS', 'Cannot read web identity token file', {
            cause: e,
            detail: `unable to read file at ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? safeMessage(e)}`,
          });
        }
      }
      const { fromWebToken } = loadCredentialProviders();
      try {
        return await fromWebToken({
          roleArn,
          webIdentityToken: token ?? '',
          roleSessionName: sessionName,
          ...(w.policy ? { policy: w.policy.trim() } : {}),
          ...(w.policyArns && w.policyArns.length > 0
            ? { policyArns: w.policyArns.map((arn) => ({ arn })) }
            : {}),
          ...(w.durationSeconds !== undefined ? { durationSeconds: w.durationSeconds } : {}),
          clientConfig: ctx.stsClientConfig(),
        })();
      } catch (e) {
        throw new S3StateError('AWS', 'Cannot assume IAM Role with web identity', {
          cause: e,
          detail: `IAM Role (${roleArn}) cannot be assumed with web identity.\n\nError: ${safeMessage(e)}`,
        });
      }
    },
  };
}

/** Default `DurationSeconds` of aws-sdk-go-v2's `stscreds` (15 minutes), which the peers send. */
const DEFAULT_ASSUME_ROLE_SECONDS = 900;

/** The AssumeRole request parameters for an `assume_role` block (exported for tests and `doctor`). */
export function assumeRoleParams(a: AssumeRoleOptions): Record<string, unknown> {
  const tags = a.tags ? Object.entries(a.tags) : [];
  return {
    RoleArn: a.roleArn,
    RoleSessionName: a.sessionName || `s3state-${Date.now()}`,
    DurationSeconds: a.durationSeconds ?? DEFAULT_ASSUME_ROLE_SECONDS,
    ...(a.externalId ? { ExternalId: a.externalId } : {}),
    ...(a.policy ? { Policy: a.policy.trim() } : {}),
    ...(a.policyArns && a.policyArns.length > 0 ? { PolicyArns: a.policyArns.map((arn) => ({ arn })) } : {}),
    ...(a.sourceIdentity ? { SourceIdentity: a.sourceIdentity } : {}),
    ...(tags.length > 0 ? { Tags: tags.map(([Key, Value]) => ({ Key, Value })) } : {}),
    ...(a.transitiveTagKeys && a.transitiveTagKeys.length > 0
      ? { TransitiveTagKeys: a.transitiveTagKeys }
      : {}),
  };
}

function assumeRole(a: AssumeRoleOptions, base: Chosen, ctx: CredentialChainContext): Chosen {
  return {
    source: `assume_role ${a.roleArn} (from ${base.source})`,
    resolve: async () => {
      const master = await base.resolve();
      const { fromTemporaryCredentials } = loadCredentialProviders();
      try {
        return await fromTemporaryCredentials({
          params: assumeRoleParams(a) as unknown as Parameters<typeof fromTemporaryCredentials>[0]['params'],
          masterCredentials: master,
          clientConfig: ctx.stsClientConfig(),
        })();
      } catch (e) {
        throw new S3StateError('AWS', 'Cannot assume IAM Role', {
          cause: e,
          detail:
            `IAM Role (${a.roleArn}) cannot be assumed.\n\n` +
            'There are a number of possible causes of this - the most common are:\n' +
            '  * The credentials used in order to assume the role are invalid\n' +
            '  * The credentials do not have appropriate permission to assume the role\n' +
            '  * The role ARN is not valid\n\n' +
            `Error: ${safeMessage(e)}`,
        });
      }
    },
  };
}
