// Public re-exports of the s3state library.
export * from './errors.ts';
export type { BackendSettings } from './backend/backend-settings.ts';
export type { AwsOptions, AssumeRoleOptions, WebIdentityOptions } from './aws/aws-options.ts';
// Backend core (remote bytes, digests, locks, workspaces, state manager).
export { S3Backend, type S3BackendOptions, type StateManagerRequest } from './backend/s3-backend.ts';
export {
  StateManager,
  DEFAULT_TERRAFORM_VERSION,
  type StateManagerOptions,
  type ReadState,
  type WriteResult,
  type LockRequest,
} from './backend/state-manager.ts';
export type { StateLock } from './backend/state-lock.ts';
export { openBackend, type OpenBackendOptions, type OpenedBackend } from './backend/open-backend.ts';
export { readOutputs, type ReadOutputsOptions, type RemoteOutput } from './backend/read-outputs.ts';
export * from './backend/workspace-keys.ts';
export {
  S3RemoteClient,
  BAD_CHECKSUM_SUMMARY,
  md5Hex,
  type S3RemoteClientOptions,
} from './remote/s3-remote-client.ts';
export type { RemoteClient, RemotePayload } from './remote/remote-client.ts';
export { DynamoDBDigest, type DigestLookup } from './remote/dynamodb-digest.ts';
export type { S3Like, DynamoDBLike } from './remote/facades.ts';
export { systemClock, virtualClock, type Clock } from './remote/clock.ts';
export type { CoreReporter, CoreEvent } from './remote/reporter.ts';
export { encodeTags } from './remote/object-write-options.ts';
export * from './lock/lock-info.ts';
export { LockError, isLockError } from './lock/lock-error.ts';
export type { Locker, LockStatus, LockMechanism } from './lock/locker.ts';
export { DynamoDBLocker } from './lock/dynamodb-locker.ts';
export { S3FileLocker } from './lock/s3-file-locker.ts';
export { CombinedLocker } from './lock/combined-locker.ts';
export { lockWithRetry, type LockRetryOptions } from './lock/lock-with-retry.ts';
export * as awsErrors from './aws/aws-errors.ts';
