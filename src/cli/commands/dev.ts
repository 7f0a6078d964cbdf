import path from 'node:path';
import type { CommandContext } from '../command-context.ts';
import { UsageError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { startDevStack } from '../../store/dev-stack.ts';

function port(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || n > 65535) {
    throw new UsageError(`Invalid value for -${flag}`, {
      detail: `${JSON.stringify(v)} is not a TCP port (0-65535; 0 = any free port).`,
    });
  }
  return n;
}

/**
 * `s3state dev`: starts the local S3 store and a DynamoDB-compatible server (data in `-dir`, default
 * `.s3state`), prints the backend block and the environment to export on stdout, and serves until
 * SIGINT/SIGTERM, then closes both servers. `-json`: `{"s3_endpoint","dynamodb_endpoint","bucket","table",
 * "region","terraform_block","env"}`.
 */
export async function run(ctx: CommandContext): Promise<number> {
  expectArgs(ctx, 0, 0);
  const s3Port = port(ctx.options['s3-port'], 's3-port');
  const dynamodbPort = port(ctx.options['dynamodb-port'], 'dynamodb-port');
  const dir = path.resolve(ctx.cwd, typeof ctx.options.dir === 'string' ? ctx.options.dir : '.s3state');
  const stack = await startDevStack({
    dir,
    ...(s3Port !== undefined ? { s3Port } : {}),
    ...(dynamodbPort !== undefined ? { dynamodbPort } : {}),
    ...(typeof ctx.options.bucket === 'string' ? { bucket: ctx.options.bucket } : {}),
    ...(typeof ctx.options.table === 'string' ? { table: ctx.options.table } : {}),
    reporter: (e) => ctx.io.err(`${e.level === 'warn' ? 'Warning: ' : ''}${e.message}\n`),
  });
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  if (ctx.globals.json) {
    ctx.io.out(
      JSON.stringify(
        {
          s3_endpoint: stack.s3Endpoint,
          dynamodb_endpoint: stack.dynamodbEndpoint,
          bucket: stack.bucket,
          table: stack.table,
          region: stack.region,
          terraform_block: stack.terraformBlock,
          env: stack.env,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    ctx.io.out(
      `# s3state dev: S3 at ${stack.s3Endpoint}, DynamoDB at ${stack.dynamodbEndpoint}, data in ${dir}\n` +
        '# Add this backend block to your configuration:\n\n' +
        stack.terraformBlock +
        (stack.terraformBlock.endsWith('\n') ? '' : '\n') +
        '\n# and export these variables before running terraform or tofu:\n' +
        Object.entries(stack.env)
          .map(([k, v]) => `export ${k}=${v}\n`)
          .join(''),
    );
  }
  ctx.io.err('Serving. Press Ctrl-C to stop.\n');
  const signal = await stopped;
  ctx.io.err(`${signal}: stopping…\n`);
  await stack.close();
  ctx.io.err('Stopped.\n');
  return EXIT.OK;
}
