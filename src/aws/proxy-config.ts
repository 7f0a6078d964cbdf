import { isIP } from 'node:net';
import { S3StateError } from '../errors.ts';

/**
 * Proxy settings after resolution. `undefined` means "no proxy" for that scheme.
 */
export interface ProxyConfig {
  /** Legacy mode only: `http_proxy` is also carrying HTTPS requests because no HTTPS proxy is set. */
  httpProxyUsedForHttps?: boolean | undefined;
  /** Proxy for `http://` requests. */
  httpProxy?: URL | undefined;
  /** Proxy for `https://` requests. */
  httpsProxy?: URL | undefined;
  /** Raw `no_proxy` list (comma separated). */
  noProxy: string;
}

/** Proxy inputs as the backend attributes carry them (empty string = explicitly none). */
export interface ProxyInputs {
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
  /** @default "separate" */
  mode?: 'separate' | 'legacy' | undefined;
}

function firstEnv(env: Record<string, string | undefined>, names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function parseProxyUrl(raw: string, what: string): URL {
  // Go's httpproxy treats a value without a scheme as http://.
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `http://${raw}`;
  try {
    return new URL(withScheme);
  } catch {
    throw new S3StateError('CONFIG', `Invalid proxy address in ${what}`, {
      detail: `The value ${JSON.stringify(redactUrl(raw))} cannot be parsed as a URL.`,
    });
  }
}

/** Removes user info (`user:password@`) from a URL-like string so it can appear in messages. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Resolves the proxy configuration. In OpenTofu's "separate" mode (aws-sdk-go-base
 * `HTTPProxyModeSeparate`, the default) `http_proxy` applies to `http://` requests only and `https_proxy`
 * to `https://` only. In Terraform's "legacy" mode a configured `http_proxy` also carries `https://`
 * requests when neither `https_proxy` nor `HTTPS_PROXY`/`https_proxy` is set.
 *
 * Precedence per setting:
 * 1. the backend attribute, when set (an empty string means "no proxy" and beats the environment);
 * 2. `HTTP_PROXY` then `http_proxy` (resp. `HTTPS_PROXY`/`https_proxy`, `NO_PROXY`/`no_proxy`).
 */
export function resolveProxyConfig(
  inputs: ProxyInputs,
  env: Record<string, string | undefined>,
): ProxyConfig {
  const http = inputs.httpProxy ?? firstEnv(env, ['HTTP_PROXY', 'http_proxy']);
  let https = inputs.httpsProxy ?? firstEnv(env, ['HTTPS_PROXY', 'https_proxy']);
  let httpsFrom = inputs.httpsProxy !== undefined ? 'https_proxy' : 'HTTPS_PROXY';
  const noProxy = inputs.noProxy ?? firstEnv(env, ['NO_PROXY', 'no_proxy']) ?? '';
  const legacyFallback = inputs.mode === 'legacy' && https === undefined && !!inputs.httpProxy;
  if (legacyFallback) {
    https = inputs.httpProxy;
    httpsFrom = 'http_proxy';
  }
  return {
    httpProxy: http
      ? parseProxyUrl(http, inputs.httpProxy !== undefined ? 'http_proxy' : 'HTTP_PROXY')
      : undefined,
    httpsProxy: https ? parseProxyUrl(https, httpsFrom) : undefined,
    noProxy,
    ...(legacyFallback ? { httpProxyUsedForHttps: true } : {}),
  };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1]) {
    const n = ipv4ToInt(v4[1]);
    s = s.slice(0, -v4[1].length) + ((n >>> 16) & 0xffff).toString(16) + ':' + (n & 0xffff).toString(16);
  }
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const fam = isIP(ip);
  if (fam === 0 || fam !== isIP(base) || !Number.isInteger(bits)) return false;
  if (fam === 4) {
    if (bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(ip) & mask) === (ipv4ToInt(base) & mask);
  }
  if (bits < 0 || bits > 128) return false;
  const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  return (ipv6ToBigInt(ip) & mask) === (ipv6ToBigInt(base) & mask);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const fam = isIP(host);
  if (fam === 4) return host.startsWith('127.');
  if (fam === 6) return ipv6ToBigInt(host) === 1n;
  return false;
}

/**
 * Whether a request to `host:port` bypasses the proxy, with the rules of Go's
 * `golang.org/x/net/http/httpproxy` (what aws-sdk-go-base uses):
 * 1. `localhost` and loopback addresses never use a proxy;
 * 2. `no_proxy` = `*` disables proxies;
 * 3. each comma-separated entry is an IP, a CIDR, or a domain (optionally with `:port`);
 *    `foo.com` and `.foo.com` / `*.foo.com` match `foo.com`'s subdomains, `foo.com` also matches itself.
 */
export function bypassesProxy(host: string, port: string, noProxy: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(h)) return true;
  for (const rawEntry of noProxy.split(',')) {
    let entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(h, entry)) return true;
      continue;
    }
    if (isIP(entry.replace(/^\[|\]$/g, ''))) {
      if (entry.replace(/^\[|\]$/g, '') === h) return true;
      continue;
    }
    let entryPort = '';
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      entry = m[1];
      entryPort = m[2];
    }
    if (isIP(entry.replace(/^\[|\]$/g, ''))) {
      if (entry.replace(/^\[|\]$/g, '') === h && (entryPort === '' || entryPort === port)) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    const matchHost = entry.startsWith('.') ? h.endsWith(entry) : h === entry || h.endsWith(`.${entry}`);
    if (matchHost && (entryPort === '' || entryPort === port)) return true;
  }
  return false;
}

/**
 * The proxy a request to `url` goes through, or undefined for a direct connection.
 */
export function proxyForUrl(url: URL, cfg: ProxyConfig): URL | undefined {
  const proxy =
    url.protocol === 'https:' ? cfg.httpsProxy : url.protocol === 'http:' ? cfg.httpProxy : undefined;
  if (!proxy) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return bypassesProxy(url.hostname, port, cfg.noProxy) ? undefined : proxy;
}
