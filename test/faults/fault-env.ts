/**
 * The setting of the fault scenarios: a real S3 store and a real DynamoDB server (dynalite), each
 * behind its own fault proxy (hand-made double), and the library's AWS clients built by
 * `createAwsClients` with a chosen `max_retries`, pointed at the proxies. Direct clients (no proxy)
 * let a test see what really landed.
 *
 * S3 server: the project's store (`test/harness/store.ts` `startTestStore`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../src/aws/create-aws-clients.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { startDynalite } from '../harness/dynalite.ts';
import { startTestStore } from '../harness/store.ts';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.ts';
import { createLockTable } from '../harness/lock-table.ts';
import { localAwsOptions } from '../harness/local-aws-options.ts';

export const BUCKET = 'fault-bucket';
export const TABLE = 'fault-locks';
export const CREDENTIALS = { accessKeyId: 'AKIDFAULTS', secretAccessKey: 'fault-secret-not-logged' };

interface Upstream {
  name: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/** Starts the project's S3 store (the scenarios' S3 server) with distinctive keys, so a test can prove the secret never shows up in errors. */
export async function startS3Upstream(): Promise<Upstream> {
  const s = await startTestStore({ credentials: [CREDENTIALS] });
  return { name: 'our store', endpoint: s.endpoint, credentials: CREDENTIALS, close: () => s.close() };
}

/** A running fault environment. */
export interface FaultEnv {
  /** Name of the S3 server, or undefined when only DynamoDB runs. */
  s3Name: string | undefined;
  s3Proxy: FaultProxy | undefined;
  ddbProxy: FaultProxy;
  /** Clients that talk to the servers directly, to see what really landed. */
  directS3: S3Client | undefined;
  directDdb: DynamoDBClient;
  /** Library clients through the proxies, with `max_retries` = `maxRetries`. */
  clients(maxRetries: number): AwsClients;
  settings(over?: Partial<BackendSettings>): BackendSettings;
  close(): Promise<void>;
}

/** Starts dynalite (+ the S3 server when `withS3`), proxies, the table and the bucket. */
export async function startFaultEnv(opts: { withS3: boolean }): Promise<FaultEnv> {
  const closers: (() => Promise<void>)[] = [];
  const made: AwsClients[] = [];
  try {
    const ddb = await startDynalite();
    closers.push(() => ddb.close());
    const ddbProxy = await startFaultProxy({ upstream: ddb.endpoint });
    closers.push(() => ddbProxy.close());
    const directDdb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: ddb.endpoint,
      credentials: CREDENTIALS,
    });
    closers.push(async () => directDdb.destroy());
    await createLockTable(directDdb, TABLE);

    let up: Upstream | undefined;
    let s3Proxy: FaultProxy | undefined;
    let directS3: S3Client | undefined;
    if (opts.withS3) {
      up = await startS3Upstream();
      if (up) {
        const u = up;
        closers.push(() => u.close());
        s3Proxy = await startFaultProxy({ upstream: u.endpoint });
        const p = s3Proxy;
        closers.push(() => p.close());
        const d = new S3Client({
          region: 'us-east-1',
          endpoint: u.endpoint,
          forcePathStyle: true,
          credentials: u.credentials,
        });
        directS3 = d;
        closers.push(async () => d.destroy());
        await d.send(new CreateBucketCommand({ Bucket: BUCKET }));
      }
    }
    const s3Creds = up?.credentials ?? CREDENTIALS;
    closers.push(async () => made.forEach((c) => c.destroy()));
    return {
      s3Name: up?.name,
      s3Proxy,
      ddbProxy,
      directS3,
      directDdb,
      clients(maxRetries: number): AwsClients {
        const o = localAwsOptions({
          accessKey: s3Creds.accessKeyId,
          secretKey: s3Creds.secretAccessKey,
          endpoints: { dynamodb: ddbProxy.endpoint, ...(s3Proxy ? { s3: s3Proxy.endpoint } : {}) },
          maxRetries,
        });
        // An empty environment: no AWS_* variables or shared files of the machine leak in.
        const c = createAwsClients(o, { env: { HOME: '/nonexistent' } });
        made.push(c);
        return c;
      },
      settings(over: Partial<BackendSettings> = {}): BackendSettings {
        return {
          bucket: BUCKET,
          key: 'app/terraform.tfstate',
          region: 'us-east-1',
          workspaceKeyPrefix: 'env:',
          dynamodbTable: TABLE,
          useLockfile: false,
          encrypt: false,
          skipS3Checksum: false,
          ...over,
        };
      },
      async close() {
        for (const c of closers.reverse()) await c().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw e;
  }
}
