import type { CoreReporter } from '../remote/reporter.ts';
import { silentReporter } from '../remote/reporter.ts';
import { LockError, errorText, isLockError } from './lock-error.ts';
import type { LockInfo } from './lock-info.ts';
import type { Locker, LockStatus } from './locker.ts';

/**
 * The backend's locker (spec §4.4): the S3 lock file first, then DynamoDB, either optional. A
 * DynamoDB failure rolls the lock file back. Unlock tries both (file first) and reports which failed
 * with OpenTofu's texts. With no mechanism configured, locking is disabled: `lock` returns `""`.
 */
export class CombinedLocker implements Locker {
  constructor(
    /** The lock-file locker when `use_lockfile`. */
    readonly file: Locker | undefined,
    /** The DynamoDB locker when `dynamodb_table`. */
    readonly dynamodb: Locker | undefined,
    private readonly reporter: CoreReporter = silentReporter,
  ) {}

  /** Whether any lock mechanism is configured. */
  get enabled(): boolean {
    return this.file !== undefined || this.dynamodb !== undefined;
  }

  async lock(info: LockInfo): Promise<string> {
    if (!this.file && !this.dynamodb) return '';
    if (this.file) await this.file.lock(info);
    if (this.dynamodb) {
      try {
        await this.dynamodb.lock(info);
      } catch (e) {
        if (this.file) {
          try {
            await this.file.unlock(info.ID);
          } catch (rollbackErr) {
            this.reporter({
              level: 'warn',
              message: `failed to clean up the lock file after the DynamoDB lock error: ${errorText(rollbackErr)}`,
            });
          }
        }
        throw e;
      }
    }
    return info.ID;
  }

  async unlock(id: string): Promise<void> {
    if (!this.file && !this.dynamodb) return;
    let s3Err: unknown;
    let ddbErr: unknown;
    if (this.file) {
      try {
        await this.file.unlock(id);
      } catch (e) {
        s3Err = e;
      }
    }
    if (this.dynamodb) {
      try {
        await this.dynamodb.unlock(id);
      } catch (e) {
        ddbErr = e;
      }
    }
    if (s3Err === undefined && ddbErr === undefined) return;
    if (!this.file || !this.dynamodb) throw s3Err ?? ddbErr;
    const holder = holderOf(s3Err) ?? holderOf(ddbErr);
    if (s3Err !== undefined && ddbErr !== undefined) {
      throw new LockError(`${reasonOf(s3Err)}\n${reasonOf(ddbErr)}`, holder, { cause: s3Err });
    }
    if (s3Err !== undefined) {
      throw new LockError(`dynamoDB lock released but s3 failed: ${reasonOf(s3Err)}`, holderOf(s3Err), {
        cause: s3Err,
      });
    }
    throw new LockError(`s3 lock released but dynamoDB failed: ${reasonOf(ddbErr)}`, holderOf(ddbErr), {
      cause: ddbErr,
    });
  }

  async inspect(): Promise<LockStatus[]> {
    const out: LockStatus[] = [];
    if (this.file) out.push(...(await this.file.inspect()));
    if (this.dynamodb) out.push(...(await this.dynamodb.inspect()));
    return out;
  }
}

function holderOf(e: unknown): LockInfo | undefined {
  return isLockError(e) ? e.holder : undefined;
}

function reasonOf(e: unknown): string {
  return isLockError(e) ? e.reason : errorText(e);
}
