import http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadHttpHandler, loadHttpProxyAgent, loadHttpsProxyAgent } from './load-sdk.ts';
import { proxyForUrl, type ProxyConfig } from './proxy-config.ts';

/** TLS and proxy settings shared by every SDK client of one factory. */
export interface HttpSettings {
  proxy: ProxyConfig;
  /** PEM text of `custom_ca_bundle` (replaces the default roots, as Go's custom pool does). */
  ca?: string | undefined;
  /** `insecure`: skip TLS certificate verification. @default false */
  insecure: boolean;
}

interface AddRequestCapable {
  addRequest(req: http.ClientRequest, options: object): void;
}

/**
 * An agent that picks, per request, a direct connection or the proxy that `proxyForUrl` names
 * (so `no_proxy` is honoured per host, and S3 virtual-host names are matched as they are sent).
 * Node's `ClientRequest` hands each request to `agent.addRequest`; the chosen agent takes it from there.
 */
class ProxyRoutingAgent extends http.Agent {
  readonly #secure: boolean;
  readonly #direct: http.Agent;
  readonly #settings: HttpSettings;
  readonly #viaProxy = new Map<string, http.Agent>();

  constructor(secure: boolean, settings: HttpSettings) {
    super({ keepAlive: true });
    // Node's ClientRequest checks the agent's protocol against the URL's...
    (this as { protocol?: string }).protocol = secure ? 'https:' : 'http:';
    // ...and takes the port of URLs without one from the agent's defaultPort.
    (this as { defaultPort?: number }).defaultPort = secure ? 443 : 80;
    this.#secure = secure;
    this.#settings = settings;
    this.#direct = secure
      ? new (createRequire(import.meta.url)('node:https') as typeof https).Agent({
          keepAlive: true,
          ...tlsOptions(settings),
        })
      : new http.Agent({ keepAlive: true });
  }

  addRequest(
    req: http.ClientRequest,
    options: { host?: string | null; hostname?: string | null; port?: number | string | null },
  ): void {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = options.port === undefined || options.port === null ? '' : String(options.port);
    const scheme = this.#secure ? 'https' : 'http';
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const url = new URL(`${scheme}://${hostPart}${port ? `:${port}` : ''}`);
    const proxy = proxyForUrl(url, this.#settings.proxy);
    const agent = proxy ? this.#proxyAgent(proxy) : this.#direct;
    // The proxy agent opens the target TLS session from the request options, so the CA bundle and
    // `insecure` must travel with them (agent-level options are not applied to the tunnelled socket).
    const withTls = proxy && this.#secure ? { ...options, ...tlsOptions(this.#settings) } : options;
    (agent as unknown as AddRequestCapable).addRequest(req, withTls);
  }

  #proxyAgent(proxy: URL): http.Agent {
    const key = proxy.href;
    let agent = this.#viaProxy.get(key);
    if (!agent) {
      agent = this.#secure
        ? new (loadHttpsProxyAgent().HttpsProxyAgent)(proxy, {
            keepAlive: true,
            ...tlsOptions(this.#settings),
          })
        : new (loadHttpProxyAgent().HttpProxyAgent)(proxy, { keepAlive: true });
      this.#viaProxy.set(key, agent);
    }
    return agent;
  }

  override destroy(): void {
    this.#direct.destroy();
    for (const a of this.#viaProxy.values()) a.destroy();
    this.#viaProxy.clear();
    super.destroy();
  }
}

/** The TLS agent options of `custom_ca_bundle` and `insecure`. */
export function tlsOptions(settings: HttpSettings): https.AgentOptions {
  const o: https.AgentOptions = {};
  if (settings.ca !== undefined) o.ca = settings.ca;
  if (settings.insecure) o.rejectUnauthorized = false;
  return o;
}

/**
 * A fresh SDK request handler honouring proxies, `custom_ca_bundle` and `insecure`.
 * One per SDK client: an SDK client's `destroy()` destroys its handler's agents.
 */
export function createHttpHandler(settings: HttpSettings): NodeHttpHandler {
  return new (loadHttpHandler().NodeHttpHandler)({
    httpAgent: new ProxyRoutingAgent(false, settings),
    httpsAgent: new ProxyRoutingAgent(true, settings),
  });
}
