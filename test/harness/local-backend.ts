import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite, type DynamoServer } from './dynalite.ts';
import { createLockTable } from './lock-table.ts';
import { startTestStore, type TestStore } from './store.ts';

/** Our store and dynalite on loopback ports, with the lock table (and buckets) a backend needs. */
export interface LocalBackend {
  /** The s3state store, with a client (credentials test/test). */
  store: TestStore;
  /** dynalite. */
  dynamo: DynamoServer;
  /** A DynamoDB client of `dynamo` (region us-east-1, credentials test/test). */
  ddb: DynamoDBClient;
  /** The lock table created in `dynamo`. */
  table: string;
  /** Stops both servers and removes the store's data. */
  close(): Promise<void>;
}

/** Options of {@link startLocalBackend}. */
export interface LocalBackendOptions {
  /** @default 'tf-locks' */
  table?: string;
  /** Buckets to create in the store. @default [] */
  buckets?: readonly string[];
}

/** Starts the store and dynalite, creates the lock table and the buckets asked for. */
export async function startLocalBackend(opts: LocalBackendOptions = {}): Promise<LocalBackend> {
  const table = opts.table ?? 'tf-locks';
  const store = await startTestStore();
  const dynamo = await startDynalite();
  const ddb = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const close = async (): Promise<void> => {
    ddb.destroy();
    await store.close();
    await dynamo.close();
  };
  try {
    await createLockTable(ddb, table);
    for (const b of opts.buckets ?? []) await store.s3.send(new CreateBucketCommand({ Bucket: b }));
  } catch (e) {
    await close();
    throw e;
  }
  return { store, dynamo, ddb, table, close };
}
