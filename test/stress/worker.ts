/**
 * One contention writer, run as its own process by test/stress/contention.test.ts: `iterations`
 * times it takes the state lock (with a lock timeout, like `-lock-timeout`), reads the state, adds
 * one `terraform_data` resource named after itself and the iteration, writes, and unlocks, using
 * the library only. Prints one JSON line per write: `{"worker","iteration","readSerial","wroteSerial"}`.
 *
 * Configuration comes as JSON in the S3STATE_WORKER environment variable (see {@link WorkerConfig}).
 */
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { S3Backend } from '../../src/backend/s3-backend.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { emptyState } from '../../src/state/write-state.ts';
import { rawArray, rawObject, rawString, RAW_NULL } from '../../src/state/raw-json.ts';
import type { ResourceState } from '../../src/state/state-file.ts';
import { localAwsOptions } from '../harness/local-aws-options.ts';

/** What the worker is told. */
export interface WorkerConfig {
  name: string;
  iterations: number;
  lockTimeoutMs: number;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  accessKey: string;
  secretKey: string;
  settings: BackendSettings;
}

/** The resource a worker adds in one iteration (a builtin `terraform_data`, so terraform can read it). */
function workerResource(name: string, iteration: number): ResourceState {
  const id = `${name}-${iteration}`;
  return {
    module: '',
    mode: 'managed',
    type: 'terraform_data',
    name: `${name}_${iteration}`,
    provider: 'provider["terraform.io/builtin/terraform"]',
    instances: [
      {
        schemaVersion: 0,
        attributes: rawObject([
          ['id', rawString(id)],
          ['input', RAW_NULL],
          ['output', RAW_NULL],
          ['triggers_replace', RAW_NULL],
        ]),
        sensitiveAttributes: rawArray([]),
      },
    ],
  };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.S3STATE_WORKER ?? '') as WorkerConfig;
  const clients = createAwsClients(
    localAwsOptions({
      region: cfg.settings.region,
      accessKey: cfg.accessKey,
      secretKey: cfg.secretKey,
      endpoints: { s3: cfg.s3Endpoint, dynamodb: cfg.dynamodbEndpoint },
    }),
    { env: { HOME: '/nonexistent' } },
  );
  const backend = new S3Backend({ settings: cfg.settings, s3: clients.s3(), dynamodb: clients.dynamodb() });
  const mgr = await backend.stateManager('default');
  for (let i = 0; i < cfg.iterations; i++) {
    const lock = await mgr.lock({
      operation: 'OperationTypeApply',
      who: `${cfg.name}@stress`,
      timeoutMs: cfg.lockTimeoutMs,
    });
    try {
      const read = await mgr.read();
      const base = read?.state ?? emptyState({ lineage: '', serial: 0, terraformVersion: '1.11.4' });
      const next = { ...base, resources: [...base.resources, workerResource(cfg.name, i)] };
      const res = await mgr.write(next);
      process.stdout.write(
        JSON.stringify({
          worker: cfg.name,
          iteration: i,
          readSerial: read ? String(read.state.serial) : null,
          wroteSerial: String(res.state.serial),
        }) + '\n',
      );
    } finally {
      await lock.release();
    }
  }
  clients.destroy();
}

main().catch((e: unknown) => {
  process.stderr.write(`worker failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
