import { createRequire } from 'node:module';

/*
 * Synchronous, on-first-use loading of the SDK service clients. The factory's getters are
 * synchronous (`s3(): S3Client`), so `await import()` is not an option; a `require()` with a literal
 * name is. In the esbuild bundle the literal `require('…')` is bundled and becomes a lazily evaluated
 * CommonJS wrapper, so a command that only talks to S3 never evaluates the DynamoDB or STS clients
 * (measured: S3 alone ≈290 ms to import bundled, all three ≈500 ms). Outside the bundle (tsx, plain
 * Node) the same packages are loaded through `createRequire`; they have no `exports` map, so ESM
 * `import` and `require` resolve to the same CommonJS files and there is one copy of each class.
 */

type S3Module = typeof import('@aws-sdk/client-s3');
type DynamoDbModule = typeof import('@aws-sdk/client-dynamodb');
type StsModule = typeof import('@aws-sdk/client-sts');
type HandlerModule = typeof import('@smithy/node-http-handler');
type HttpsProxyModule = typeof import('https-proxy-agent');
type HttpProxyModule = typeof import('http-proxy-agent');

const nodeRequire = createRequire(import.meta.url);
const bundledRequire: NodeJS.Require | undefined = typeof require === 'function' ? require : undefined;

/* eslint-disable @typescript-eslint/no-require-imports */
/** `@aws-sdk/client-s3`, loaded on first call. */
export function loadS3(): S3Module {
  return (bundledRequire ? require('@aws-sdk/client-s3') : nodeRequire('@aws-sdk/client-s3')) as S3Module;
}

/** `@aws-sdk/client-dynamodb`, loaded on first call. */
export function loadDynamoDb(): DynamoDbModule {
  return (
    bundledRequire ? require('@aws-sdk/client-dynamodb') : nodeRequire('@aws-sdk/client-dynamodb')
  ) as DynamoDbModule;
}

/** `@aws-sdk/client-sts`, loaded on first call. */
export function loadSts(): StsModule {
  return (bundledRequire ? require('@aws-sdk/client-sts') : nodeRequire('@aws-sdk/client-sts')) as StsModule;
}
/** `@smithy/node-http-handler`, loaded on first call (the first client built). */
export function loadHttpHandler(): HandlerModule {
  return (
    bundledRequire ? require('@smithy/node-http-handler') : nodeRequire('@smithy/node-http-handler')
  ) as HandlerModule;
}

/** `https-proxy-agent`, loaded only when a request goes through an HTTPS proxy. */
export function loadHttpsProxyAgent(): HttpsProxyModule {
  return (
    bundledRequire ? require('https-proxy-agent') : nodeRequire('https-proxy-agent')
  ) as HttpsProxyModule;
}

/** `http-proxy-agent`, loaded only when a request goes through an HTTP proxy. */
export function loadHttpProxyAgent(): HttpProxyModule {
  return (bundledRequire ? require('http-proxy-agent') : nodeRequire('http-proxy-agent')) as HttpProxyModule;
}
/* eslint-enable @typescript-eslint/no-require-imports */
