/**
 * A hand-made test double: an HTTP-aware fault proxy that sits between an AWS SDK client and a real
 * server (our S3 store, dynalite, moto) on 127.0.0.1. It forwards every request unchanged (same
 * `Host`, same signed headers, so SigV4 still verifies upstream) and, when a request matches a
 * planned rule, injects a fault at the TCP or HTTP level instead:
 *
 * - `reset-before-request`: destroys the client socket before anything reaches the server;
 * - `reset-after-request`: forwards, lets the server process the request, reads the whole answer and
 *   then destroys the client socket without sending it (the "lost response");
 * - `truncate-response`: forwards, sends the status line, headers (with the full `Content-Length`) and
 *   only part of the body, then closes;
 * - `status`: answers without forwarding: S3 XML errors (`500 InternalError`, `503 SlowDown`) or
 *   DynamoDB JSON errors (`400 ProvisionedThroughputExceededException` / `ThrottlingException`);
 * - `delay`: waits, then forwards normally.
 *
 * It keeps client connections alive (the SDK reuses sockets) and counts requests per operation.
 * No real server can be told to do these things on cue, which is why this double exists.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy knows about one request when matching rules. */
export interface RequestInfo {
  /** Operation name: DynamoDB `x-amz-target` action (`PutItem`), else the S3 operation (`PutObject`). */
  op: string;
  method: string;
  /** Path without the query string, decoded. */
  path: string;
  /** Raw query string (without `?`), '' when none. */
  query: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** Sequence number of this request at the proxy (1-based). */
  seq: number;
}

/** A fault to inject. */
export type Fault =
  | { kind: 'reset-before-request' }
  | { kind: 'reset-after-request' }
  | { kind: 'truncate-response'; /** bytes of the body to send @default half of it */ bytes?: number }
  | {
      kind: 'status';
      /** HTTP status @default 503 (S3) / 400 (DynamoDB) */
      status?: number;
      /** Error code: `SlowDown`, `InternalError`, `ProvisionedThroughputExceededException`, `ThrottlingException`, … */
      code: string;
      /** Error message @default derived from the code */
      message?: string;
    }
  | { kind: 'delay'; ms: number };

/** When a rule applies. All given fields must match. */
export interface Match {
  /** Operation name as in {@link RequestInfo.op}. */
  op?: string;
  method?: string;
  /** Exact path or a pattern over the decoded path. */
  path?: string | RegExp;
  /** Headers that must be present with these values (`true` = present with any value). */
  headers?: Record<string, string | true>;
  /** Free-form predicate. */
  where?: (req: RequestInfo) => boolean;
}

/** A planned fault. */
export interface Rule {
  match: Match;
  fault: Fault;
  /** How many matching requests get the fault. @default 1 */
  times?: number;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
}

/** A planned rule as seen by the test: how often it fired, and a promise for "fired `times` times". */
export interface RuleHandle {
  readonly rule: Rule;
  /** Requests this rule has faulted so far. */
  readonly hits: number;
  /** Resolves once the fault has been fully applied `times` times (for `reset-after-request`: after the server answered). */
  readonly done: Promise<void>;
  /** Stops the rule from firing again. */
  cancel(): void;
}

/** One forwarded or faulted request, in arrival order. */
export interface RequestRecord {
  seq: number;
  op: string;
  method: string;
  path: string;
  /** The fault applied, if any. */
  fault?: Fault['kind'];
  /** Status the upstream answered (undefined when not forwarded or the upstream failed). */
  upstreamStatus?: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT` — give this to the client as its endpoint. */
  readonly endpoint: string;
  readonly port: number;
  /** Adds a rule (rules are tried in the order added; the first active match wins). */
  inject(rule: Rule): RuleHandle;
  /** Removes every rule. */
  clear(): void;
  /** Requests seen per operation. */
  counts(): Record<string, number>;
  /** Requests seen for one operation (0 when none). */
  count(op: string): number;
  /** Every request so far. */
  readonly log: readonly RequestRecord[];
  /** Forgets counts and the log. */
  resetCounts(): void;
  /** Client connections opened so far (to show keep-alive reuse). */
  readonly connections: number;
  close(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Upstream base URL, e.g. `http://127.0.0.1:4566`. */
  upstream: string;
  /** Which error body `status` faults use. @default inferred per request (`x-amz-target` → dynamodb, else s3) */
  flavour?: 's3' | 'dynamodb';
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** Classifies a path-style S3 request into its operation name. */
export function s3Operation(
  method: string,
  path: string,
  query: string,
  headers: Record<string, string>,
): string {
  const q = new URLSearchParams(query);
  const segs = path.split('/').filter((s, i) => i > 0 || s !== '');
  const bucket = segs[0] ?? '';
  const hasKey =
    segs.length > 1 || (segs.length === 1 && path.endsWith('/') && path.length > bucket.length + 2);
  if (bucket === '') return method === 'GET' ? 'ListBuckets' : `${method} /`;
  if (!hasKey) {
    if (method === 'GET') {
      if (q.has('versioning')) return 'GetBucketVersioning';
      if (q.has('encryption')) return 'GetBucketEncryption';
      if (q.has('versions')) return 'ListObjectVersions';
      if (q.has('location')) return 'GetBucketLocation';
      if (q.has('uploads')) return 'ListMultipartUploads';
      if (q.get('list-type') === '2') return 'ListObjectsV2';
      return 'ListObjects';
    }
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'PUT') {
      if (q.has('versioning')) return 'PutBucketVersioning';
      if (q.has('encryption')) return 'PutBucketEncryption';
      return 'CreateBucket';
    }
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
    return `${method} bucket`;
  }
  switch (method) {
    case 'GET':
      if (q.has('tagging')) return 'GetObjectTagging';
      if (q.has('uploadId')) return 'ListParts';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('partNumber') && q.has('uploadId')) return 'UploadPart';
      if (q.has('tagging')) return 'PutObjectTagging';
      if (headers['x-amz-copy-source'] !== undefined) return 'CopyObject';
      return 'PutObject';
    case 'DELETE':
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      return 'DeleteObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      return 'POST object';
    default:
      return `${method} object`;
  }
}

