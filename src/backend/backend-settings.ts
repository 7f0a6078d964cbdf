/**
 * What the backend core (remote, lock, backend) needs from a resolved configuration: plain data,
 * no SDK types. `src/config` produces it; `src/remote`, `src/lock` and `src/backend` consume it.
 */
export interface BackendSettings {
  /** Bucket holding the state objects. */
  bucket: string;
  /** State object key of the `default` workspace. */
  key: string;
  /** Region of the bucket (for messages; the clients already carry it). */
  region: string;
  /** Prefix of named workspaces' keys. @default "env:" (empty string allowed) */
  workspaceKeyPrefix: string;
  /** DynamoDB table for locks and `-md5` digests; undefined = no DynamoDB. */
  dynamodbTable?: string | undefined;
  /** S3-native lock file `<key>.tflock` with `If-None-Match: *`. @default false */
  useLockfile: boolean;
  /** Gates all server-side encryption headers. @default false */
  encrypt: boolean;
  /** SSE-KMS key (used only when `encrypt`). */
  kmsKeyId?: string | undefined;
  /** SSE-C key, standard base64 of 32 bytes (used only when `encrypt`). Secret. */
  sseCustomerKey?: string | undefined;
  /** Canned ACL for state and lock objects. */
  acl?: string | undefined;
  /** Tags on the state object (`x-amz-tagging`). */
  stateTags?: Record<string, string> | undefined;
  /** Tags on the lock file object. */
  lockTags?: Record<string, string> | undefined;
  /** Send no checksum headers. @default false */
  skipS3Checksum: boolean;
}

/** Defaults for the optional-with-default fields. */
export const BACKEND_SETTINGS_DEFAULTS = {
  workspaceKeyPrefix: 'env:',
  useLockfile: false,
  encrypt: false,
  skipS3Checksum: false,
} as const satisfies Partial<BackendSettings>;
