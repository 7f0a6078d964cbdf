import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsOptions } from '../../src/aws/aws-options.ts';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { isS3StateError } from '../../src/errors.ts';
import { tempDir } from '../harness/tmp.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

// The S3 endpoints here are recording servers (hand-made doubles answering 200, or 500 to provoke
// retries); the traffic to them is real HTTP/HTTPS from the SDK, through a real forward proxy where a
// test configures one. `s3.proxy-test.invalid` resolves nowhere: only the proxy can reach it (it
// connects every destination at 127.0.0.1), so a request that bypasses the proxy fails with ENOTFOUND.

const FAKE_HOST = 's3.proxy-test.invalid';
const opensslPresent = spawnSync('sh', ['-c', 'command -v openssl']).status === 0;
if (!opensslPresent) console.log('SKIPPED: openssl not found');

function keys(over: Partial<AwsOptions>): AwsOptions {
  return baseOptions({ accessKey: 'AKIATRANSPORTEXAMPL1', secretKey: FAKE_SECRET, ...over });
}

async function put(
  opts: AwsOptions,
  env: Record<string, string> = {},
  input: Partial<{ ChecksumAlgorithm: 'SHA256' }> = {},
): Promise<void> {
  const c = createAwsClients(opts, { env });
  try {
    await c.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'state', Body: '{"version":4}', ...input }));
  } finally {
    c.destroy();
  }
}

describe('user agent, checksums and retries on the wire', () => {
  let s3: RecordingServer;
  before(async () => {
    s3 = await startRecordingServer((_r, res) => {
      res.setHeader('etag', '"e"');
      res.end('x');
    });
  });
  after(() => s3.close());

  test('User-Agent carries the s3state product and TF_APPEND_USER_AGENT', async () => {
    s3.requests.length = 0;
    await put(keys({ endpoints: { s3: s3.endpoint } }), {
      TF_APPEND_USER_AGENT: 'my-pipeline/7.1 team/platform',
    });
    const ua = String(s3.requests[0]?.headers['user-agent']);
    assert.match(
      ua,
      / APN\/1\.0 s3state-S3-Backend\/1\.0 s3state\/\d+\.\d+\.\d+ my-pipeline\/7\.1 team\/platform$/,
    );
  });

  test('appendUserAgent from the configuration beats TF_APPEND_USER_AGENT; absent means no extra tokens', async () => {
    s3.requests.length = 0;
    await put(keys({ endpoints: { s3: s3.endpoint }, appendUserAgent: 'from-config/1' }), {
      TF_APPEND_USER_AGENT: 'from-env/2',
    });
    await put(keys({ endpoints: { s3: s3.endpoint } }));
    assert.match(String(s3.requests[0]?.headers['user-agent']), / s3state\/[\d.]+ from-config\/1$/);
    assert.match(String(s3.requests[1]?.headers['user-agent']), / s3state\/[\d.]+$/);
  });

  test('by default PutObject carries checksum headers and GetObject asks for checksum validation', async () => {
    s3.requests.length = 0;
    const c = createAwsClients(keys({ endpoints: { s3: s3.endpoint } }), { env: {} });
    try {
      await c
        .s3()
        .send(new PutObjectCommand({ Bucket: 'bkt', Key: 'state', Body: '{}', ChecksumAlgorithm: 'SHA256' }));
      await c.s3().send(new GetObjectCommand({ Bucket: 'bkt', Key: 'state' }));
    } finally {
      c.destroy();
    }
    const [p, g] = s3.requests;
    assert.equal(p?.headers['x-amz-sdk-checksum-algorithm'], 'SHA256');
    assert.equal(p?.headers['x-amz-checksum-sha256'], 'RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=');
    assert.equal(g?.headers['x-amz-checksum-mode'], 'ENABLED');
  });

  test('skip_s3_checksum: no x-amz-checksum-* or x-amz-sdk-checksum-algorithm headers', async () => {
    s3.requests.length = 0;
    const c = createAwsClients(keys({ endpoints: { s3: s3.endpoint }, skipS3Checksum: true }), { env: {} });
    try {
      await c.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'state', Body: '{}' }));
      await c.s3().send(new GetObjectCommand({ Bucket: 'bkt', Key: 'state' }));
    } finally {
      c.destroy();
    }
    assert.equal(s3.requests.length, 2);
    for (const r of s3.requests) {
      const checksumHeaders = Object.keys(r.headers).filter(
        (h) => h.startsWith('x-amz-checksum') || h === 'x-amz-sdk-checksum-algorithm',
      );
      assert.deepEqual(checksumHeaders, [], `${r.method} ${r.url}`);
    }
  });

  const retryCases: {
    name: string;
    maxRetries: number;
    retryMode?: 'standard' | 'adaptive';
    env?: Record<string, string>;
    attempts: number;
  }[] = [
    { name: 'max_retries 2 → 2 attempts (RetryMaxAttempts semantics)', maxRetries: 2, attempts: 2 },
    { name: 'max_retries 5 (the default) → 5 attempts', maxRetries: 5, attempts: 5 },
    { name: 'max_retries 0 → SDK default of 3 attempts', maxRetries: 0, attempts: 3 },
    { name: 'retry_mode adaptive keeps max_retries', maxRetries: 3, retryMode: 'adaptive', attempts: 3 },
    {
      name: 'AWS_RETRY_MODE=adaptive from the environment',
      maxRetries: 2,
      env: { AWS_RETRY_MODE: 'adaptive' },
      attempts: 2,
    },
  ];
  for (const rc of retryCases) {
    test(`retries: ${rc.name}`, async () => {
      const failing = await startRecordingServer((_r, res) => {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/xml');
        res.end('<Error><Code>InternalError</Code><Message>try again</Message></Error>');
      });
      try {
        await assert.rejects(
          put(
            keys({ endpoints: { s3: failing.endpoint }, maxRetries: rc.maxRetries, retryMode: rc.retryMode }),
            rc.env ?? {},
          ),
          (e: unknown) => (e as Error).name === 'InternalError',
        );
        assert.equal(failing.requests.length, rc.attempts);
      } finally {
        await failing.close();
      }
    });
  }
});

