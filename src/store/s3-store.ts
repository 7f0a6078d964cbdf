/**
 * The s3state store: a local, durable HTTP server speaking the S3 REST API used by state backends,
 * with AWS's semantics (SigV4, conditional writes, versioning, SSE-C checks, checksums, multipart,
 * bucket settings). Start it with {@link startS3Store}.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as buckets from './bucket-handlers.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { DiskStore } from './disk-store.ts';
import { KeyMutex } from './key-mutex.ts';
import { listObjects, listObjectVersions } from './list-handlers.ts';
import * as multipart from './multipart-handlers.ts';
import * as objects from './object-handlers.ts';
import { routeOperation } from './operation-router.ts';
import { S3Error } from './s3-error.ts';
import { verifySigV4 } from './sigv4-verifier.ts';
import type { S3Request, S3Response, StoreContext } from './store-context.ts';
import { el, xmlDoc } from './xml.ts';

/** Options of {@link startS3Store}. */
export interface S3StoreOptions {
  /** Folder holding the store's data (created when missing); data persists across restarts. */
  dataDir: string;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Access keys the store accepts. @default [{ accessKeyId: 'test', secretAccessKey: 'test' }] */
  credentials?: { accessKeyId: string; secretAccessKey: string }[];
  /** Region of new buckets when the request names none. @default 'us-east-1' */
  region?: string;
  /** Receives progress and warnings (the store never writes to the console). */
  reporter?: (event: { level: 'debug' | 'info' | 'warn'; message: string }) => void;
  /** Called once per request when its response is finished (e.g. to count API calls in benchmarks). */
  onRequest?: (info: { operation: string; bucket?: string; key?: string; status: number }) => void;
}

/** A running store. */
export interface RunningS3Store {
  /** `http://HOST:PORT` */
  endpoint: string;
  port: number;
  /** Stops accepting requests, closes connections and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Longest key S3 accepts, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** Above this many unread body bytes an early error response closes the connection instead of draining. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

type Handler = (ctx: StoreContext, r: S3Request) => Promise<S3Response>;

const HANDLERS: Record<string, Handler> = {
  ListBuckets: buckets.listBuckets,
  CreateBucket: buckets.createBucket,
  HeadBucket: buckets.headBucket,
  DeleteBucket: buckets.deleteBucket,
  GetBucketLocation: buckets.getBucketLocation,
  GetBucketVersioning: buckets.getBucketVersioning,
  PutBucketVersioning: buckets.putBucketVersioning,
  GetBucketAcl: buckets.getBucketAcl,
  PutBucketAcl: buckets.putBucketAcl,
  ListObjectsV2: (c, r) => listObjects(c, r, true),
  ListObjects: (c, r) => listObjects(c, r, false),
  ListObjectVersions: listObjectVersions,
  ListMultipartUploads: multipart.listMultipartUploads,
  DeleteObjects: objects.deleteObjects,
  PutObject: objects.putObject,
  GetObject: (c, r) => objects.getObject(c, r, false),
  HeadObject: (c, r) => objects.getObject(c, r, true),
  DeleteObject: objects.deleteObject,
  CopyObject: objects.copyObject,
  GetObjectTagging: objects.getObjectTagging,
  PutObjectTagging: objects.putObjectTagging,
  DeleteObjectTagging: objects.deleteObjectTagging,
  GetObjectAcl: objects.getObjectAcl,
  PutObjectAcl: objects.putObjectAcl,
  CreateMultipartUpload: multipart.createMultipartUpload,
  UploadPart: multipart.uploadPart,
  UploadPartCopy: multipart.uploadPartCopy,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
};
for (const s of [
  'BucketEncryption',
  'PublicAccessBlock',
  'BucketPolicy',
  'BucketTagging',
  'BucketOwnershipControls',
  'BucketLifecycleConfiguration',
  'BucketCors',
]) {
  HANDLERS[`Get${s}`] = buckets.getBucketSetting;
  HANDLERS[`Put${s}`] = buckets.putBucketSetting;
  HANDLERS[`Delete${s}`] = buckets.deleteBucketSetting;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Splits the request target into bucket and key (path-style or `bucket.localhost` virtual-hosted style). */
function addressOf(req: IncomingMessage): { bucket?: string; key?: string; rawQuery: string } {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
    }
  };
  const host = (header(req, 'host') ?? '').replace(/:\d+$/, '').toLowerCase();
  const vh = /^(.+)\.localhost$/.exec(host);
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (vh && vh[1] !== 's3') {
    return { bucket: vh[1]!, ...(path !== '' ? { key: decode(path) } : {}), rawQuery };
  }
  if (path === '') return { rawQuery };
  const i = path.indexOf('/');
  if (i < 0) return { bucket: decode(path), rawQuery };
  const key = path.slice(i + 1);
  return { bucket: decode(path.slice(0, i)), ...(key !== '' ? { key: decode(key) } : {}), rawQuery };
}

