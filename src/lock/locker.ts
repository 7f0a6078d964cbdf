import type { LockInfo } from './lock-info.ts';

/** Which lock mechanism a status is about. */
export type LockMechanism = 'dynamodb' | 's3';

/** Who holds the lock in one mechanism (`holder` undefined = not locked). */
export interface LockStatus {
  mechanism: LockMechanism;
  /** `s3://bucket/key.tflock` or `dynamodb://table/LockID`. */
  location: string;
  holder: LockInfo | undefined;
}

/**
 * The lock seam of a remote state (OpenTofu's `remote.ClientLocker` half). Implementations set
 * `info.Path` themselves.
 */
export interface Locker {
  /** Takes the lock; returns the lock ID. Throws `LockError` (with the holder when known). */
  lock(info: LockInfo): Promise<string>;
  /** Releases the lock if `id` matches the holder's ID; throws `LockError` otherwise. */
  unlock(id: string): Promise<void>;
  /** Who holds the lock, per mechanism. */
  inspect(): Promise<LockStatus[]>;
}