describe('proxies (OpenTofu "separate" mode)', () => {
  let proxyA: RecordingProxy;
  let proxyB: RecordingProxy;
  let s3: RecordingServer;
  let port: string;
  before(async () => {
    proxyA = await startRecordingProxy();
    proxyB = await startRecordingProxy();
    s3 = await startRecordingServer((_r, res) => {
      res.setHeader('etag', '"e"');
      res.end();
    });
    port = new URL(s3.endpoint).port;
  });
  after(async () => {
    await proxyA.close();
    await proxyB.close();
    await s3.close();
  });
  const reset = (): void => {
    proxyA.seen.length = 0;
    proxyB.seen.length = 0;
    s3.requests.length = 0;
  };
  const fakeEndpoint = (): string => `http://${FAKE_HOST}:${port}`;

  test('http_proxy carries http:// requests (absolute-URI request seen by the proxy)', async () => {
    reset();
    await put(keys({ endpoints: { s3: fakeEndpoint() }, httpProxy: proxyA.url }));
    assert.deepEqual(proxyA.seen, [{ method: 'PUT', target: `${fakeEndpoint()}/bkt/state?x-id=PutObject` }]);
    assert.equal(s3.requests.length, 1);
  });

  test('config http_proxy beats HTTP_PROXY', async () => {
    reset();
    await put(keys({ endpoints: { s3: fakeEndpoint() }, httpProxy: proxyA.url }), { HTTP_PROXY: proxyB.url });
    assert.equal(proxyA.seen.length, 1);
    assert.equal(proxyB.seen.length, 0);
  });

  test('HTTP_PROXY / http_proxy from the environment when not configured', async () => {
    for (const name of ['HTTP_PROXY', 'http_proxy']) {
      reset();
      await put(keys({ endpoints: { s3: fakeEndpoint() } }), { [name]: proxyB.url });
      assert.equal(proxyB.seen.length, 1, name);
    }
  });

  test('an empty http_proxy in the configuration disables the environment proxy', async () => {
    reset();
    await assert.rejects(
      put(keys({ endpoints: { s3: fakeEndpoint() }, httpProxy: '', maxRetries: 1 }), {
        HTTP_PROXY: proxyB.url,
      }),
      (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOTFOUND',
    );
    assert.equal(proxyB.seen.length, 0);
  });

  test('no_proxy (config) bypasses the proxy for matching hosts; NO_PROXY from env otherwise', async () => {
    reset();
    await assert.rejects(
      put(
        keys({
          endpoints: { s3: fakeEndpoint() },
          httpProxy: proxyA.url,
          noProxy: 'example.com,.proxy-test.invalid',
          maxRetries: 1,
        }),
      ),
      (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOTFOUND',
    );
    await assert.rejects(
      put(keys({ endpoints: { s3: fakeEndpoint() }, httpProxy: proxyA.url, maxRetries: 1 }), {
        NO_PROXY: 'proxy-test.invalid',
      }),
      (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOTFOUND',
    );
    assert.equal(proxyA.seen.length, 0);
    await put(keys({ endpoints: { s3: fakeEndpoint() }, httpProxy: proxyA.url, noProxy: 'other.invalid' }));
    assert.equal(proxyA.seen.length, 1, 'a non-matching no_proxy entry keeps the proxy');
  });

  test('loopback endpoints never go through the proxy (as in Go)', async () => {
    reset();
    await put(keys({ endpoints: { s3: s3.endpoint }, httpProxy: proxyA.url }));
    assert.equal(proxyA.seen.length, 0);
    assert.equal(s3.requests.length, 1);
  });

  describe('https', { skip: !opensslPresent && 'openssl not found' }, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let tlsS3: RecordingServer;
    let caPath: string;
    let tlsEndpoint: string;
    let loopbackTls: string;
    before(async () => {
      dir = await tempDir();
      caPath = join(dir.path, 'cert.pem');
      const keyPath = join(dir.path, 'key.pem');
      const r = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          keyPath,
          '-out',
          caPath,
          '-days',
          '1',
          '-subj',
          '/CN=s3state test',
          '-addext',
          `subjectAltName=DNS:${FAKE_HOST},IP:127.0.0.1`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      tlsS3 = await startRecordingServer(
        (_r, res) => {
          res.setHeader('etag', '"e"');
          res.end();
        },
        { key: await readFile(keyPath, 'utf8'), cert: await readFile(caPath, 'utf8') },
      );
      const p = new URL(tlsS3.endpoint).port;
      tlsEndpoint = `https://${FAKE_HOST}:${p}`;
      loopbackTls = tlsS3.endpoint;
    });
    after(async () => {
      await tlsS3.close();
      await dir.cleanup();
    });

    test('a self-signed endpoint is refused without custom_ca_bundle', async () => {
      tlsS3.requests.length = 0;
      await assert.rejects(put(keys({ endpoints: { s3: loopbackTls }, maxRetries: 1 })), (e: unknown) =>
        /self[- ]signed/i.test(String((e as NodeJS.ErrnoException).code) + String((e as Error).message)),
      );
      assert.equal(tlsS3.requests.length, 0);
    });

    test('custom_ca_bundle trusts it', async () => {
      tlsS3.requests.length = 0;
      await put(keys({ endpoints: { s3: loopbackTls }, customCaBundle: caPath }));
      assert.equal(tlsS3.requests.length, 1);
    });

    test('AWS_CA_BUNDLE from the environment trusts it', async () => {
      tlsS3.requests.length = 0;
      await put(keys({ endpoints: { s3: loopbackTls } }), { AWS_CA_BUNDLE: caPath });
      assert.equal(tlsS3.requests.length, 1);
    });

    test('insecure skips verification', async () => {
      tlsS3.requests.length = 0;
      await put(keys({ endpoints: { s3: loopbackTls }, insecure: true }));
      assert.equal(tlsS3.requests.length, 1);
    });

    test('a missing custom_ca_bundle file is a clear error naming the path', async () => {
      const missing = join(dir.path, 'no-such-ca.pem');
      await assert.rejects(
        put(keys({ endpoints: { s3: loopbackTls }, customCaBundle: missing })),
        (e: unknown) => {
          assert.ok(isS3StateError(e, 'AWS'));
          assert.equal(e.message, 'Cannot read custom CA bundle');
          assert.match(e.detail ?? '', new RegExp(`${missing.replace(/[.]/g, '\\.')}.*ENOENT`));
          return true;
        },
      );
    });

    test('https_proxy tunnels https:// requests with CONNECT (and TLS is still verified with the CA bundle)', async () => {
      reset();
      tlsS3.requests.length = 0;
      await put(keys({ endpoints: { s3: tlsEndpoint }, httpsProxy: proxyA.url, customCaBundle: caPath }));
      assert.deepEqual(proxyA.seen, [
        { method: 'CONNECT', target: `${FAKE_HOST}:${new URL(tlsEndpoint).port}` },
      ]);
      assert.equal(tlsS3.requests.length, 1);
    });

    test('config https_proxy beats HTTPS_PROXY; HTTPS_PROXY used when not configured', async () => {
      reset();
      await put(keys({ endpoints: { s3: tlsEndpoint }, httpsProxy: proxyA.url, customCaBundle: caPath }), {
        HTTPS_PROXY: proxyB.url,
      });
      assert.equal(proxyA.seen.length, 1);
      assert.equal(proxyB.seen.length, 0);
      await put(keys({ endpoints: { s3: tlsEndpoint }, customCaBundle: caPath }), {
        https_proxy: proxyB.url,
      });
      assert.equal(proxyB.seen.length, 1);
    });

    test('separate mode: http_proxy alone is not used for https:// (and a warning says so)', async () => {
      reset();
      const events: string[] = [];
      const c = createAwsClients(
        keys({
          endpoints: { s3: tlsEndpoint },
          httpProxy: proxyA.url,
          customCaBundle: caPath,
          maxRetries: 1,
        }),
        {
          env: {},
          reporter: (e) => events.push(`${e.kind}: ${e.message}`),
        },
      );
      try {
        await assert.rejects(
          c.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'state', Body: '{}' })),
          (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOTFOUND',
        );
      } finally {
        c.destroy();
      }
      assert.equal(proxyA.seen.length, 0);
      assert.ok(
        events.some((e) => e.startsWith('warning: http_proxy') && e.includes('https_proxy')),
        events.join('\n'),
      );
    });

    test('legacy mode (Terraform): http_proxy alone also tunnels https://, with a Missing HTTPS Proxy warning', async () => {
      reset();
      const events: string[] = [];
      const c = createAwsClients(
        keys({
          endpoints: { s3: tlsEndpoint },
          httpProxy: proxyA.url,
          httpProxyMode: 'legacy',
          customCaBundle: caPath,
        }),
        { env: {}, reporter: (e) => events.push(`${e.kind}: ${e.message}`) },
      );
      try {
        await c.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'state', Body: '{}' }));
      } finally {
        c.destroy();
      }
      assert.deepEqual(proxyA.seen, [
        { method: 'CONNECT', target: `${FAKE_HOST}:${new URL(tlsEndpoint).port}` },
      ]);
      assert.ok(
        events.some((e) => e.startsWith('warning: Missing HTTPS Proxy')),
        events.join('\n'),
      );
    });

    test('proxy credentials never appear in the warning', async () => {
      const events: string[] = [];
      const c = createAwsClients(keys({ httpProxy: 'http://user:hunter2@127.0.0.1:9' }), {
        env: {},
        reporter: (e) => events.push(e.message),
      });
      try {
        c.s3();
      } finally {
        c.destroy();
      }
      assert.equal(events.length, 1);
      assert.ok(!events[0]!.includes('hunter2'), events[0]);
    });
  });
});