/** Starts the store; resolves once it is listening. */
export async function startS3Store(opts: S3StoreOptions): Promise<RunningS3Store> {
  await mkdir(opts.dataDir, { recursive: true });
  const unlock = await lockDataDir(opts.dataDir);
  let disk: DiskStore;
  try {
    disk = await DiskStore.open(opts.dataDir);
  } catch (e) {
    await unlock();
    throw e;
  }
  const report = (level: 'debug' | 'info' | 'warn', message: string): void =>
    opts.reporter?.({ level, message });
  const ctx: StoreContext = { disk, mutex: new KeyMutex(), region: opts.region ?? 'us-east-1', report };
  const creds = new Map(
    (opts.credentials ?? [{ accessKeyId: 'test', secretAccessKey: 'test' }]).map((c) => [
      c.accessKeyId,
      c.secretAccessKey,
    ]),
  );

  const server = createServer(
    // Large uploads may take longer than Node's default 5-minute request timeout.
    { keepAliveTimeout: 5000, requestTimeout: 0, headersTimeout: 60_000 },
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        // Last resort: a failure while writing the response must not take the store down.
        report('warn', `responding failed: ${e instanceof Error ? e.message : String(e)}`);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        } else res.destroy();
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const method = req.method ?? 'GET';
    let operation = 'Unknown';
    let bucket: string | undefined;
    let key: string | undefined;
    let response: S3Response;
    try {
      const addr = addressOf(req);
      bucket = addr.bucket;
      key = addr.key;
      const query = new URLSearchParams(addr.rawQuery);
      const routed = routeOperation(method, bucket, key, query, {
        copySource: header(req, 'x-amz-copy-source') !== undefined,
      });
      operation = routed.operation;
      if (key !== undefined && Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
        throw new S3Error('KeyTooLongError', undefined, {
          MaxSizeAllowed: String(MAX_KEY_BYTES),
          Size: String(Buffer.byteLength(key, 'utf8')),
        });
      }
      const auth = verifySigV4({ method, url: req.url ?? '/', headers: req.headers }, creds);
      if (!routed.implemented) {
        throw new S3Error('NotImplemented', `${operation} is not implemented by the s3state store`, {
          Operation: operation,
        });
      }
      const handler = HANDLERS[operation];
      if (!handler)
        throw new S3Error('NotImplemented', `${operation} is not implemented by the s3state store`, {
          Operation: operation,
        });
      const r: S3Request = {
        req,
        method,
        operation,
        bucket,
        key,
        query,
        auth,
        requestId,
        header: (n) => header(req, n),
      };
      response = await handler(ctx, r);
    } catch (e) {
      response = errorResponse(e, requestId, bucket, key, method === 'HEAD');
    }
    await send(req, res, response, requestId, method === 'HEAD');
    const info: { operation: string; bucket?: string; key?: string; status: number } = {
      operation,
      status: response.status,
    };
    if (bucket !== undefined) info.bucket = bucket;
    if (key !== undefined) info.key = key;
    report('debug', `${requestId} ${method} ${req.url ?? ''} ${operation} → ${response.status}`);
    opts.onRequest?.(info);
  }

  function errorResponse(
    e: unknown,
    requestId: string,
    bucket: string | undefined,
    key: string | undefined,
    head: boolean,
  ): S3Response {
    let err: S3Error;
    if (e instanceof S3Error) err = e;
    else {
      report(
        'warn',
        `internal error in request ${requestId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      err = new S3Error('InternalError');
    }
    const resource = bucket === undefined ? '/' : key === undefined ? `/${bucket}` : `/${bucket}/${key}`;
    const headers: Record<string, string> = { ...err.headers };
    if (head) return { status: err.status, headers };
    headers['content-type'] = 'application/xml';
    const extra = Object.entries(err.fields).map(([k, v]) => el(k, v));
    return {
      status: err.status,
      headers,
      body: xmlDoc(
        'Error',
        [
          el('Code', err.code),
          el('Message', err.message),
          ...extra,
          el('Resource', resource),
          el('RequestId', requestId),
        ],
        false,
      ),
    };
  }

  async function send(
    req: IncomingMessage,
    res: ServerResponse,
    r: S3Response,
    requestId: string,
    head: boolean,
  ): Promise<void> {
    if (!req.complete) {
      // The handler answered before reading the body (an early error): drain a small body so the
      // connection can be reused; close the connection instead of reading a large one.
      const declared = Number(header(req, 'content-length') ?? '0');
      if (declared > DRAIN_LIMIT) {
        r.headers.connection = 'close';
        res.on('finish', () => req.socket.destroy());
      } else req.resume();
    }
    res.statusCode = r.status;
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', Buffer.from(requestId).toString('base64'));
    res.setHeader('server', 's3state');
    for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
    const body = r.body;
    if (body === undefined || head) {
      if (!res.hasHeader('content-length') && !head) res.setHeader('content-length', '0');
      res.end();
      return;
    }
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      res.setHeader('content-length', String(Buffer.byteLength(body)));
      res.end(body);
      return;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream('', { fd: body.fh, start: body.start, end: body.end, autoClose: true });
      stream.on('error', (e) => {
        report('warn', `reading an object failed: ${e.message}`);
        res.destroy(e);
        resolve();
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  }

  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(
      `HTTP/1.1 ${status}\r\nx-amz-request-id: ${newRequestId()}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => {
      void unlock().then(() => reject(e));
    });
    server.listen(opts.port ?? 0, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  report('info', `s3state store listening on ${endpoint}, data in ${opts.dataDir}`);
  return {
    endpoint,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await unlock();
    },
  };
}