function requestInfo(req: IncomingMessage, seq: number): RequestInfo {
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const rawPath = qi < 0 ? url : url.slice(0, qi);
  const query = qi < 0 ? '' : url.slice(qi + 1);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // keep the raw path
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  const method = req.method ?? 'GET';
  const target = headers['x-amz-target'];
  const op =
    target !== undefined
      ? target.slice(target.lastIndexOf('.') + 1)
      : s3Operation(method, path, query, headers);
  return { op, method, path, query, headers, seq };
}

function matches(m: Match, r: RequestInfo): boolean {
  if (m.op !== undefined && m.op !== r.op) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== r.method) return false;
  if (m.path !== undefined) {
    if (typeof m.path === 'string' ? m.path !== r.path : !m.path.test(r.path)) return false;
  }
  if (m.headers) {
    for (const [name, want] of Object.entries(m.headers)) {
      const got = r.headers[name.toLowerCase()];
      if (got === undefined || (want !== true && got !== want)) return false;
    }
  }
  return m.where ? m.where(r) : true;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  SlowDown: 'Please reduce your request rate.',
  InternalError: 'We encountered an internal error. Please try again.',
  ServiceUnavailable: 'Service is unable to handle request.',
  ProvisionedThroughputExceededException:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API',
  ThrottlingException: 'Rate of requests exceeds the allowed throughput.',
  InternalServerError: 'Internal server error',
};

