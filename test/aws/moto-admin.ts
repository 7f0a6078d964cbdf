import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Sends one signed AWS query-protocol request (IAM/STS form POST) to a moto endpoint and returns
 * the XML text. Used by tests to set up users, keys, roles and policies while moto still lets
 * unauthenticated calls through (`INITIAL_NO_AUTH_ACTION_COUNT`).
 */
export async function motoQuery(
  endpoint: string,
  service: 'iam' | 'sts',
  params: Record<string, string>,
  creds = { accessKeyId: 'AKIASETUPEXAMPLE0001', secretAccessKey: 'setup-secret' },
): Promise<string> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({
    Version: service === 'iam' ? '2010-05-08' : '2011-06-15',
    ...params,
  }).toString();
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    },
    body,
  });
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers: signed.headers, body });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${service} ${params['Action']} failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** The text of the first `<tag>` in an XML document. */
export function xmlText(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m?.[1]) throw new Error(`no <${tag}> in ${xml.slice(0, 200)}`);
  return m[1];
}
