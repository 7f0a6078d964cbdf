import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';

async function fails(p: Promise<unknown>, name: string, status: number): Promise<void> {
  await assert.rejects(p, (e: Error & { $metadata: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

describe('store: bucket settings are stored, returned and deleted', () => {
  let t: TestStore;
  let s3: S3Client;
  const Bucket = 'settings';
  before(async () => {
    t = await startTestStore();
    s3 = t.s3;
    await s3.send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }),
    );
  });
  after(() => t.close());

  test('location', async () => {
    assert.equal(
      (await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint,
      'eu-central-1',
    );
  });

  test('encryption defaults to SSE-S3 (KMS default is covered with objects); delete is accepted', async () => {
    const d = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.equal(
      d.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      'AES256',
    );
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket }));
  });

  test('public access block', async () => {
    await fails(
      s3.send(new GetPublicAccessBlockCommand({ Bucket })),
      'NoSuchPublicAccessBlockConfiguration',
      404,
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: false,
        },
      }),
    );
    const g = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
    assert.deepEqual(g.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    await fails(
      s3.send(new GetPublicAccessBlockCommand({ Bucket })),
      'NoSuchPublicAccessBlockConfiguration',
      404,
    );
  });

  test('policy is stored verbatim; invalid JSON → 400 MalformedPolicy', async () => {
    const policy =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}';
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy }));
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy, policy);
    await fails(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: 'not json' })), 'MalformedPolicy', 400);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    await fails(s3.send(new GetBucketPolicyCommand({ Bucket })), 'NoSuchBucketPolicy', 404);
  });

  test('tagging, ownership controls, lifecycle, CORS', async () => {
    await s3.send(
      new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'team', Value: 'infra' }] } }),
    );
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet, [
      { Key: 'team', Value: 'infra' },
    ]);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket }));
    await fails(s3.send(new GetBucketTaggingCommand({ Bucket })), 'NoSuchTagSet', 404);

    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    );
    const o = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
    assert.equal(o.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'BucketOwnerEnforced');
    await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket }));
    await fails(
      s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
      'OwnershipControlsNotFoundError',
      404,
    );

    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'old',
              Status: 'Enabled',
              Filter: { Prefix: '' },
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            },
          ],
        },
      }),
    );
    const l = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    assert.equal(l.Rules?.[0]?.NoncurrentVersionExpiration?.NoncurrentDays, 30);
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket }));
    await fails(
      s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })),
      'NoSuchLifecycleConfiguration',
      404,
    );

    await s3.send(
      new PutBucketCorsCommand({
        Bucket,
        CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }] },
      }),
    );
    assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules?.[0]?.AllowedMethods, [
      'GET',
    ]);
    await s3.send(new DeleteBucketCorsCommand({ Bucket }));
    await fails(s3.send(new GetBucketCorsCommand({ Bucket })), 'NoSuchCORSConfiguration', 404);
  });

  test('bucket ACL (minimal) names the owner', async () => {
    const acl = await s3.send(new GetBucketAclCommand({ Bucket }));
    assert.equal(acl.Owner?.DisplayName, 'test');
    assert.equal(acl.Grants?.[0]?.Permission, 'FULL_CONTROL');
  });

  test('settings on a missing bucket → 404 NoSuchBucket', async () => {
    await fails(s3.send(new GetBucketPolicyCommand({ Bucket: 'missing-bucket' })), 'NoSuchBucket', 404);
  });
});
