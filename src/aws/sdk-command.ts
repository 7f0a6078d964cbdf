import { loadDynamoDb, loadS3 } from './load-sdk.ts';

/*
 * The core builds every S3 and DynamoDB command through `s3Command` / `dynamodbCommand` instead of
 * `new GetObjectCommand(…)`, because importing a command class loads the whole SDK client package
 * (≈150 ms of a cold CLI start). A client marked with `LEAN_CLIENT` (the CLI's lean reader, see
 * `lean-clients.ts`) gets a plain `{ op, input }` descriptor it can serve without the SDK; every other
 * client (the SDK's, or a test's wrapper around it) gets the real SDK command, loaded on first use.
 */

type S3Module = typeof import('@aws-sdk/client-s3');
type DynamoDbModule = typeof import('@aws-sdk/client-dynamodb');

/** The S3 operations the core uses. */
export type S3Op =
  | 'GetObject'
  | 'HeadObject'
  | 'PutObject'
  | 'DeleteObject'
  | 'ListObjectsV2'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload';

/** The DynamoDB operations the core uses. */
export type DynamoDbOp = 'GetItem' | 'PutItem' | 'DeleteItem';

type S3CommandOf<N extends S3Op> = S3Module[`${N}Command`];
type DynamoDbCommandOf<N extends DynamoDbOp> = DynamoDbModule[`${N}Command`];

/** Marks a client that accepts {@link CommandDescriptor}s. */
export const LEAN_CLIENT: unique symbol = Symbol.for('s3state.leanClient');

/** What a lean client receives in place of an SDK command. */
export interface CommandDescriptor {
  readonly op: string;
  readonly input: Record<string, unknown>;
  readonly [LEAN_CLIENT]: true;
}

function isLean(client: object): boolean {
  return (client as { [LEAN_CLIENT]?: unknown })[LEAN_CLIENT] === true;
}

function descriptor(op: string, input: object): CommandDescriptor {
  return { op, input: input as Record<string, unknown>, [LEAN_CLIENT]: true };
}

/** True when `c` is a descriptor built by {@link s3Command} / {@link dynamodbCommand}. */
export function isCommandDescriptor(c: unknown): c is CommandDescriptor {
  return typeof c === 'object' && c !== null && (c as CommandDescriptor)[LEAN_CLIENT] === true;
}

function command<T>(client: object, load: () => object, op: string, input: object): T {
  if (isLean(client)) return descriptor(op, input) as unknown as T;
  const Ctor = (load() as Record<string, new (i: object) => T>)[`${op}Command`];
  if (!Ctor) throw new Error(`unknown operation ${op}`);
  return new Ctor(input);
}

/** The S3 command `op` with `input`, in the form `client` takes. */
export function s3Command<N extends S3Op>(
  client: object,
  op: N,
  input: ConstructorParameters<S3CommandOf<N>>[0],
): InstanceType<S3CommandOf<N>> {
  return command(client, loadS3, op, input);
}

/** The DynamoDB command `op` with `input`, in the form `client` takes. */
export function dynamodbCommand<N extends DynamoDbOp>(
  client: object,
  op: N,
  input: ConstructorParameters<DynamoDbCommandOf<N>>[0],
): InstanceType<DynamoDbCommandOf<N>> {
  return command(client, loadDynamoDb, op, input);
}

/** The SDK command a descriptor stands for (what a lean client sends when it hands over to the SDK). */
export function sdkCommandOf(service: 's3' | 'dynamodb', d: CommandDescriptor): object {
  return command({}, service === 's3' ? loadS3 : loadDynamoDb, d.op, d.input);
}
