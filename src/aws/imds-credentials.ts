import type { AwsCredentialIdentity } from '@smithy/types';

/** Where the EC2 instance metadata service is and how long to wait for it. */
export interface ImdsOptions {
  /** Full URL of IMDS. @default "http://169.254.169.254" (IPv4 mode) or "http://[fd00:ec2::254]" (IPv6 mode) */
  endpoint?: string | undefined;
  /** @default "IPv4" */
  mode?: 'IPv4' | 'IPv6' | undefined;
  /** Per-request timeout in milliseconds. @default 1000 */
  timeoutMs?: number | undefined;
}

/** Default IMDS endpoint for an endpoint mode. */
export function defaultImdsEndpoint(mode: 'IPv4' | 'IPv6' | undefined): string {
  return mode === 'IPv6' ? 'http://[fd00:ec2::254]' : 'http://169.254.169.254';
}

/** Raised when IMDS is unreachable or has no role; the chain reports it as "no IMDS credentials". */
export class ImdsUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ImdsUnavailableError';
  }
}

/**
 * Instance-role credentials from IMDS: IMDSv2 session token first; when the token endpoint answers
 * 403, 404 or 405 the requests go on without a token (IMDSv1), as aws-sdk-go-v2's IMDS client does.
 * Each call fetches fresh credentials.
 */
export async function fetchImdsCredentials(opts: ImdsOptions = {}): Promise<AwsCredentialIdentity> {
  const base = (opts.endpoint ?? defaultImdsEndpoint(opts.mode)).replace(/\/+$/, '');
  const timeout = opts.timeoutMs ?? 1000;
  const call = async (method: string, path: string, headers: Record<string, string>): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, { method, headers, signal: AbortSignal.timeout(timeout) });
    } catch (e) {
      throw new ImdsUnavailableError(`EC2 instance metadata service not reachable at ${base}`, e);
    }
  };
  const headers: Record<string, string> = {};
  const tokenRes = await call('PUT', '/latest/api/token', {
    'x-aws-ec2-metadata-token-ttl-seconds': '21600',
  });
  if (tokenRes.ok) {
    headers['x-aws-ec2-metadata-token'] = await tokenRes.text();
  } else if (tokenRes.status !== 403 && tokenRes.status !== 404 && tokenRes.status !== 405) {
    throw new ImdsUnavailableError(`EC2 instance metadata token request failed with HTTP ${tokenRes.status}`);
  }
  const rolesRes = await call('GET', '/latest/meta-data/iam/security-credentials/', headers);
  if (!rolesRes.ok) throw new ImdsUnavailableError(`no EC2 IMDS role found (HTTP ${rolesRes.status})`);
  const role = (await rolesRes.text()).split('\n')[0]?.trim();
  if (!role) throw new ImdsUnavailableError('no EC2 IMDS role found');
  const credRes = await call(
    'GET',
    `/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`,
    headers,
  );
  if (!credRes.ok)
    throw new ImdsUnavailableError(`EC2 IMDS credentials request failed with HTTP ${credRes.status}`);
  const body = (await credRes.json()) as Record<string, unknown>;
  const { AccessKeyId, SecretAccessKey, Token, Expiration } = body;
  if (typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string') {
    throw new ImdsUnavailableError('EC2 IMDS returned credentials without keys');
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    ...(typeof Token === 'string' ? { sessionToken: Token } : {}),
    ...(typeof Expiration === 'string' ? { expiration: new Date(Expiration) } : {}),
  };
}
