import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { isS3StateError } from '../../src/errors.ts';
import { tempDir } from '../harness/tmp.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { formFields, startRecordingServer, stsResponse, type RecordingServer } from './recording-server.ts';

// The STS endpoint here is a hand-made double (a recording server): it records each form-encoded
// STS request and answers with a valid XML document, so every AssumeRole parameter can be checked
// on the wire. Real STS behaviour (policies, IAM auth) is covered against moto in moto-iam.test.ts.

const ASSUMED_KEY = 'ASIAASSUMEDEXAMPLE01';
const WEB_KEY = 'ASIAWEBIDENTITYEXAMP';

describe('assume_role against a recording STS double', () => {
  let sts: RecordingServer;
  let s3: RecordingServer;
  let dir: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    sts = await startRecordingServer((req, res) => {
      const action = formFields(req.body)['Action'] ?? '';
      res.setHeader('content-type', 'text/xml');
      if (action === 'AssumeRole' && formFields(req.body)['RoleArn']?.endsWith('/denied')) {
        res.statusCode = 403;
        res.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>r2</RequestId></ErrorResponse>`,
        );
        return;
      }
      const key = action === 'AssumeRoleWithWebIdentity' ? WEB_KEY : ASSUMED_KEY;
      // role/short-lived answers with credentials that expire in 2 minutes (inside the refresh window)
      const shortLived = formFields(req.body)['RoleArn']?.endsWith('/short-lived') === true;
      const expiration = shortLived ? new Date(Date.now() + 120_000).toISOString() : undefined;
      res.end(
        stsResponse(action, {
          accessKeyId: key,
          secretAccessKey: FAKE_SECRET,
          ...(expiration ? { expiration } : {}),
        }),
      );
    });
    s3 = await startRecordingServer((_req, res) => {
      res.setHeader('etag', '"abc"');
      res.end();
    });
    dir = await tempDir();
  });
  after(async () => {
    await sts.close();
    await s3.close();
    await dir.cleanup();
  });

  test('every assume_role parameter reaches STS, and the assumed keys sign S3 requests', async () => {
    sts.requests.length = 0;
    s3.requests.length = 0;
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    const clients = createAwsClients(
      baseOptions({
        accessKey: 'AKIABASEEXAMPLE00001',
        secretKey: FAKE_SECRET,
        endpoints: { sts: sts.endpoint, s3: s3.endpoint },
        assumeRole: {
          roleArn: 'arn:aws:iam::111122223333:role/state',
          durationSeconds: 3600,
          externalId: 'ext-id-1',
          policy: `  ${policy}\n`,
          policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::111122223333:policy/extra'],
          sessionName: 'ci-session',
          sourceIdentity: 'alice',
          tags: { team: 'platform', env: 'prod' },
          transitiveTagKeys: ['team'],
        },
      }),
      { env: {} },
    );
    try {
      await clients
        .s3()
        .send(new PutObjectCommand({ Bucket: 'bkt', Key: 'a/terraform.tfstate', Body: '{}' }));
      const assume = sts.requests.filter((r) => formFields(r.body)['Action'] === 'AssumeRole');
      assert.equal(assume.length, 1);
      const f = formFields(assume[0]!.body);
      assert.equal(assume[0]!.accessKeyId, 'AKIABASEEXAMPLE00001', 'AssumeRole is signed with the base keys');
      assert.deepEqual(
        {
          RoleArn: f['RoleArn'],
          RoleSessionName: f['RoleSessionName'],
          DurationSeconds: f['DurationSeconds'],
          ExternalId: f['ExternalId'],
          Policy: f['Policy'],
          'PolicyArns.member.1.arn': f['PolicyArns.member.1.arn'],
          'PolicyArns.member.2.arn': f['PolicyArns.member.2.arn'],
          SourceIdentity: f['SourceIdentity'],
          'Tags.member.1.Key': f['Tags.member.1.Key'],
          'Tags.member.1.Value': f['Tags.member.1.Value'],
          'Tags.member.2.Key': f['Tags.member.2.Key'],
          'Tags.member.2.Value': f['Tags.member.2.Value'],
          'TransitiveTagKeys.member.1': f['TransitiveTagKeys.member.1'],
        },
        {
          RoleArn: 'arn:aws:iam::111122223333:role/state',
          RoleSessionName: 'ci-session',
          DurationSeconds: '3600',
          ExternalId: 'ext-id-1',
          Policy: policy,
          'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
          'PolicyArns.member.2.arn': 'arn:aws:iam::111122223333:policy/extra',
          SourceIdentity: 'alice',
          'Tags.member.1.Key': 'team',
          'Tags.member.1.Value': 'platform',
          'Tags.member.2.Key': 'env',
          'Tags.member.2.Value': 'prod',
          'TransitiveTagKeys.member.1': 'team',
        },
      );
      assert.equal(s3.requests.length, 1);
      assert.equal(s3.requests[0]!.accessKeyId, ASSUMED_KEY, 'S3 request signed with the assumed role');
      assert.equal(s3.requests[0]!.headers['x-amz-security-token'], 'session-token-value');
      const who = await clients.credentials();
      assert.equal(who.accessKeyId, ASSUMED_KEY);
      assert.match(who.source, /^assume_role arn:aws:iam::111122223333:role\/state \(from config/);
      assert.ok(!JSON.stringify(who).includes(FAKE_SECRET));
    } finally {
      clients.destroy();
    }
  });

  test('without optional parameters only RoleArn, a session name and the 15-minute default duration are sent', async () => {
    sts.requests.length = 0;
    const clients = createAwsClients(
      baseOptions({
        accessKey: 'AKIABASEEXAMPLE00001',
        secretKey: FAKE_SECRET,
        endpoints: { sts: sts.endpoint },
        assumeRole: { roleArn: 'arn:aws:iam::111122223333:role/min' },
      }),
      { env: {} },
    );
    try {
      await clients.credentials();
      const f = formFields(sts.requests[0]!.body);
      assert.deepEqual(
        Object.keys(f).sort(),
        ['Action', 'DurationSeconds', 'RoleArn', 'RoleSessionName', 'Version'].sort(),
      );
      assert.equal(f['DurationSeconds'], '900');
      assert.match(f['RoleSessionName'] ?? '', /^s3state-\d+$/);
    } finally {
      clients.destroy();
    }
  });

  test('credentials are fetched once and shared by all clients', async () => {
    sts.requests.length = 0;
    s3.requests.length = 0;
    const clients = createAwsClients(
      baseOptions({
        accessKey: 'AKIABASEEXAMPLE00001',
        secretKey: FAKE_SECRET,
        endpoints: { sts: sts.endpoint, s3: s3.endpoint },
        assumeRole: { roleArn: 'arn:aws:iam::111122223333:role/once' },
      }),
      { env: {} },
    );
    try {
      assert.equal(clients.s3(), clients.s3(), 's3() builds one client');
      await Promise.all([
        clients.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'x', Body: '1' })),
        clients.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'y', Body: '2' })),
        clients.credentials(),
      ]);
      assert.equal(sts.requests.filter((r) => formFields(r.body)['Action'] === 'AssumeRole').length, 1);
    } finally {
      clients.destroy();
    }
  });

  test('credentials about to expire are fetched again; fresh ones are reused', async () => {
    const count = (): number =>
      sts.requests.filter((r) => formFields(r.body)['Action'] === 'AssumeRole').length;
    for (const [role, expected] of [
      ['short-lived', 2],
      ['long-lived', 1],
    ] as const) {
      sts.requests.length = 0;
      const clients = createAwsClients(
        baseOptions({
          accessKey: 'AKIABASEEXAMPLE00001',
          secretKey: FAKE_SECRET,
          endpoints: { sts: sts.endpoint },
          assumeRole: { roleArn: `arn:aws:iam::111122223333:role/${role}` },
        }),
        { env: {} },
      );
      try {
        const first = await clients.credentials();
        await clients.credentials();
        assert.equal(count(), expected, role);
        assert.ok(first.expiration instanceof Date);
      } finally {
        clients.destroy();
      }
    }
  });

  test('a refused AssumeRole is a clear "Cannot assume IAM Role" error naming the role, without secrets', async () => {
    const clients = createAwsClients(
      baseOptions({
        accessKey: 'AKIABASEEXAMPLE00001',
        secretKey: FAKE_SECRET,
        endpoints: { sts: sts.endpoint },
        maxRetries: 1,
        assumeRole: { roleArn: 'arn:aws:iam::111122223333:role/denied' },
      }),
      { env: {} },
    );
    try {
      await assert.rejects(clients.credentials(), (e: unknown) => {
        assert.ok(isS3StateError(e, 'AWS'));
        assert.equal(e.message, 'Cannot assume IAM Role');
        assert.match(e.detail ?? '', /IAM Role \(arn:aws:iam::111122223333:role\/denied\) cannot be assumed/);
        assert.match(e.detail ?? '', /not authorized to perform sts:AssumeRole/);
        assert.ok(!`${e.message}${e.detail}`.includes(FAKE_SECRET));
        return true;
      });
    } finally {
      clients.destroy();
    }
  });

  const webCases = [
    { name: 'inline web_identity_token', token: 'inline.jwt.token', file: false },
    { name: 'web_identity_token_file', token: 'file.jwt.token', file: true },
  ];
  for (const c of webCases) {
    test(`assume_role_with_web_identity with ${c.name}`, async () => {
      sts.requests.length = 0;
      s3.requests.length = 0;
      const tokenFile = join(dir.path, 'token');
      if (c.file) await writeFile(tokenFile, `${c.token}\n`);
      const clients = createAwsClients(
        baseOptions({
          endpoints: { sts: sts.endpoint, s3: s3.endpoint },
          assumeRoleWithWebIdentity: {
            roleArn: 'arn:aws:iam::111122223333:role/web',
            ...(c.file ? { webIdentityTokenFile: tokenFile } : { webIdentityToken: c.token }),
            sessionName: 'web-session',
            policy: '{"Version":"2012-10-17","Statement":[]}',
            policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
            durationSeconds: 1800,
          },
        }),
        { env: {} },
      );
      try {
        await clients.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'w', Body: '1' }));
        const f = formFields(sts.requests[0]!.body);
        assert.equal(f['Action'], 'AssumeRoleWithWebIdentity');
        assert.equal(f['WebIdentityToken'], c.token);
        assert.equal(f['RoleArn'], 'arn:aws:iam::111122223333:role/web');
        assert.equal(f['RoleSessionName'], 'web-session');
        assert.equal(f['DurationSeconds'], '1800');
        assert.equal(f['Policy'], '{"Version":"2012-10-17","Statement":[]}');
        assert.equal(f['PolicyArns.member.1.arn'], 'arn:aws:iam::aws:policy/ReadOnlyAccess');
        assert.equal(s3.requests[0]!.accessKeyId, WEB_KEY);
        const who = await clients.credentials();
        assert.ok(!JSON.stringify(who).includes(c.token), 'the token is never returned');
      } finally {
        clients.destroy();
      }
    });
  }

  test('web identity from AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE in the environment (no block)', async () => {
    sts.requests.length = 0;
    const tokenFile = join(dir.path, 'env-token');
    await writeFile(tokenFile, 'env.jwt.token');
    const clients = createAwsClients(baseOptions({ endpoints: { sts: sts.endpoint } }), {
      env: {
        AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/from-env',
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ROLE_SESSION_NAME: 'env-session',
      },
    });
    try {
      const who = await clients.credentials();
      assert.equal(who.accessKeyId, WEB_KEY);
      const f = formFields(sts.requests[0]!.body);
      assert.equal(f['WebIdentityToken'], 'env.jwt.token');
      assert.equal(f['RoleArn'], 'arn:aws:iam::111122223333:role/from-env');
      assert.equal(f['RoleSessionName'], 'env-session');
    } finally {
      clients.destroy();
    }
  });

  test('assume_role on top of web identity: the web identity keys sign AssumeRole', async () => {
    sts.requests.length = 0;
    const clients = createAwsClients(
      baseOptions({
        endpoints: { sts: sts.endpoint },
        assumeRoleWithWebIdentity: {
          roleArn: 'arn:aws:iam::111122223333:role/web',
          webIdentityToken: 'tok.en.x',
        },
        assumeRole: { roleArn: 'arn:aws:iam::111122223333:role/chained' },
      }),
      { env: {} },
    );
    try {
      const who = await clients.credentials();
      assert.equal(who.accessKeyId, ASSUMED_KEY);
      const actions = sts.requests.map((r) => formFields(r.body)['Action']);
      assert.deepEqual(actions, ['AssumeRoleWithWebIdentity', 'AssumeRole']);
      assert.equal(sts.requests[1]!.accessKeyId, WEB_KEY);
    } finally {
      clients.destroy();
    }
  });

  test('web_identity_token_file with a leading ~ is read from HOME', async () => {
    sts.requests.length = 0;
    await writeFile(join(dir.path, 'tilde-token'), 'tilde.jwt.token');
    const clients = createAwsClients(
      baseOptions({
        endpoints: { sts: sts.endpoint },
        assumeRoleWithWebIdentity: {
          roleArn: 'arn:aws:iam::111122223333:role/web',
          webIdentityTokenFile: '~/tilde-token',
        },
      }),
      { env: { HOME: dir.path } },
    );
    try {
      await clients.credentials();
      assert.equal(formFields(sts.requests[0]!.body)['WebIdentityToken'], 'tilde.jwt.token');
    } finally {
      clients.destroy();
    }
  });

  test('a missing web identity token file is an error naming the file', async () => {
    const missing = join(dir.path, 'nope', 'token');
    const clients = createAwsClients(
      baseOptions({
        endpoints: { sts: sts.endpoint },
        assumeRoleWithWebIdentity: {
          roleArn: 'arn:aws:iam::111122223333:role/web',
          webIdentityTokenFile: missing,
        },
      }),
      { env: {} },
    );
    try {
      await assert.rejects(clients.credentials(), (e: unknown) => {
        assert.ok(isS3StateError(e, 'AWS'));
        assert.ok((e.detail ?? '').includes(missing));
        return true;
      });
    } finally {
      clients.destroy();
    }
  });
});
