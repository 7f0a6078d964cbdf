import { dynamodbCommand } from '../aws/sdk-command.ts';
import { S3StateError } from '../errors.ts';
import { goStyleAwsErrorText, isResourceNotFound } from '../aws/aws-errors.ts';
import type { DynamoDBLike } from './facades.ts';

/** Result of reading the `-md5` digest item. */
export type DigestLookup =
  { kind: 'found'; hex: string } | { kind: 'missing' } | { kind: 'invalid'; reason: string };

/**
 * The DynamoDB `-md5` digest item of one state object (spec §3.2): `LockID = <bucket>/<key>-md5`,
 * `Digest` = lowercase hex MD5 of the stored bytes.
 */
export class DynamoDBDigest {
  constructor(
    private readonly ddb: DynamoDBLike,
    /** Table name. */
    readonly table: string,
    /** The digest item's LockID. */
    readonly lockId: string,
  ) {}

  /** Reads the digest (consistent read). Throws only when DynamoDB itself fails. */
  async get(): Promise<DigestLookup> {
    let out;
    try {
      out = await this.ddb.send(
        dynamodbCommand(this.ddb, 'GetItem', {
          TableName: this.table,
          Key: { LockID: { S: this.lockId } },
          ProjectionExpression: 'LockID, Digest',
          ConsistentRead: true,
        }),
      );
    } catch (e) {
      throw this.wrap(e, 'GetItem', 'read the state digest');
    }
    const digest = out.Item?.Digest?.S;
    if (digest === undefined) return { kind: 'missing' };
    if (!/^[0-9a-fA-F]{32}$/.test(digest))
      return { kind: 'invalid', reason: `invalid md5 ${JSON.stringify(digest)}` };
    return { kind: 'found', hex: digest.toLowerCase() };
  }

  /** Writes the digest unconditionally. */
  async put(hex: string): Promise<void> {
    try {
      await this.ddb.send(
        dynamodbCommand(this.ddb, 'PutItem', {
          TableName: this.table,
          Item: { LockID: { S: this.lockId }, Digest: { S: hex } },
        }),
      );
    } catch (e) {
      throw this.wrap(e, 'PutItem', 'store the state digest');
    }
  }

  /** Deletes the digest item (no error when absent). */
  async delete(): Promise<void> {
    try {
      await this.ddb.send(
        dynamodbCommand(this.ddb, 'DeleteItem', {
          TableName: this.table,
          Key: { LockID: { S: this.lockId } },
        }),
      );
    } catch (e) {
      throw this.wrap(e, 'DeleteItem', 'delete the state digest');
    }
  }

  private wrap(e: unknown, op: string, what: string): S3StateError {
    const text = `failed to ${what} (item "${this.lockId}" in DynamoDB table "${this.table}"): ${goStyleAwsErrorText(e, 'DynamoDB', op)}`;
    return new S3StateError('AWS', text, {
      cause: e,
      hint: isResourceNotFound(e)
        ? `DynamoDB table "${this.table}" does not exist; create it (hash key LockID, type S) or fix dynamodb_table.`
        : undefined,
    });
  }
}
