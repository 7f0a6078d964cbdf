// A working directory with an s3 backend block pointing at the project's store (S3) and dynalite
// (DynamoDB), both started on loopback ports by the test and stopped by `close()`.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDynalite, type DynamoServer } from '../harness/dynalite.ts';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { tempDir } from '../harness/tmp.ts';
import { runBin, type BinResult } from './bin.ts';
import { createLockTable } from '../harness/lock-table.ts';
import { s3BackendBlock } from '../harness/backend-block.ts';

export interface BackendFixture {
  store: TestStore;
  ddb: DynamoServer;
  bucket: string;
  table: string;
  /** Environment for the bin and for terraform (credentials, HOME). */
  env: Record<string, string>;
  home: string;
  /** Makes a new working directory with a backend block (`lock`: which mechanisms). */
  makeDir(opts?: {
    key?: string;
    lock?: 'dynamodb' | 'lockfile' | 'both' | 'none';
    prefix?: string;
  }): Promise<string>;
  /** The backend block text for a directory. */
  backendBlock(opts?: {
    key?: string;
    lock?: 'dynamodb' | 'lockfile' | 'both' | 'none';
    prefix?: string;
  }): string;
  run(args: string[], cwd: string, input?: string | Buffer): Promise<BinResult>;
  close(): Promise<void>;
}

let counter = 0;

/** Starts the store and dynalite, creates a bucket and a lock table. */
export async function startBackendFixture(): Promise<BackendFixture> {
  const store = await startTestStore();
  const ddb = await startDynalite();
  const tmp = await tempDir('s3state-cli-');
  const bucket = 'tfstate';
  const table = 'tf-locks';
  await store.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await createLockTable(client, table);
  client.destroy();
  const home = path.join(tmp.path, 'home');
  await mkdir(home, { recursive: true });
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', HOME: home };
  const backendBlock: BackendFixture['backendBlock'] = (o = {}) => {
    const lock = o.lock ?? 'dynamodb';
    return s3BackendBlock({
      bucket,
      key: o.key ?? 'app/terraform.tfstate',
      workspaceKeyPrefix: o.prefix,
      dynamodbTable: lock === 'dynamodb' || lock === 'both' ? table : undefined,
      useLockfile: lock === 'lockfile' || lock === 'both',
      endpoints: { s3: store.endpoint, dynamodb: ddb.endpoint },
    });
  };
  return {
    store,
    ddb,
    bucket,
    table,
    env,
    home,
    backendBlock,
    makeDir: async (o = {}) => {
      const dir = path.join(tmp.path, `wd-${++counter}`);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'main.tf'), backendBlock(o));
      return dir;
    },
    run: (args, cwd, input) => runBin(args, { cwd, env, ...(input !== undefined ? { input } : {}) }),
    close: async () => {
      await store.close();
      await ddb.close();
      await tmp.cleanup();
    },
  };
}
