import { S3Client } from '@aws-sdk/client-s3';
import { startS3Store, type S3StoreOptions } from '../../src/store/s3-store.ts';
import { tempDir } from './tmp.ts';

/** A store started for a test, with an SDK client pointed at it. */
export interface TestStore {
  endpoint: string;
  dataDir: string;
  /** Path-style, region us-east-1, credentials test/test, default SDK settings otherwise. */
  s3: S3Client;
  /** Stops the store and removes its temporary data folder. */
  close(): Promise<void>;
}

/**
 * Starts the s3state store on a random 127.0.0.1 port with data in a fresh temporary folder
 * (unless `dataDir` is given, which is then kept on close).
 */
export async function startTestStore(opts: Partial<S3StoreOptions> = {}): Promise<TestStore> {
  const tmp = opts.dataDir === undefined ? await tempDir('s3state-store-') : undefined;
  const dataDir = opts.dataDir ?? tmp!.path;
  const store = await startS3Store({ ...opts, dataDir });
  const s3 = new S3Client({
    endpoint: store.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint: store.endpoint,
    dataDir,
    s3,
    close: async () => {
      s3.destroy();
      await store.close();
      await tmp?.cleanup();
    },
  };
}
