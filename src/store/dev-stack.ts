/**
 * `s3state dev`: a local S3 store plus a DynamoDB-compatible lock table (dynalite), both persistent
 * under one folder, ready to be used as Terraform's/OpenTofu's `s3` backend.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadDynamoDb, loadS3 } from '../aws/load-sdk.ts';
import { S3StateError } from '../errors.ts';
import { startS3Store } from './s3-store.ts';

/** A progress or warning message from {@link startDevStack}. */
export interface DevStackEvent {
  level: 'info' | 'warn';
  message: string;
}

/** Options of {@link startDevStack}. */
export interface DevStackOptions {
  /** Data folder; S3 data goes to `<dir>/s3`, the lock table to `<dir>/dynamodb`. The CLI passes `.s3state`. */
  dir: string;
  /**
   * Address both servers listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port of the S3 store; `0` picks a free one.
   * @default 9310
   */
  s3Port?: number;
  /**
   * Port of the DynamoDB-compatible server; `0` picks a free one.
   * @default 9311
   */
  dynamodbPort?: number;
  /**
   * Bucket created (versioned) for the state.
   * @default 'tfstate'
   */
  bucket?: string;
  /**
   * Lock table created with hash key `LockID` (S).
   * @default 'tf-locks'
   */
  table?: string;
  /**
   * Region named in the backend block and the clients.
   * @default 'us-east-1'
   */
  region?: string;
  /**
   * State key written into the backend block.
   * @default 'terraform.tfstate'
   */
  key?: string;
  /** Receives progress messages (servers started, bucket/table created or found). */
  reporter?: (e: DevStackEvent) => void;
}

/** A running dev stack. */
export interface DevStack {
  /** e.g. `http://127.0.0.1:9310` */
  s3Endpoint: string;
  /** e.g. `http://127.0.0.1:9311` */
  dynamodbEndpoint: string;
  bucket: string;
  table: string;
  region: string;
  /** Access key the store accepts. */
  accessKey: string;
  /** Secret key the store accepts (a fixed local test key, not a real secret). */
  secretKey: string;
  /** The exact `terraform { backend "s3" { … } }` block to paste into a configuration. */
  terraformBlock: string;
  /** Environment variables to export before running `terraform`/`tofu` (credentials, region). */
  env: Record<string, string>;
  /** Stops both servers (data stays in `dir`). */
  close(): Promise<void>;
}

/** Why {@link startDevStack} failed. */
export type DevStackFailure = 'port-in-use' | 'start-failed' | 'setup-failed';

/** Error of {@link startDevStack} (code `STORE`); `reason` says which step failed. */
export class DevStackError extends S3StateError {
  readonly reason: DevStackFailure;
  constructor(reason: DevStackFailure, message: string, opts: { cause?: unknown; hint?: string } = {}) {
    super('STORE', message, opts);
    this.name = 'DevStackError';
    this.reason = reason;
  }
}

/** Fixed credentials of the dev stack's store (local only; documented in the printed instructions). */
const DEV_ACCESS_KEY = 'test';
const DEV_SECRET_KEY = 'test';

const require = createRequire(import.meta.url);

function isAddrInUse(e: unknown): boolean {
  for (let cur: unknown = e; cur && typeof cur === 'object'; cur = (cur as { cause?: unknown }).cause) {
    const o = cur as { code?: unknown; message?: unknown };
    if (o.code === 'EADDRINUSE') return true;
    if (typeof o.message === 'string' && o.message.includes('EADDRINUSE')) return true;
  }
  return false;
}

function portInUse(what: string, host: string, port: number, flag: string, cause: unknown): DevStackError {
  return new DevStackError(
    'port-in-use',
    `${what} cannot listen on ${host}:${port}: the port is already in use`,
    {
      cause,
      hint: `Stop the process using port ${port}, or choose another port with ${flag}.`,
    },
  );
}

interface DynamoServer {
  endpoint: string;
  close(): Promise<void>;
}

