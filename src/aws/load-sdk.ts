import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/*
 * Synchronous, on-first-use loading of the AWS SDK packages. The factory's getters are synchronous
 * (`s3(): S3Client`), so `await import()` is not an option; `require()` is.
 * - Outside the bundle (tsx, plain Node) the packages are required through `createRequire`; they have
 *   no `exports` map, so ESM `import` and `require` resolve to the same CommonJS files.
 * - In the bundle (`S3STATE_VENDOR_BUNDLE` is defined by scripts/build.mjs) they come from
 *   `dist/chunks/aws-sdk.cjs`, one CommonJS file built from scripts/aws-sdk-vendor.cjs. It is kept out
 *   of the ESM chunk graph on purpose: an ESM chunk is compiled whole when a command's graph imports it,
 *   and the SDK is ≈1.7 MB of source (≈45 ms to compile, measured) that the lean reads never run.
 */

type S3Module = typeof import('@aws-sdk/client-s3');
type DynamoDbModule = typeof import('@aws-sdk/client-dynamodb');
type StsModule = typeof import('@aws-sdk/client-sts');
type CredentialProvidersModule = typeof import('@aws-sdk/credential-providers');
type HandlerModule = typeof import('@smithy/node-http-handler');
type SmithyConfigModule = typeof import('@smithy/core/config');
type HttpsProxyModule = typeof import('https-proxy-agent');
type HttpProxyModule = typeof import('http-proxy-agent');

declare const S3STATE_VENDOR_BUNDLE: boolean | undefined;

const nodeRequire = createRequire(import.meta.url);
let vendor: Record<string, () => unknown> | undefined;

function load(name: string): unknown {
  if (typeof S3STATE_VENDOR_BUNDLE === 'undefined') return nodeRequire(name);
  if (!vendor) {
    // The CLI's chunks live in dist/chunks/, the entry files (s3state.mjs, index.mjs) in dist/.
    const here = import.meta.url;
    const file = new URL(here.includes('/chunks/') ? './aws-sdk.cjs' : './chunks/aws-sdk.cjs', here);
    vendor = nodeRequire(fileURLToPath(file)) as Record<string, () => unknown>;
  }
  const get = vendor[name];
  if (!get) throw new Error(`${name} is not in the bundled AWS SDK`);
  return get();
}

/** `@aws-sdk/client-s3`, loaded on first call. */
export function loadS3(): S3Module {
  return load('@aws-sdk/client-s3') as S3Module;
}

/** `@aws-sdk/client-dynamodb`, loaded on first call. */
export function loadDynamoDb(): DynamoDbModule {
  return load('@aws-sdk/client-dynamodb') as DynamoDbModule;
}

/** `@aws-sdk/client-sts`, loaded on first call. */
export function loadSts(): StsModule {
  return load('@aws-sdk/client-sts') as StsModule;
}

/** `@aws-sdk/credential-providers`, loaded on first call (profiles, SSO, containers, roles). */
export function loadCredentialProviders(): CredentialProvidersModule {
  return load('@aws-sdk/credential-providers') as CredentialProvidersModule;
}

/**
 * `@smithy/core/config` (shared-file parsing and its in-memory file interceptor), loaded on first call.
 * The same copy `credential-providers` uses, so files handed to the interceptor are the ones it reads.
 */
export function loadSmithyConfig(): SmithyConfigModule {
  return load('@smithy/core/config') as SmithyConfigModule;
}

/** `@smithy/node-http-handler`, loaded on first call (the first client built). */
export function loadHttpHandler(): HandlerModule {
  return load('@smithy/node-http-handler') as HandlerModule;
}

/** `https-proxy-agent`, loaded only when a request goes through an HTTPS proxy. */
export function loadHttpsProxyAgent(): HttpsProxyModule {
  return load('https-proxy-agent') as HttpsProxyModule;
}

/** `http-proxy-agent`, loaded only when a request goes through an HTTP proxy. */
export function loadHttpProxyAgent(): HttpProxyModule {
  return load('http-proxy-agent') as HttpProxyModule;
}
