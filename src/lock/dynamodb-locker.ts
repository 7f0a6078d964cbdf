import { dynamodbCommand } from '../aws/sdk-command.ts';
import { goStyleAwsErrorText, isConditionalCheckFailed, isResourceNotFound } from '../aws/aws-errors.ts';
import type { DynamoDBLike } from '../remote/facades.ts';
import { LockError, errorText } from './lock-error.ts';
import { marshalLockInfo, parseLockInfo, type LockInfo } from './lock-info.ts';
import type { Locker, LockStatus } from './locker.ts';

/** A lock item as read: parsed info plus the exact `Info` string stored. */
interface HolderRead {
  info: LockInfo;
  raw: string;
}

/**
 * The DynamoDB lock (spec §4.2): item `{LockID: "<bucket>/<key>", Info: <lock JSON>}` written with
 * `attribute_not_exists(LockID)`; released after comparing IDs with OpenTofu's conditional delete
 * `Info = :info`.
 */
export class DynamoDBLocker implements Locker {
  constructor(
    private readonly ddb: DynamoDBLike,
    /** Table name. */
    readonly table: string,
    /** `<bucket>/<state key>`: LockID and lock-info `Path`. */
    readonly lockPath: string,
  ) {}

  /** `dynamodb://table/LockID`, for messages. */
  get location(): string {
    return `dynamodb://${this.table}/${this.lockPath}`;
  }

  async lock(info: LockInfo): Promise<string> {
    const mine: LockInfo = { ...info, Path: this.lockPath };
    try {
      await this.ddb.send(
        dynamodbCommand(this.ddb, 'PutItem', {
          TableName: this.table,
          Item: { LockID: { S: this.lockPath }, Info: { S: marshalLockInfo(mine) } },
          ConditionExpression: 'attribute_not_exists(LockID)',
        }),
      );
      return mine.ID;
    } catch (e) {
      const putText = goStyleAwsErrorText(e, 'DynamoDB', 'PutItem');
      if (!isConditionalCheckFailed(e)) {
        const where = `DynamoDB table "${this.table}" (LockID "${this.lockPath}")`;
        throw new LockError(`failed to lock state in ${where}: ${putText}`, undefined, {
          cause: e,
          retryable: false,
          hint: isResourceNotFound(e)
            ? `The DynamoDB table "${this.table}" does not exist: create it (hash key LockID of type S) or fix dynamodb_table.`
            : undefined,
        });
      }
      let holder: HolderRead | undefined;
      try {
        holder = await this.readHolder();
      } catch (readErr) {
        throw new LockError(`${putText}\n${errorText(readErr)}`, undefined, { cause: e, retryable: true });
      }
      // A retried PutItem whose first attempt succeeded meets its own item: that is our lock
      // (https://github.com/opentofu/opentofu/issues/4405).
      if (holder && holder.info.ID === mine.ID) return mine.ID;
      throw new LockError(holder ? putText : `${putText}\n${this.noLockInfoText()}`, holder?.info, {
        cause: e,
        retryable: true,
      });
    }
  }

  async unlock(id: string): Promise<void> {
    let holder: HolderRead | undefined;
    try {
      holder = await this.readHolder();
    } catch (e) {
      throw new LockError(`failed to retrieve lock info: ${errorText(e)}`, undefined, { cause: e });
    }
    if (!holder) throw new LockError(`failed to retrieve lock info: ${this.noLockInfoText()}`, undefined);
    if (holder.info.ID !== id) {
      throw new LockError(`lock id ${JSON.stringify(id)} does not match existing lock`, holder.info);
    }
    try {
      await this.ddb.send(
        dynamodbCommand(this.ddb, 'DeleteItem', {
          TableName: this.table,
          Key: { LockID: { S: this.lockPath } },
          ConditionExpression: 'Info = :info',
          ExpressionAttributeValues: { ':info': { S: holder.raw } },
        }),
      );
    } catch (e) {
      if (isConditionalCheckFailed(e)) {
        // A retried delete whose first attempt landed (response lost) finds the item gone: released.
        let now: HolderRead | undefined;
        try {
          now = await this.readHolder();
        } catch {
          now = holder;
        }
        if (now === undefined) return;
      }
      throw new LockError(goStyleAwsErrorText(e, 'DynamoDB', 'DeleteItem'), holder.info, { cause: e });
    }
  }

  async inspect(): Promise<LockStatus[]> {
    const holder = await this.readHolder();
    return [{ mechanism: 'dynamodb', location: this.location, holder: holder?.info }];
  }

  /** The holder's info, or undefined when no lock item exists. Throws on DynamoDB or JSON errors. */
  async readHolder(): Promise<HolderRead | undefined> {
    let out;
    try {
      out = await this.ddb.send(
        dynamodbCommand(this.ddb, 'GetItem', {
          TableName: this.table,
          Key: { LockID: { S: this.lockPath } },
          ProjectionExpression: 'LockID, Info',
          ConsistentRead: true,
        }),
      );
    } catch (e) {
      throw new Error(goStyleAwsErrorText(e, 'DynamoDB', 'GetItem'), { cause: e });
    }
    if (!out.Item || Object.keys(out.Item).length === 0) return undefined;
    const raw = out.Item.Info?.S ?? '';
    try {
      return { info: parseLockInfo(raw), raw };
    } catch (e) {
      throw new Error(
        `unable to parse the lock info of ${JSON.stringify(this.lockPath)} in the DynamoDB table ${this.table}: ${errorText(e)}`,
        { cause: e },
      );
    }
  }

  private noLockInfoText(): string {
    return `no lock info found for: ${JSON.stringify(this.lockPath)} within the DynamoDB table: ${this.table}`;
  }
}
