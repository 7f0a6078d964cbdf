import { S3StateError, isS3StateError, type S3StateErrorOptions } from '../errors.ts';
import { formatLockInfo, type LockInfo } from './lock-info.ts';

/**
 * A lock could not be taken or released. `holder` is the lock info of whoever holds the lock, when
 * known; the message is the peers' `LockError.Error()`: the underlying error, a newline, then the
 * `Lock Info:` block.
 */
export class LockError extends S3StateError {
  /** The current holder's info, when it could be read. */
  readonly holder: LockInfo | undefined;
  /** The underlying error text without the `Lock Info:` block. */
  readonly reason: string;
  /** True when another attempt may succeed later (held by someone else, or a racing write). */
  readonly retryable: boolean;

  constructor(
    reason: string,
    holder: LockInfo | undefined,
    opts: S3StateErrorOptions & { retryable?: boolean } = {},
  ) {
    super('LOCK', holder ? `${reason}\n${formatLockInfo(holder)}` : reason, opts);
    this.name = 'LockError';
    this.reason = reason;
    this.holder = holder;
    this.retryable = opts.retryable ?? (holder !== undefined && holder.ID !== '');
  }
}

/** True when `e` is a {@link LockError} (from any bundle). */
export function isLockError(e: unknown): e is LockError {
  return isS3StateError(e, 'LOCK') && 'reason' in e;
}

/** The text of any error (`LockError` renders with its `Lock Info:` block). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
