import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { isS3StateError } from '../../src/errors.ts';
import { tempDir } from '../harness/tmp.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

// The AWS IAM Identity Center (SSO) portal is a hand-made double (a recording server answering
// GetRoleCredentials); the profiles and the SSO token cache are real files. The SDK reads the token
// cache under the process's HOME, so this file points process.env.HOME at a temporary folder (each
// test file runs in its own process) and restores it afterwards.

const SSO_KEY = 'ASIASSOROLEEXAMPLE01';

describe('SSO profiles', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let portal: RecordingServer;
  let sts: RecordingServer;
  let configFile: string;
  const savedHome = process.env['HOME'];

  before(async () => {
    dir = await tempDir();
    portal = await startRecordingServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (
        u.pathname !== '/federation/credentials' ||
        req.headers['x-amz-sso_bearer_token'] !== 'sso-access-token'
      ) {
        res.statusCode = 401;
        res.setHeader('x-amzn-errortype', 'UnauthorizedException');
        res.end('{"message":"Session token not found or invalid"}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          roleCredentials: {
            accessKeyId: SSO_KEY,
            secretAccessKey: FAKE_SECRET,
            sessionToken: 'sso-session-token',
            expiration: Date.parse('2099-01-01T00:00:00Z'),
          },
        }),
      );
    });
    sts = await startRecordingServer((_r, res) => {
      res.statusCode = 500;
      res.end();
    });
    const home = join(dir.path, 'home');
    const cache = join(home, '.aws', 'sso', 'cache');
    await mkdir(cache, { recursive: true });
    const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
    const future = '2099-01-01T00:00:00Z';
    await writeFile(
      join(cache, `${sha1('https://legacy.awsapps.com/start')}.json`),
      JSON.stringify({
        accessToken: 'sso-access-token',
        expiresAt: future,
        region: 'eu-west-1',
        startUrl: 'https://legacy.awsapps.com/start',
      }),
    );
    await writeFile(
      join(cache, `${sha1('corp')}.json`),
      JSON.stringify({
        accessToken: 'sso-access-token',
        expiresAt: future,
        region: 'eu-west-1',
        startUrl: 'https://corp.awsapps.com/start',
      }),
    );
    await writeFile(
      join(cache, `${sha1('https://expired.awsapps.com/start')}.json`),
      JSON.stringify({
        accessToken: 'old',
        expiresAt: '2001-01-01T00:00:00Z',
        region: 'eu-west-1',
        startUrl: 'https://expired.awsapps.com/start',
      }),
    );
    configFile = join(dir.path, 'config');
    await writeFile(
      configFile,
      [
        '[profile legacy]',
        'sso_start_url = https://legacy.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_account_id = 111122223333',
        'sso_role_name = StateRole',
        '',
        '[profile modern]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = StateRole',
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_registration_scopes = sso:account:access',
        '',
        '[profile expired]',
        'sso_start_url = https://expired.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_account_id = 111122223333',
        'sso_role_name = StateRole',
        '',
      ].join('\n'),
    );
    process.env['HOME'] = home;
  });
  after(async () => {
    if (savedHome === undefined) delete process.env['HOME'];
    else process.env['HOME'] = savedHome;
    await portal.close();
    await sts.close();
    await dir.cleanup();
  });

  for (const profile of ['legacy', 'modern']) {
    test(`${profile} SSO profile: GetRoleCredentials on endpoints.sso with the cached token (not the STS endpoint)`, async () => {
      portal.requests.length = 0;
      const clients = createAwsClients(
        baseOptions({
          profile,
          sharedConfigFiles: [configFile],
          sharedCredentialsFiles: [join(dir.path, 'none')],
          endpoints: { sso: portal.endpoint, sts: sts.endpoint },
        }),
        { env: { HOME: process.env['HOME'] ?? '' } },
      );
      try {
        const who = await clients.credentials();
        assert.equal(who.accessKeyId, SSO_KEY);
        assert.equal(who.source, `shared profile "${profile}" (SSO)`);
        assert.equal(portal.requests.length, 1);
        const u = new URL(portal.requests[0]!.url, 'http://x');
        assert.equal(u.searchParams.get('role_name'), 'StateRole');
        assert.equal(u.searchParams.get('account_id'), '111122223333');
        assert.equal(sts.requests.length, 0);
      } finally {
        clients.destroy();
      }
    });
  }

  test('an expired SSO token is a clear error naming the profile', async () => {
    const clients = createAwsClients(
      baseOptions({
        profile: 'expired',
        sharedConfigFiles: [configFile],
        sharedCredentialsFiles: [join(dir.path, 'none')],
        endpoints: { sso: portal.endpoint },
      }),
      { env: {} },
    );
    try {
      await assert.rejects(clients.credentials(), (e: unknown) => {
        assert.ok(isS3StateError(e, 'AWS'));
        assert.equal(e.message, 'failed to get credentials from shared profile "expired"');
        assert.match(e.detail ?? '', /expired|refresh/i);
        return true;
      });
    } finally {
      clients.destroy();
    }
  });
});