async function startDynamo(path: string, host: string, port: number): Promise<DynamoServer> {
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const close = (): Promise<void> =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      // dynalite's close also closes its LevelDB store (releasing the folder's lock for the next start).
      server.close(() => done());
    });
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (e) {
    await close();
    if (isAddrInUse(e)) throw portInUse('The DynamoDB lock server', host, port, '--dynamodb-port', e);
    throw new DevStackError('start-failed', `The DynamoDB lock server could not start on ${host}:${port}`, {
      cause: e,
    });
  }
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return { endpoint: `http://${urlHost(host)}:${actual}`, close };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Renders the backend block printed by `s3state dev`. */
export function renderTerraformBlock(s: {
  bucket: string;
  key: string;
  region: string;
  table: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
}): string {
  return [
    'terraform {',
    '  backend "s3" {',
    `    bucket = ${JSON.stringify(s.bucket)}`,
    `    key    = ${JSON.stringify(s.key)}`,
    `    region = ${JSON.stringify(s.region)}`,
    '',
    '    # The local store and lock table started by `s3state dev`.',
    '    endpoints = {',
    `      s3       = ${JSON.stringify(s.s3Endpoint)}`,
    `      dynamodb = ${JSON.stringify(s.dynamodbEndpoint)}`,
    '    }',
    '    use_path_style              = true',
    '    skip_credentials_validation = true',
    '    skip_requesting_account_id  = true',
    '    skip_region_validation      = true',
    '    skip_metadata_api_check     = true',
    '',
    '    # S3-native locking: the lock is an object "<key>.tflock" created with If-None-Match: *',
    '    # (Terraform >= 1.10, OpenTofu >= 1.8).',
    '    use_lockfile = true',
    '    # DynamoDB locking: an item in this table (hash key LockID). Deprecated by Terraform 1.11 in favour',
    '    # of use_lockfile, kept for older binaries. With both set, the lock file is taken first, then the item.',
    `    dynamodb_table = ${JSON.stringify(s.table)}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

async function ensureBucket(s3: S3Client, bucket: string, report: (m: string) => void): Promise<void> {
  try {
    await s3.send(new (loadS3().CreateBucketCommand)({ Bucket: bucket }));
    report(`created bucket ${bucket}`);
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
      throw new DevStackError('setup-failed', `could not create bucket "${bucket}" in the local store`, {
        cause: e,
      });
    }
    report(`bucket ${bucket} already exists`);
  }
  const v = await s3.send(new (loadS3().GetBucketVersioningCommand)({ Bucket: bucket }));
  if (v.Status !== 'Enabled') {
    await s3.send(
      new (loadS3().PutBucketVersioningCommand)({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    report(`enabled versioning on bucket ${bucket}`);
  }
}

async function ensureTable(db: DynamoDBClient, table: string, report: (m: string) => void): Promise<void> {
  try {
    await db.send(new (loadDynamoDb().DescribeTableCommand)({ TableName: table }));
    report(`lock table ${table} already exists`);
    return;
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceNotFoundException') {
      throw new DevStackError('setup-failed', `could not read lock table "${table}"`, { cause: e });
    }
  }
  try {
    await db.send(
      new (loadDynamoDb().CreateTableCommand)({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceInUseException') {
      throw new DevStackError('setup-failed', `could not create lock table "${table}"`, { cause: e });
    }
  }
  report(`created lock table ${table} (hash key LockID)`);
}

/**
 * Starts the local S3 store (data in `<dir>/s3`) and dynalite (data in `<dir>/dynamodb`) on loopback,
 * creates the versioned bucket and the lock table if missing, and returns endpoints, credentials, the
 * backend block and the environment to export.
 *
 * @throws S3StateError `DEV_PORT_IN_USE` when a port is taken, `DEV_SETUP_FAILED` when the bucket or
 * table cannot be created.
 */
export async function startDevStack(opts: DevStackOptions): Promise<DevStack> {
  const host = opts.host ?? '127.0.0.1';
  const s3Port = opts.s3Port ?? 9310;
  const dynamodbPort = opts.dynamodbPort ?? 9311;
  const bucket = opts.bucket ?? 'tfstate';
  const table = opts.table ?? 'tf-locks';
  const region = opts.region ?? 'us-east-1';
  const key = opts.key ?? 'terraform.tfstate';
  const report = (message: string): void => opts.reporter?.({ level: 'info', message });
  const dir = resolve(opts.dir);
  const s3Dir = join(dir, 's3');
  const dynamoDir = join(dir, 'dynamodb');
  try {
    await mkdir(s3Dir, { recursive: true });
    await mkdir(dynamoDir, { recursive: true });
  } catch (e) {
    throw new DevStackError('start-failed', `cannot create the dev stack's data folder ${dir}`, {
      cause: e,
      hint: 'Choose a writable folder with -dir.',
    });
  }

  const [store, dynamo] = await Promise.allSettled([
    startS3Store({
      dataDir: s3Dir,
      host,
      port: s3Port,
      credentials: [{ accessKeyId: DEV_ACCESS_KEY, secretAccessKey: DEV_SECRET_KEY }],
      region,
    }).catch((e: unknown) => {
      if (isAddrInUse(e)) throw portInUse('The S3 store', host, s3Port, '--s3-port', e);
      throw e;
    }),
    startDynamo(dynamoDir, host, dynamodbPort),
  ]);
  if (store.status === 'rejected' || dynamo.status === 'rejected') {
    if (store.status === 'fulfilled') await store.value.close();
    if (dynamo.status === 'fulfilled') await dynamo.value.close();
    throw store.status === 'rejected' ? store.reason : (dynamo as PromiseRejectedResult).reason;
  }
  const s3Endpoint = store.value.endpoint;
  const dynamodbEndpoint = dynamo.value.endpoint;
  report(`S3 store listening on ${s3Endpoint} (data in ${s3Dir})`);
  report(`DynamoDB lock server listening on ${dynamodbEndpoint} (data in ${dynamoDir})`);
  const close = async (): Promise<void> => {
    await Promise.all([store.value.close(), dynamo.value.close()]);
  };

  const credentials = { accessKeyId: DEV_ACCESS_KEY, secretAccessKey: DEV_SECRET_KEY };
  const s3: S3Client = new (loadS3().S3Client)({
    endpoint: s3Endpoint,
    region,
    forcePathStyle: true,
    credentials,
  });
  const db: DynamoDBClient = new (loadDynamoDb().DynamoDBClient)({
    endpoint: dynamodbEndpoint,
    region,
    credentials,
  });
  try {
    await Promise.all([ensureBucket(s3, bucket, report), ensureTable(db, table, report)]);
  } catch (e) {
    await close();
    throw e;
  } finally {
    s3.destroy();
    db.destroy();
  }

  return {
    s3Endpoint,
    dynamodbEndpoint,
    bucket,
    table,
    region,
    accessKey: DEV_ACCESS_KEY,
    secretKey: DEV_SECRET_KEY,
    terraformBlock: renderTerraformBlock({ bucket, key, region, table, s3Endpoint, dynamodbEndpoint }),
    env: {
      AWS_ACCESS_KEY_ID: DEV_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: DEV_SECRET_KEY,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    },
    close,
  };
}
