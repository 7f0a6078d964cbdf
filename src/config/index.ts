// Public re-exports of the backend configuration part.
export * from './backend-attributes.ts';
export * from './value-source.ts';
export type { ResolvedValue, ConfigLayer, RawValue } from './config-layer.ts';
export {
  resolveBackendConfig,
  type ResolveOptions,
  type ResolvedBackendConfig,
} from './resolve-backend-config.ts';
export { validateBackendConfig, validateKmsKey, validateDuration } from './validate-backend-config.ts';
export { describeConfig, type ConfigDescription, type DescribedAttribute } from './describe-config.ts';
export { validateWorkspaceName } from './workspace-name.ts';
export { maskSecret, maskAttributeValue } from './mask-secret.ts';
export { writeInitRecord, readInitRecord, INIT_RECORD_FILE, type InitRecord } from './init-record.ts';
export { parseSavedBackend, readTerraformDir, type SavedBackend } from './read-terraform-dir.ts';
export { parseGoDuration, formatGoDuration } from './go-duration.ts';
export { AWS_REGIONS, isKnownRegion } from './aws-regions.ts';
export {
  resolveEndpoints,
  includeProtoIfNecessary,
  applyEnvAndDefaults,
  toAwsOptions,
  toBackendSettings,
  type EndpointService,
} from './build-backend-options.ts';
