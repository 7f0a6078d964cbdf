import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isS3StateError } from '../errors.ts';
import {
  bypassesProxy,
  proxyForUrl,
  redactUrl,
  resolveProxyConfig,
  type ProxyInputs,
} from './proxy-config.ts';

describe('resolveProxyConfig + proxyForUrl (separate mode, config beats env)', () => {
  const cases: {
    name: string;
    config: ProxyInputs;
    env: Record<string, string>;
    url: string;
    proxy: string | undefined;
  }[] = [
    { name: 'nothing set', config: {}, env: {}, url: 'https://s3.amazonaws.com/', proxy: undefined },
    {
      name: 'https_proxy for https',
      config: { httpsProxy: 'http://p.example:3128' },
      env: {},
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://p.example:3128/',
    },
    {
      name: 'http_proxy is not used for https (separate mode)',
      config: { httpProxy: 'http://p.example:3128' },
      env: {},
      url: 'https://s3.amazonaws.com/',
      proxy: undefined,
    },
    {
      name: 'http_proxy for http',
      config: { httpProxy: 'http://p.example:3128' },
      env: {},
      url: 'http://s3.amazonaws.com/',
      proxy: 'http://p.example:3128/',
    },
    {
      name: 'HTTPS_PROXY env',
      config: {},
      env: { HTTPS_PROXY: 'http://env.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://env.example:1/',
    },
    {
      name: 'https_proxy lower-case env',
      config: {},
      env: { https_proxy: 'http://lower.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://lower.example:1/',
    },
    {
      name: 'upper-case env beats lower-case env',
      config: {},
      env: { HTTPS_PROXY: 'http://upper.example:1', https_proxy: 'http://lower.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://upper.example:1/',
    },
    {
      name: 'config beats env',
      config: { httpsProxy: 'http://cfg.example:2' },
      env: { HTTPS_PROXY: 'http://env.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://cfg.example:2/',
    },
    {
      name: 'empty config value disables the env proxy',
      config: { httpsProxy: '' },
      env: { HTTPS_PROXY: 'http://env.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: undefined,
    },
    {
      name: 'no_proxy config beats NO_PROXY env',
      config: { httpsProxy: 'http://cfg.example:2', noProxy: 'other.example' },
      env: { NO_PROXY: 'amazonaws.com' },
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://cfg.example:2/',
    },
    {
      name: 'NO_PROXY env bypasses',
      config: { httpsProxy: 'http://cfg.example:2' },
      env: { NO_PROXY: 'amazonaws.com' },
      url: 'https://bucket.s3.us-east-1.amazonaws.com/',
      proxy: undefined,
    },
    {
      name: 'scheme-less proxy value means http://',
      config: { httpsProxy: 'p.example:3128' },
      env: {},
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://p.example:3128/',
    },
  ];
  cases.push(
    {
      name: 'legacy mode: http_proxy also carries https when no HTTPS proxy is set',
      config: { httpProxy: 'http://p.example:3128', mode: 'legacy' },
      env: {},
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://p.example:3128/',
    },
    {
      name: 'legacy mode: HTTPS_PROXY still wins for https',
      config: { httpProxy: 'http://p.example:3128', mode: 'legacy' },
      env: { HTTPS_PROXY: 'http://env.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: 'http://env.example:1/',
    },
    {
      name: 'legacy mode: an empty https_proxy means no HTTPS proxy',
      config: { httpProxy: 'http://p.example:3128', httpsProxy: '', mode: 'legacy' },
      env: {},
      url: 'https://s3.amazonaws.com/',
      proxy: undefined,
    },
    {
      name: 'legacy mode: HTTP_PROXY from the environment is not used for https',
      config: { mode: 'legacy' },
      env: { HTTP_PROXY: 'http://env.example:1' },
      url: 'https://s3.amazonaws.com/',
      proxy: undefined,
    },
  );
  for (const c of cases) {
    test(c.name, () => {
      const got = proxyForUrl(new URL(c.url), resolveProxyConfig(c.config, c.env));
      assert.equal(got?.href, c.proxy);
    });
  }

  test('an unparsable proxy names the attribute and hides credentials', () => {
    assert.throws(
      () => resolveProxyConfig({ httpsProxy: 'http://user:pw@[bad' }, {}),
      (e: unknown) => {
        assert.ok(isS3StateError(e, 'CONFIG'));
        assert.equal(e.message, 'Invalid proxy address in https_proxy');
        assert.ok(!`${e.message}${e.detail}`.includes('pw'), e.detail);
        return true;
      },
    );
    assert.equal(redactUrl('http://u:secret@host:1'), 'http://***@host:1');
  });
});

describe('bypassesProxy (Go x/net/http/httpproxy rules)', () => {
  const cases: [host: string, port: string, noProxy: string, bypass: boolean][] = [
    ['localhost', '80', '', true],
    ['127.0.0.1', '9000', '', true],
    ['127.5.6.7', '9000', '', true],
    ['::1', '443', '', true],
    ['s3.amazonaws.com', '443', '', false],
    ['s3.amazonaws.com', '443', '*', true],
    ['s3.amazonaws.com', '443', 'amazonaws.com', true],
    ['amazonaws.com', '443', 'amazonaws.com', true],
    ['notamazonaws.com', '443', 'amazonaws.com', false],
    ['s3.amazonaws.com', '443', '.amazonaws.com', true],
    ['amazonaws.com', '443', '.amazonaws.com', false],
    ['s3.amazonaws.com', '443', '*.amazonaws.com', true],
    ['s3.amazonaws.com', '443', ' foo.com , AMAZONAWS.com ', true],
    ['minio.internal', '9000', 'minio.internal:9000', true],
    ['minio.internal', '9001', 'minio.internal:9000', false],
    ['10.1.2.3', '443', '10.0.0.0/8', true],
    ['11.1.2.3', '443', '10.0.0.0/8', false],
    ['10.1.2.3', '443', '10.1.2.3', true],
    ['fd00::5', '443', 'fd00::/16', true],
    ['fe80::5', '443', 'fd00::/16', false],
  ];
  for (const [host, port, noProxy, bypass] of cases) {
    test(`${host}:${port} with no_proxy=${JSON.stringify(noProxy)} → ${bypass ? 'direct' : 'proxy'}`, () => {
      assert.equal(bypassesProxy(host, port, noProxy), bypass);
    });
  }
});
