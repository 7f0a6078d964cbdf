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
// Configuration: every s3 backend attribute, its sources and the peers' diagnostics.
export {
  resolveBackendConfig,
  validateBackendConfig,
  describeConfig,
  validateWorkspaceName,
  maskSecret,
  writeInitRecord,
  readInitRecord,
  BACKEND_ATTRIBUTES,
  type ResolveOptions,
  type ResolvedBackendConfig,
  type ResolvedValue,
  type ConfigDescription,
  type ValueSource,
} from './config/index.ts';
// AWS clients from a resolved configuration.
export {
  createAwsClients,
  type AwsClients,
  type AwsClientsDeps,
  type AwsEvent,
} from './aws/create-aws-clients.ts';
// The state model, byte-exact writers and pure edits.
export type {
  StateFile,
  OutputValue,
  ResourceState,
  InstanceState,
  CheckResult,
} from './state/state-file.ts';
export {
  parseState,
  parseAnyState,
  isEncryptedEnvelope,
  EncryptedStateError,
  EmptyStateError,
} from './state/parse-state.ts';
export { writeState, emptyState } from './state/write-state.ts';
export { modernizeState } from './state/modernize-state.ts';
export { newLineage } from './state/lineage.ts';
export { checkImport, statesEqualIgnoringHeader } from './state/push-checks.ts';
export { listAddresses, parseAddress, formatAddress, type Address } from './state/addresses.ts';
export { removeAddresses, moveAddress } from './state/state-edit.ts';
export { rootOutputs, type RootOutput } from './state/outputs.ts';
export { parseBackendFile } from './state/terraform-backend-file.ts';
export { goQuote } from './state/go-json.ts';
export type { RawJson } from './state/raw-json.ts';
// The local S3-compatible state store and the `s3state dev` stack.
export { startS3Store, type S3StoreOptions, type RunningS3Store } from './store/s3-store.ts';
export { startDevStack, type DevStack, type DevStackOptions } from './store/dev-stack.ts';
