import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The narrow S3 facade the core uses: only `send` (tests may wrap it to observe or fault requests). */
export type S3Like = Pick<S3Client, 'send'>;

/** The narrow DynamoDB facade the core uses. */
export type DynamoDBLike = Pick<DynamoDBClient, 'send'>;
