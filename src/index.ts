// Public re-exports of the s3state library.
export * from './errors.ts';
export type { BackendSettings } from './backend/backend-settings.ts';
export type { AwsOptions, AssumeRoleOptions, WebIdentityOptions } from './aws/aws-options.ts';