function errorBody(
  flavour: 's3' | 'dynamodb',
  fault: Extract<Fault, { kind: 'status' }>,
  info: RequestInfo,
): { status: number; headers: Record<string, string>; body: string } {
  const message = fault.message ?? DEFAULT_MESSAGES[fault.code] ?? fault.code;
  if (flavour === 'dynamodb') {
    // DynamoDB's JSON protocol: the error type goes in `__type` (namespace#Code).
    const ns =
      fault.code === 'ThrottlingException'
        ? 'com.amazon.coral.availability'
        : fault.code === 'InternalServerError'
          ? 'com.amazonaws.dynamodb.v20120810'
          : 'com.amazonaws.dynamodb.v20120810';
    return {
      status: fault.status ?? (fault.code === 'InternalServerError' ? 500 : 400),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `FAULT${info.seq}` },
      body: JSON.stringify({ __type: `${ns}#${fault.code}`, message }),
    };
  }
  const status = fault.status ?? (fault.code === 'InternalError' ? 500 : 503);
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${fault.code}</Code><Message>${message}</Message>` +
    `<Resource>${info.path}</Resource><RequestId>FAULT${info.seq}</RequestId></Error>`;
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': `FAULT${info.seq}` },
    body: info.method === 'HEAD' ? '' : xml,
  };
}

interface LiveRule {
  rule: Rule;
  seen: number;
  hits: number;
  active: boolean;
  resolve: () => void;
  done: Promise<void>;
}

/** Starts a fault proxy on a random 127.0.0.1 port in front of `upstream`. Stop it with `close()`. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const up = new URL(opts.upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const rules: LiveRule[] = [];
  let counts: Record<string, number> = {};
  let log: RequestRecord[] = [];
  let seq = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  function pick(info: RequestInfo): LiveRule | undefined {
    for (const lr of rules) {
      if (!lr.active || !matches(lr.rule.match, info)) continue;
      lr.seen += 1;
      if (lr.seen <= (lr.rule.skip ?? 0)) continue;
      lr.hits += 1;
      if (lr.hits >= (lr.rule.times ?? 1)) lr.active = false;
      return lr;
    }
    return undefined;
  }

  /** Forwards the request; resolves with the upstream answer fully buffered. */
  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; message: string; rawHeaders: string[]; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        if (HOP_BY_HOP.has(name.toLowerCase())) continue;
        if (name.toLowerCase() === 'content-length') continue;
        headers.push([name, req.rawHeaders[i + 1]!]);
      }
      // The body is buffered, so it always goes with an explicit length.
      if (body.length > 0 || !['GET', 'HEAD', 'DELETE'].includes(req.method ?? 'GET')) {
        headers.push(['Content-Length', String(body.length)]);
      }
      const outgoing = http.request({
        host: up.hostname,
        port: up.port,
        method: req.method,
        path: req.url,
        agent,
        headers: headers.flat(),
        setHost: false,
      });
      outgoing.on('error', reject);
      outgoing.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            message: res.statusMessage ?? '',
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
      });
      outgoing.end(body);
    });
  }

  function responseHeaders(raw: string[]): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || lower === 'content-length') continue;
      out.push([name, raw[i + 1]!]);
    }
    return out;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    seq += 1;
    const info = requestInfo(req, seq);
    counts[info.op] = (counts[info.op] ?? 0) + 1;
    const record: RequestRecord = { seq: info.seq, op: info.op, method: info.method, path: info.path };
    log.push(record);
    const live = pick(info);
    const fault = live?.rule.fault;
    if (fault) record.fault = fault.kind;
    const finish = (): void => {
      if (live && live.hits >= (live.rule.times ?? 1)) live.resolve();
    };

    if (fault?.kind === 'reset-before-request') {
      // Nothing is read from the body and nothing reaches the server.
      req.socket.resetAndDestroy();
      finish();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);

    if (fault?.kind === 'status') {
      const flavour = opts.flavour ?? (info.headers['x-amz-target'] !== undefined ? 'dynamodb' : 's3');
      const e = errorBody(flavour, fault, info);
      res.writeHead(e.status, { ...e.headers, 'content-length': Buffer.byteLength(e.body) });
      res.end(info.method === 'HEAD' ? undefined : e.body);
      finish();
      return;
    }
    if (fault?.kind === 'delay') {
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          timers.delete(t);
          r();
        }, fault.ms);
        timers.add(t);
      });
      if (closed) return;
    }

    let answer: Awaited<ReturnType<typeof forward>>;
    try {
      answer = await forward(req, body);
    } catch {
      // Upstream unreachable: behave like a dead server.
      req.socket.destroy();
      finish();
      return;
    }
    record.upstreamStatus = answer.status;
    if (fault?.kind === 'reset-after-request') {
      req.socket.resetAndDestroy();
      finish();
      return;
    }
    const headers = responseHeaders(answer.rawHeaders);
    const declared = info.method === 'HEAD' ? undefined : answer.body.length;
    // HEAD answers carry the object's length without a body; keep it as the server sent it.
    const upstreamLength = answer.rawHeaders.findIndex(
      (h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length',
    );
    if (info.method === 'HEAD' && upstreamLength >= 0) {
      headers.push(['Content-Length', answer.rawHeaders[upstreamLength + 1]!]);
    } else if (declared !== undefined) {
      headers.push(['Content-Length', String(declared)]);
    }
    if (fault?.kind === 'truncate-response') {
      const n = Math.min(
        fault.bytes ?? Math.floor(answer.body.length / 2),
        Math.max(0, answer.body.length - 1),
      );
      res.writeHead(answer.status, answer.message, headers.flat());
      res.flushHeaders();
      const sock = req.socket;
      res.write(answer.body.subarray(0, n), () => {
        sock.destroy();
        finish();
      });
      return;
    }
    res.writeHead(answer.status, answer.message, headers.flat());
    res.end(info.method === 'HEAD' ? undefined : answer.body);
    finish();
  }

  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch(() => {
      req.socket.destroy();
    });
  });
  // Clients that send `Expect: 100-continue` get their 100 from us; the server sees no Expect header.
  server.on('connection', (s: Socket) => {
    connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    inject(rule: Rule): RuleHandle {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const lr: LiveRule = { rule, seen: 0, hits: 0, active: true, resolve, done };
      rules.push(lr);
      return {
        rule,
        get hits() {
          return lr.hits;
        },
        done,
        cancel() {
          lr.active = false;
        },
      };
    },
    clear() {
      for (const r of rules) r.active = false;
      rules.length = 0;
    },
    counts: () => ({ ...counts }),
    count: (op: string) => counts[op] ?? 0,
    get log() {
      return log;
    },
    resetCounts() {
      counts = {};
      log = [];
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
