// A working directory with an s3 backend block pointing at the project's store (S3) and dynalite
// (DynamoDB), both started on loopback ports by the test and stopped by `close()`.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DynamoServer } from '../harness/dynalite.ts';
import type { TestStore } from '../harness/store.ts';
import { startLocalBackend } from '../harness/local-backend.ts';
import { tempDir } from '../harness/tmp.ts';
import { runBin, type BinResult } from './bin.ts';
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
  const bucket = 'tfstate';
  const local = await startLocalBackend({ buckets: [bucket] });
  const { store, dynamo: ddb, table } = local;
  const tmp = await tempDir('s3state-cli-');
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
      await local.close();
      await tmp.cleanup();
    },
  };
}
