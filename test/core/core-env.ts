// Shared environment of the core contract suites: a real S3 (the project's store, or moto_server)
// plus a real DynamoDB (dynalite, or moto), with fresh buckets per test and one lock table.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../harness/dynalite.ts';
import { motoAvailable, startMoto } from '../harness/moto.ts';
import { S3RVER_CREDENTIALS, startS3rver } from '../harness/s3rver.ts';
import { RGW_CREDENTIALS, rgwAvailable, startRgw } from '../harness/rgw.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { createLockTable } from '../harness/lock-table.ts';

/** Which real servers a suite runs against. */
export type TargetKind = 'store+dynalite' | 'moto' | 's3rver+dynalite' | 'rgw+dynalite';

/** A running target. */
export interface CoreEnv {
  kind: TargetKind;
  s3Endpoint: string;
  ddbEndpoint: string;
  s3: S3Client;
  ddb: DynamoDBClient;
  table: string;
  /** Creates a fresh bucket and returns its name. */
  bucket(): Promise<string>;
  /** Settings for a fresh bucket (override anything). */
  settings(over?: Partial<BackendSettings>): Promise<BackendSettings>;
  /** A second, independent pair of SDK clients (another "process"). */
  clients(opts?: { skipS3Checksum?: boolean; maxAttempts?: number }): { s3: S3Client; ddb: DynamoDBClient };
  close(): Promise<void>;
}

const storeHarness = path.resolve(import.meta.dirname, '../harness/store.ts');

/** Why a target is unavailable, or undefined when it can run. */
export function targetUnavailable(kind: TargetKind): string | undefined {
  if (kind === 'moto' && !motoAvailable()) return 'moto_server not found';
  if (kind === 'rgw+dynalite' && !rgwAvailable()) return 'Ceph RGW (radosgw) not installed';
  if (kind === 'store+dynalite' && !existsSync(storeHarness))
    return 'test/harness/store.ts (project store) not found';
  return undefined;
}

/** Prints the one SKIPPED line and returns the skip reason (for `describe(..., { skip })`). */
export function skipReason(kind: TargetKind): string | false {
  const why = targetUnavailable(kind);
  if (why) {
    console.log(`SKIPPED: ${why}`);
    return why;
  }
  return false;
}

export const TARGETS: TargetKind[] = ['store+dynalite', 'moto'];

/** Features an independent server is known to lack or get wrong (declared, so tests say so by name). */
export type KnownFault = 'sse-c' | 'tagging' | 'if-none-match';

const KNOWN_FAULTS: Partial<Record<TargetKind, Partial<Record<KnownFault, string>>>> = {
  moto: { 'sse-c': 'moto 5.2 does not enforce SSE-C (reads without the key succeed)' },
  's3rver+dynalite': {
    'sse-c': 's3rver ignores SSE-C (reads without the key succeed)',
    tagging: 's3rver does not store object tags (GetObjectTagging is empty)',
    'if-none-match': 's3rver ignores If-None-Match (conditional lock-file writes always succeed)',
  },
};

/** The declared fault of `kind` for `feature`, as a `todo` reason, or undefined. */
export function knownFault(kind: TargetKind, feature: KnownFault): string | undefined {
  return KNOWN_FAULTS[kind]?.[feature];
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let bucketSeq = 0;

function makeClients(
  s3Endpoint: string,
  ddbEndpoint: string,
  skipS3Checksum = false,
  s3Credentials = credentials,
  maxAttempts = 1,
) {
  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: s3Credentials,
    maxAttempts,
    ...(skipS3Checksum
      ? {
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
  const ddb = new DynamoDBClient({ endpoint: ddbEndpoint, region: 'us-east-1', credentials, maxAttempts });
  return { s3, ddb };
}

interface StoreHandle {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the servers of `kind`, a lock table, and returns the env. */
export async function startCoreEnv(kind: TargetKind): Promise<CoreEnv> {
  let s3Endpoint: string;
  let ddbEndpoint: string;
  const closers: (() => Promise<void>)[] = [];
  let s3Credentials = credentials;
  if (kind === 'rgw+dynalite') {
    const rgw = await startRgw();
    if (!rgw) throw new Error('Ceph RGW (radosgw) not installed');
    closers.push(() => rgw.close());
    const dyn = await startDynalite();
    closers.push(() => dyn.close());
    s3Endpoint = rgw.endpoint;
    ddbEndpoint = dyn.endpoint;
    s3Credentials = { ...RGW_CREDENTIALS };
  } else if (kind === 's3rver+dynalite') {
    const srv = await startS3rver();
    closers.push(() => srv.close());
    const dyn = await startDynalite();
    closers.push(() => dyn.close());
    s3Endpoint = srv.endpoint;
    ddbEndpoint = dyn.endpoint;
    s3Credentials = { ...S3RVER_CREDENTIALS };
  } else if (kind === 'moto') {
    const moto = await startMoto();
    if (!moto) throw new Error('moto_server not found');
    closers.push(() => moto.close());
    s3Endpoint = moto.endpoint;
    ddbEndpoint = moto.endpoint;
  } else {
    const mod = (await import(storeHarness)) as { startTestStore: () => Promise<StoreHandle> };
    const store = await mod.startTestStore();
    closers.push(() => store.close());
    const dyn = await startDynalite();
    closers.push(() => dyn.close());
    s3Endpoint = store.endpoint;
    ddbEndpoint = dyn.endpoint;
  }
  const { s3, ddb } = makeClients(s3Endpoint, ddbEndpoint, false, s3Credentials);
  const table = 'tf-locks';
  await createLockTable(ddb, table);
  const others: { s3: S3Client; ddb: DynamoDBClient }[] = [];
  const env: CoreEnv = {
    kind,
    s3Endpoint,
    ddbEndpoint,
    s3,
    ddb,
    table,
    async bucket() {
      const name = `core-${process.pid}-${++bucketSeq}`;
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async settings(over = {}) {
      return {
        bucket: over.bucket ?? (await env.bucket()),
        key: 'test/state',
        region: 'us-east-1',
        workspaceKeyPrefix: 'env:',
        useLockfile: false,
        encrypt: false,
        skipS3Checksum: false,
        ...over,
      };
    },
    clients(opts = {}) {
      const c = makeClients(s3Endpoint, ddbEndpoint, opts.skipS3Checksum, s3Credentials, opts.maxAttempts);
      others.push(c);
      return c;
    },
    async close() {
      for (const c of [{ s3, ddb }, ...others]) {
        c.s3.destroy();
        c.ddb.destroy();
      }
      for (const close of closers.reverse()) await close();
    },
  };
  return env;
}

/** Records the HTTP headers of every request an S3 client sends (after signing). */
export function recordS3Headers(client: S3Client): {
  requests: { op: string; headers: Record<string, string> }[];
} {
  const log: { requests: { op: string; headers: Record<string, string> }[] } = { requests: [] };
  const mw: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next, context) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
      log.requests.push({ op: String(context.commandName ?? ''), headers });
      return next(args);
    };
  client.middlewareStack.addRelativeTo(mw, {
    relation: 'after',
    toMiddleware: 'httpSigningMiddleware',
    name: 'recordHeadersForTest',
  });
  return log;
}
