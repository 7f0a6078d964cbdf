import { s3Command } from '../aws/sdk-command.ts';
import {
  goStyleAwsErrorText,
  isConditionalConflict,
  isNoSuchBucket,
  isNotFound,
  isPreconditionFailed,
} from '../aws/aws-errors.ts';
import type { BackendSettings } from '../backend/backend-settings.ts';
import type { S3Like } from '../remote/facades.ts';
import { putObjectInput, sseCustomerInput } from '../remote/object-write-options.ts';
import { LockError, errorText } from './lock-error.ts';
import { marshalLockInfo, parseLockInfo, type LockInfo } from './lock-info.ts';
import type { Locker, LockStatus } from './locker.ts';

/**
 * The S3 lock file (spec §4.3): `<state key>.tflock` created with `If-None-Match: *`, with the same
 * SSE / ACL / checksum settings as state writes plus `lock_tags`; released after comparing IDs.
 */
export class S3FileLocker implements Locker {
  /** The lock file's key. */
  readonly lockKey: string;
  /** `<bucket>/<state key>` (the lock info `Path`). */
  readonly lockPath: string;

  constructor(
    private readonly s3: S3Like,
    private readonly settings: BackendSettings,
    stateKey: string,
  ) {
    this.lockKey = stateKey + '.tflock';
    this.lockPath = `${settings.bucket}/${stateKey}`;
  }

  /** `s3://bucket/key.tflock`, for messages. */
  get location(): string {
    return `s3://${this.settings.bucket}/${this.lockKey}`;
  }

  async lock(info: LockInfo): Promise<string> {
    const mine: LockInfo = { ...info, Path: this.lockPath };
    const body = Buffer.from(marshalLockInfo(mine), 'utf8');
    const input = putObjectInput(this.settings, this.lockKey, body, this.settings.lockTags);
    input.IfNoneMatch = '*';
    try {
      await this.s3.send(s3Command(this.s3, 'PutObject', input));
      return mine.ID;
    } catch (e) {
      const putText = goStyleAwsErrorText(e, 'S3', 'PutObject');
      if (!isPreconditionFailed(e) && !isConditionalConflict(e)) {
        throw new LockError(
          `failed to write the lock file "${this.lockKey}" in S3 bucket "${this.settings.bucket}": ${putText}`,
          undefined,
          {
            cause: e,
            retryable: false,
            hint: isNoSuchBucket(e) ? `The S3 bucket "${this.settings.bucket}" does not exist.` : undefined,
          },
        );
      }
      let holder: LockInfo | undefined;
      try {
        holder = await this.readHolder();
      } catch (readErr) {
        throw new LockError(`${putText}\n${errorText(readErr)}`, undefined, { cause: e, retryable: true });
      }
      // Our own earlier attempt may have landed while its response was lost
      // (https://github.com/opentofu/opentofu/issues/4405): the holder's ID is ours.
      if (holder && holder.ID === mine.ID) return mine.ID;
      // 409 ConditionalRequestConflict or a lock released meanwhile: someone raced us; retryable.
      throw new LockError(putText, holder, { cause: e, retryable: true });
    }
  }

  async unlock(id: string): Promise<void> {
    let holder: LockInfo | undefined;
    try {
      holder = await this.readHolder(true);
    } catch (e) {
      throw new LockError(`failed to retrieve s3 lock info: ${errorText(e)}`, undefined, { cause: e });
    }
    if (!holder)
      throw new LockError(
        `failed to retrieve s3 lock info: lock file "${this.lockKey}" not found`,
        undefined,
      );
    if (holder.ID !== id) {
      throw new LockError(`lock id ${JSON.stringify(id)} from s3 does not match existing lock`, holder);
    }
    try {
      await this.s3.send(
        s3Command(this.s3, 'DeleteObject', { Bucket: this.settings.bucket, Key: this.lockKey }),
      );
    } catch (e) {
      throw new LockError(
        `failed to delete the lock file: ${goStyleAwsErrorText(e, 'S3', 'DeleteObject')}`,
        holder,
        {
          cause: e,
        },
      );
    }
  }

  async inspect(): Promise<LockStatus[]> {
    const holder = await this.readHolder();
    return [{ mechanism: 's3', location: this.location, holder }];
  }

  /**
   * The lock file's info; undefined when it does not exist, unless `missingIsError` (then the
   * GetObject 404 text is thrown, as OpenTofu reports it on unlock).
   */
  async readHolder(missingIsError = false): Promise<LockInfo | undefined> {
    let text: string;
    try {
      const out = await this.s3.send(
        s3Command(this.s3, 'GetObject', {
          Bucket: this.settings.bucket,
          Key: this.lockKey,
          ...sseCustomerInput(this.settings),
        }),
      );
      text = (await out.Body?.transformToString('utf8')) ?? '';
    } catch (e) {
      if (isNotFound(e) && !missingIsError) return undefined;
      throw new Error(goStyleAwsErrorText(e, 'S3', 'GetObject'), { cause: e });
    }
    try {
      return parseLockInfo(text);
    } catch (e) {
      throw new Error(
        `unable to json parse the lock info ${JSON.stringify(this.lockKey)} from bucket ${JSON.stringify(this.settings.bucket)}: ${errorText(e)}`,
        { cause: e },
      );
    }
  }
}
