import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsOptions } from '../../src/aws/aws-options.ts';
import { createAwsClients, type AwsClients } from '../../src/aws/create-aws-clients.ts';
import { isS3StateError } from '../../src/errors.ts';
import { motoAvailable, startMoto, type MotoServer } from '../harness/moto.ts';
import { baseOptions } from './base-options.ts';
import { motoQuery, xmlText } from './moto-admin.ts';
import { createLockTable } from '../harness/lock-table.ts';

// Real moto_server with IAM enforcement: INITIAL_NO_AUTH_ACTION_COUNT lets the setup calls below
// through, then moto verifies SigV4 and evaluates IAM policies. Observed moto 5.2 quirks the setup
// works around: a role's trust policy must name the user's ARN exactly (an account-root principal is
// refused), and DynamoDB actions are authorised against resource "*" (so table ARNs never match).

const ACCOUNT = '123456789012';
const BUCKET = 'state-bucket';
const TABLE = 'locks';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/state-writer`;
const SETUP_CALLS = 7;

if (!motoAvailable()) console.log('SKIPPED: moto_server not found');

function awsStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

describe(
  'credentials really used, against moto with IAM auth',
  { skip: !motoAvailable() && 'moto_server not found' },
  () => {
    let moto: MotoServer;
    let userKey: { accessKeyId: string; secretAccessKey: string };
    const open: AwsClients[] = [];
    const clientsFor = (over: Partial<AwsOptions>): AwsClients => {
      const c = createAwsClients(
        baseOptions({
          endpoints: { s3: moto.endpoint, dynamodb: moto.endpoint, sts: moto.endpoint },
          ...over,
        }),
        { env: {} },
      );
      open.push(c);
      return c;
    };

    before(async () => {
      const m = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: String(SETUP_CALLS) });
      assert.ok(m);
      moto = m;
      const e = moto.endpoint;
      // 1-2: a user with an access key
      await motoQuery(e, 'iam', { Action: 'CreateUser', UserName: 'alice' });
      const key = await motoQuery(e, 'iam', { Action: 'CreateAccessKey', UserName: 'alice' });
      userKey = {
        accessKeyId: xmlText(key, 'AccessKeyId'),
        secretAccessKey: xmlText(key, 'SecretAccessKey'),
      };
      // 3-4: a role alice may assume, allowed to write one key prefix and to put lock items
      const trust = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
            Action: 'sts:AssumeRole',
          },
        ],
      };
      await motoQuery(e, 'iam', {
        Action: 'CreateRole',
        RoleName: 'state-writer',
        AssumeRolePolicyDocument: JSON.stringify(trust),
      });
      const rolePolicy = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:PutObject', 's3:GetObject'],
            Resource: `arn:aws:s3:::${BUCKET}/allowed/*`,
          },
          { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: '*' },
        ],
      };
      await motoQuery(e, 'iam', {
        Action: 'PutRolePolicy',
        RoleName: 'state-writer',
        PolicyName: 'state',
        PolicyDocument: JSON.stringify(rolePolicy),
      });
      // 5: alice herself may only assume roles
      await motoQuery(e, 'iam', {
        Action: 'PutUserPolicy',
        UserName: 'alice',
        PolicyName: 'assume-only',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN }],
        }),
      });
      // 6-7: the bucket and the lock table
      const setup = clientsFor({ accessKey: 'AKIASETUPEXAMPLE0001', secretKey: 'setup-secret' });
      await setup.s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
      await createLockTable(setup.dynamodb(), TABLE);
    });
    after(async () => {
      for (const c of open) c.destroy();
      await moto?.close();
    });

    test('assume_role: the role credentials sign S3 and DynamoDB; the policy decides', async () => {
      const c = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: userKey.secretAccessKey,
        assumeRole: { roleArn: ROLE_ARN, sessionName: 'ci' },
      });
      const who = await c.credentials();
      assert.match(who.accessKeyId, /^ASIA/, 'temporary credentials from STS');
      const identity = await c.sts().send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/state-writer/ci`);

      const put = await c
        .s3()
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'allowed/terraform.tfstate', Body: '{}' }));
      assert.equal(put.$metadata.httpStatusCode, 200);
      await assert.rejects(
        c.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'elsewhere/terraform.tfstate', Body: '{}' })),
        (e: unknown) => (e as Error).name === 'AccessDenied' && awsStatus(e) === 403,
      );
      const item = await c
        .dynamodb()
        .send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: `${BUCKET}/k` } } }));
      assert.equal(item.$metadata.httpStatusCode, 200);
      // GetItem is not in the role policy. (moto answers DynamoDB denials with an XML body the JSON
      // protocol cannot parse, so the status code is what we can assert.)
      await assert.rejects(
        c.dynamodb().send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/k` } } })),
        (e: unknown) => awsStatus(e) === 403,
      );
    });

    test("the user's own keys (no assume_role) are refused by S3 and DynamoDB", async () => {
      const c = clientsFor({ accessKey: userKey.accessKeyId, secretKey: userKey.secretAccessKey });
      await assert.rejects(
        c.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'allowed/terraform.tfstate', Body: '{}' })),
        (e: unknown) => (e as Error).name === 'AccessDenied',
      );
      await assert.rejects(
        c.dynamodb().send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: 'x' } } })),
        (e: unknown) => awsStatus(e) === 403,
      );
    });

    test('a wrong secret key is rejected with SignatureDoesNotMatch', async () => {
      const c = clientsFor({ accessKey: userKey.accessKeyId, secretKey: 'not-the-secret' });
      await assert.rejects(
        c.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'allowed/x', Body: '1' })),
        (e: unknown) => (e as Error).name === 'SignatureDoesNotMatch',
      );
    });

    test('assume_role of a role the user may not assume fails with a clear error', async () => {
      const c = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: userKey.secretAccessKey,
        assumeRole: { roleArn: `arn:aws:iam::${ACCOUNT}:role/does-not-trust-alice` },
      });
      await assert.rejects(c.credentials(), (e: unknown) => {
        assert.ok(isS3StateError(e, 'AWS'));
        assert.equal(e.message, 'Cannot assume IAM Role');
        assert.ok(!`${e.message}${e.detail}`.includes(userKey.secretAccessKey));
        return true;
      });
    });

    const accountCases: { name: string; over: Partial<AwsOptions>; ok: boolean }[] = [
      { name: 'no lists', over: {}, ok: true },
      {
        name: 'allowed_account_ids containing the account',
        over: { allowedAccountIds: ['999999999999', ACCOUNT] },
        ok: true,
      },
      {
        name: 'allowed_account_ids without the account',
        over: { allowedAccountIds: ['999999999999'] },
        ok: false,
      },
      {
        name: 'forbidden_account_ids containing the account',
        over: { forbiddenAccountIds: [ACCOUNT] },
        ok: false,
      },
      {
        name: 'forbidden_account_ids without the account',
        over: { forbiddenAccountIds: ['999999999999'] },
        ok: true,
      },
    ];
    for (const ac of accountCases) {
      test(`verifyAccount with ${ac.name}`, async () => {
        const c = clientsFor({
          accessKey: userKey.accessKeyId,
          secretKey: userKey.secretAccessKey,
          ...ac.over,
        });
        if (ac.ok) {
          assert.equal(await c.verifyAccount(), ACCOUNT);
        } else {
          await assert.rejects(c.verifyAccount(), (e: unknown) => {
            assert.ok(isS3StateError(e, 'CONFIG'));
            assert.equal(e.message, 'Invalid account ID');
            assert.equal(e.detail, `AWS account ID not allowed: ${ACCOUNT}`);
            return true;
          });
        }
      });
    }

    test('skip_requesting_account_id: no account lookup, but the credentials are still validated', async () => {
      const good = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: userKey.secretAccessKey,
        skipRequestingAccountId: true,
        allowedAccountIds: ['999999999999'],
      });
      assert.equal(await good.verifyAccount(), undefined);
      const bad = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: 'wrong',
        skipRequestingAccountId: true,
      });
      await assert.rejects(
        bad.verifyAccount(),
        (e: unknown) => isS3StateError(e, 'AWS') && e.message === 'Validating provider credentials',
      );
    });

    test('skip_requesting_account_id + skip_credentials_validation: no STS call at all', async () => {
      const c = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: 'wrong-secret-would-fail-sts',
        skipRequestingAccountId: true,
        skipCredentialsValidation: true,
      });
      assert.equal(await c.verifyAccount(), undefined);
    });

    test('skip_credentials_validation without account lists: no STS call; with a list the account is still checked', async () => {
      const none = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: 'wrong',
        skipCredentialsValidation: true,
      });
      assert.equal(await none.verifyAccount(), undefined);
      const listed = clientsFor({
        accessKey: userKey.accessKeyId,
        secretKey: userKey.secretAccessKey,
        skipCredentialsValidation: true,
        forbiddenAccountIds: [ACCOUNT],
      });
      await assert.rejects(listed.verifyAccount(), (e: unknown) => isS3StateError(e, 'CONFIG'));
    });

    test('verifyAccount with rejected credentials explains it could not read the account', async () => {
      const c = clientsFor({ accessKey: userKey.accessKeyId, secretKey: 'wrong-secret' });
      await assert.rejects(c.verifyAccount(), (e: unknown) => {
        assert.ok(isS3StateError(e, 'AWS'));
        assert.equal(e.message, 'Retrieving AWS account details');
        assert.ok(!`${e.detail}`.includes('wrong-secret'));
        return true;
      });
    });
  },
);

describe(
  'web identity against moto STS (no IAM enforcement)',
  { skip: !motoAvailable() && 'moto_server not found' },
  () => {
    // moto 5.2 with IAM enforcement rejects the unsigned AssumeRoleWithWebIdentity call (it answers
    // with an HTML error page), although AWS does not sign that call; so this runs on a plain moto.
    let moto: MotoServer;
    before(async () => {
      const m = await startMoto();
      assert.ok(m);
      moto = m;
    });
    after(async () => moto?.close());

    test('assume_role_with_web_identity credentials are used for S3 and identify as the role session', async () => {
      const setup = createAwsClients(
        baseOptions({ accessKey: 'AKIASETUPEXAMPLE0001', secretKey: 'x', endpoints: { s3: moto.endpoint } }),
        { env: {} },
      );
      const c = createAwsClients(
        baseOptions({
          endpoints: { s3: moto.endpoint, sts: moto.endpoint },
          assumeRoleWithWebIdentity: {
            roleArn: `arn:aws:iam::${ACCOUNT}:role/web`,
            webIdentityToken: 'header.payload.signature',
            sessionName: 'gha',
          },
        }),
        { env: {} },
      );
      try {
        await setup.s3().send(new CreateBucketCommand({ Bucket: 'web-bucket' }));
        const who = await c.credentials();
        assert.match(who.accessKeyId, /^ASIA/);
        assert.match(who.source, /^assume_role_with_web_identity arn:aws:iam::123456789012:role\/web/);
        const id = await c.sts().send(new GetCallerIdentityCommand({}));
        assert.equal(id.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/web/gha`);
        const put = await c.s3().send(new PutObjectCommand({ Bucket: 'web-bucket', Key: 'k', Body: '1' }));
        assert.equal(put.$metadata.httpStatusCode, 200);
      } finally {
        setup.destroy();
        c.destroy();
      }
    });
  },
);
