import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { tempDir } from './tmp.ts';

const require = createRequire(import.meta.url);

/** s3rver's built-in credentials (it verifies SigV4 signatures against them). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running s3rver (npm, in-process, filesystem-backed, data in a temporary folder). */
export interface S3rverServer {
  endpoint: string;
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
}

/** Starts s3rver on a random loopback port with its data in a fresh temporary folder. */
export async function startS3rver(): Promise<S3rverServer> {
  const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;
  const dir = await tempDir('s3state-s3rver-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.path });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (e) {
    await dir.cleanup();
    throw e;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      await dir.cleanup();
    },
  };
}
