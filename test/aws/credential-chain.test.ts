import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsOptions } from '../../src/aws/aws-options.ts';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { isS3StateError } from '../../src/errors.ts';
import { tempDir } from '../harness/tmp.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { formFields, startRecordingServer, stsResponse, type RecordingServer } from './recording-server.ts';

// Real files, real child processes (credential_process) and real signed HTTP requests. The container
// credential endpoint and the EC2 instance metadata service are hand-made doubles (recording servers):
// no real one exists on this machine.

const KEYS = {
  config: 'AKIACONFIGEXAMPLE001',
  env: 'AKIAENVIRONMENTEXAM1',
  sharedDefault: 'AKIASHAREDDEFAULT001',
  sharedDev: 'AKIASHAREDDEVEXAMPL1',
  configFileProfile: 'AKIACONFIGFILEPROF01',
  second: 'AKIASECONDFILEEXAMP1',
  process: 'AKIAPROCESSEXAMPLE01',
  container: 'ASIACONTAINEREXAMPL1',
  imds: 'ASIAINSTANCEEXAMPLE1',
  assumed: 'ASIAPROFILEROLEEXAM1',
};

describe('credential chain', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let s3: RecordingServer;
  let container: RecordingServer;
  let imds: RecordingServer;
  let sts: RecordingServer;
  let credFile: string;
  let secondCredFile: string;
  let configFile: string;
  let home: string;

  before(async () => {
    dir = await tempDir();
    s3 = await startRecordingServer((_r, res) => res.end());
    container = await startRecordingServer((req, res) => {
      if (req.headers.authorization !== 'container-auth-token') {
        res.statusCode = 401;
        res.end('{}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          AccessKeyId: KEYS.container,
          SecretAccessKey: FAKE_SECRET,
          Token: 'container-token',
          Expiration: '2099-01-01T00:00:00Z',
        }),
      );
    });
    imds = await startRecordingServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') return res.end('imds-session-token');
      if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-session-token') {
        res.statusCode = 401;
        return res.end();
      }
      if (req.url === '/latest/meta-data/iam/security-credentials/') return res.end('instance-role');
      if (req.url === '/latest/meta-data/iam/security-credentials/instance-role') {
        return res.end(
          JSON.stringify({
            Code: 'Success',
            AccessKeyId: KEYS.imds,
            SecretAccessKey: FAKE_SECRET,
            Token: 'imds-token',
            Expiration: '2099-01-01T00:00:00Z',
          }),
        );
      }
      res.statusCode = 404;
      res.end();
    });
    sts = await startRecordingServer((req, res) => {
      res.setHeader('content-type', 'text/xml');
      res.end(
        stsResponse(formFields(req.body)['Action'] ?? '', {
          accessKeyId: KEYS.assumed,
          secretAccessKey: FAKE_SECRET,
        }),
      );
    });

    credFile = join(dir.path, 'credentials');
    secondCredFile = join(dir.path, 'credentials-2');
    configFile = join(dir.path, 'config');
    const script = join(dir.path, 'cred-process.mjs');
    await writeFile(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: '${KEYS.process}', SecretAccessKey: '${FAKE_SECRET}', SessionToken: 'proc-token' }));\n`,
    );
    await writeFile(
      credFile,
      [
        '[default]',
        `aws_access_key_id = ${KEYS.sharedDefault}`,
        `aws_secret_access_key = ${FAKE_SECRET}`,
        '',
        '[dev]',
        `aws_access_key_id = ${KEYS.sharedDev}`,
        `aws_secret_access_key = ${FAKE_SECRET}`,
        '',
        '[overridden]',
        'aws_access_key_id = AKIAFIRSTFILEEXAMPL1',
        `aws_secret_access_key = ${FAKE_SECRET}`,
        '',
      ].join('\n'),
    );
    await writeFile(
      secondCredFile,
      [
        '[overridden]',
        `aws_access_key_id = ${KEYS.second}`,
        `aws_secret_access_key = ${FAKE_SECRET}`,
        '',
      ].join('\n'),
    );
    await writeFile(
      configFile,
      [
        '[profile cfgonly]',
        `aws_access_key_id = ${KEYS.configFileProfile}`,
        `aws_secret_access_key = ${FAKE_SECRET}`,
        '',
        '[profile proc]',
        `credential_process = ${process.execPath} ${script}`,
        '',
        '[profile chained]',
        'role_arn = arn:aws:iam::111122223333:role/from-profile',
        'source_profile = dev',
        'role_session_name = profile-session',
        '',
      ].join('\n'),
    );
    home = join(dir.path, 'home');
    await mkdir(join(home, '.aws'), { recursive: true });
    await writeFile(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = AKIAHOMEDEFAULTEXAM1\naws_secret_access_key = ${FAKE_SECRET}\n`,
    );
  });
  after(async () => {
    for (const s of [s3, container, imds, sts]) await s.close();
    await dir.cleanup();
  });

  const envKeys = { AWS_ACCESS_KEY_ID: KEYS.env, AWS_SECRET_ACCESS_KEY: FAKE_SECRET };
  const containerEnv = (): Record<string, string> => ({
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.endpoint}/creds`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-auth-token',
  });

  interface Case {
    name: string;
    opts: () => Partial<AwsOptions>;
    env: () => Record<string, string>;
    key: string;
    source: RegExp;
  }
  const cases: Case[] = [
    {
      name: 'config keys beat env keys, shared files, container and IMDS',
      opts: () => ({
        accessKey: KEYS.config,
        secretKey: FAKE_SECRET,
        sharedCredentialsFiles: [credFile],
        skipMetadataApiCheck: false,
        ec2MetadataServiceEndpoint: imds.endpoint,
      }),
      env: () => ({ ...envKeys, ...containerEnv() }),
      key: KEYS.config,
      source: /^config/,
    },
    {
      name: 'env keys beat shared credentials, container and IMDS',
      opts: () => ({
        sharedCredentialsFiles: [credFile],
        skipMetadataApiCheck: false,
        ec2MetadataServiceEndpoint: imds.endpoint,
      }),
      env: () => ({ ...envKeys, ...containerEnv() }),
      key: KEYS.env,
      source: /^environment/,
    },
    {
      name: 'shared credentials (default profile) beat container and IMDS',
      opts: () => ({
        sharedCredentialsFiles: [credFile],
        skipMetadataApiCheck: false,
        ec2MetadataServiceEndpoint: imds.endpoint,
      }),
      env: containerEnv,
      key: KEYS.sharedDefault,
      source: /^shared profile "default" \(static keys\)/,
    },
    {
      name: 'container credentials beat IMDS',
      opts: () => ({
        sharedCredentialsFiles: [join(dir.path, 'absent')],
        skipMetadataApiCheck: false,
        ec2MetadataServiceEndpoint: imds.endpoint,
      }),
      env: containerEnv,
      key: KEYS.container,
      source: /^container/,
    },
    {
      name: 'IMDS (v2 token flow) when nothing else is configured',
      opts: () => ({
        sharedCredentialsFiles: [join(dir.path, 'absent')],
        skipMetadataApiCheck: false,
        ec2MetadataServiceEndpoint: imds.endpoint,
      }),
      env: () => ({}),
      key: KEYS.imds,
      source: /^EC2 instance metadata/,
    },
    {
      name: 'the profile attribute beats env keys',
      opts: () => ({ profile: 'dev', sharedCredentialsFiles: [credFile] }),
      env: () => envKeys,
      key: KEYS.sharedDev,
      source: /^shared profile "dev"/,
    },
    {
      name: 'env keys beat AWS_PROFILE',
      opts: () => ({ sharedCredentialsFiles: [credFile] }),
      env: () => ({ ...envKeys, AWS_PROFILE: 'dev' }),
      key: KEYS.env,
      source: /^environment/,
    },
    {
      name: 'AWS_PROFILE selects a profile; AWS_SHARED_CREDENTIALS_FILE names the file',
      opts: () => ({}),
      env: () => ({ AWS_PROFILE: 'dev', AWS_SHARED_CREDENTIALS_FILE: credFile }),
      key: KEYS.sharedDev,
      source: /^shared profile "dev"/,
    },
    {
      name: 'shared_credentials_files beats AWS_SHARED_CREDENTIALS_FILE',
      opts: () => ({ profile: 'overridden', sharedCredentialsFiles: [secondCredFile] }),
      env: () => ({ AWS_SHARED_CREDENTIALS_FILE: credFile }),
      key: KEYS.second,
      source: /^shared profile "overridden"/,
    },
    {
      name: 'with several shared_credentials_files the later file wins',
      opts: () => ({ profile: 'overridden', sharedCredentialsFiles: [credFile, secondCredFile] }),
      env: () => ({}),
      key: KEYS.second,
      source: /^shared profile "overridden"/,
    },
    {
      name: 'a profile defined in the shared config file (shared_config_files)',
      opts: () => ({
        profile: 'cfgonly',
        sharedConfigFiles: [configFile],
        sharedCredentialsFiles: [credFile],
      }),
      env: () => ({}),
      key: KEYS.configFileProfile,
      source: /^shared profile "cfgonly" \(static keys\)/,
    },
    {
      name: 'AWS_CONFIG_FILE names the shared config file',
      opts: () => ({ profile: 'cfgonly' }),
      env: () => ({ AWS_CONFIG_FILE: configFile, HOME: home }),
      key: KEYS.configFileProfile,
      source: /^shared profile "cfgonly"/,
    },
    {
      name: 'credential_process runs the configured command',
      opts: () => ({ profile: 'proc', sharedConfigFiles: [configFile], sharedCredentialsFiles: [credFile] }),
      env: () => ({}),
      key: KEYS.process,
      source: /^shared profile "proc" \(credential_process\)/,
    },
    {
      name: 'role_arn + source_profile in a profile assumes the role with the source keys',
      opts: () => ({
        profile: 'chained',
        sharedConfigFiles: [configFile],
        sharedCredentialsFiles: [credFile],
        endpoints: { sts: sts.endpoint },
      }),
      env: () => ({}),
      key: KEYS.assumed,
      source: /^shared profile "chained" \(assume role\)/,
    },
    {
      name: 'the default ~/.aws/credentials under HOME',
      opts: () => ({}),
      env: () => ({ HOME: home }),
      key: 'AKIAHOMEDEFAULTEXAM1',
      source: /^shared profile "default"/,
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      s3.requests.length = 0;
      const o = c.opts();
      const clients = createAwsClients(
        baseOptions({ ...o, endpoints: { s3: s3.endpoint, ...o.endpoints } }),
        {
          env: { HOME: join(dir.path, 'empty-home'), ...c.env() },
        },
      );
      try {
        const who = await clients.credentials();
        assert.equal(who.accessKeyId, c.key);
        assert.match(who.source, c.source);
        assert.ok(!JSON.stringify(who).includes(FAKE_SECRET), 'credentials() never returns the secret');
        await clients.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'x' }));
        assert.equal(s3.requests[0]?.accessKeyId, c.key, 'the S3 request is signed with those credentials');
      } finally {
        clients.destroy();
      }
    });
  }

  const tokenCases: {
    name: string;
    opts: Partial<AwsOptions>;
    env: Record<string, string>;
    token: string;
  }[] = [
    {
      name: 'token from the configuration',
      opts: { accessKey: KEYS.config, secretKey: FAKE_SECRET, token: 'config-session-token' },
      env: { AWS_SESSION_TOKEN: 'env-session-token' },
      token: 'config-session-token',
    },
    {
      name: 'AWS_SESSION_TOKEN with environment keys',
      opts: {},
      env: { ...envKeys, AWS_SESSION_TOKEN: 'env-session-token' },
      token: 'env-session-token',
    },
  ];
  for (const c of tokenCases) {
    test(`session ${c.name} is sent as x-amz-security-token`, async () => {
      s3.requests.length = 0;
      const clients = createAwsClients(baseOptions({ endpoints: { s3: s3.endpoint }, ...c.opts }), {
        env: c.env,
      });
      try {
        await clients.s3().send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'x' }));
        assert.equal(s3.requests[0]?.headers['x-amz-security-token'], c.token);
      } finally {
        clients.destroy();
      }
    });
  }

  test('profile chaining sends AssumeRole signed with the source profile keys', async () => {
    sts.requests.length = 0;
    const clients = createAwsClients(
      baseOptions({
        profile: 'chained',
        sharedConfigFiles: [configFile],
        sharedCredentialsFiles: [credFile],
        endpoints: { sts: sts.endpoint },
      }),
      { env: {} },
    );
    try {
      await clients.credentials();
      assert.equal(sts.requests[0]?.accessKeyId, KEYS.sharedDev);
      const f = formFields(sts.requests[0]?.body ?? '');
      assert.equal(f['RoleArn'], 'arn:aws:iam::111122223333:role/from-profile');
      assert.equal(f['RoleSessionName'], 'profile-session');
    } finally {
      clients.destroy();
    }
  });

  const errorCases: {
    name: string;
    opts: () => Partial<AwsOptions>;
    env: Record<string, string>;
    summary: RegExp;
    detail?: RegExp;
  }[] = [
    {
      name: 'an unknown profile attribute',
      opts: () => ({ profile: 'nope', sharedCredentialsFiles: [credFile], sharedConfigFiles: [configFile] }),
      env: {},
      summary: /^failed to get shared config profile, nope$/,
      detail: /not found in .*config.*credentials/,
    },
    {
      name: 'an unknown AWS_PROFILE',
      opts: () => ({ sharedCredentialsFiles: [credFile] }),
      env: { AWS_PROFILE: 'missing' },
      summary: /^failed to get shared config profile, missing$/,
      detail: /AWS_PROFILE/,
    },
    {
      name: 'no source at all with IMDS skipped',
      opts: () => ({ sharedCredentialsFiles: [join(dir.path, 'absent')], skipMetadataApiCheck: true }),
      env: {},
      summary: /^No valid credential sources found$/,
    },
    {
      name: 'an unreachable IMDS',
      opts: () => ({
        sharedCredentialsFiles: [join(dir.path, 'absent')],
        skipMetadataApiCheck: false,
        ec2MetadataServiceEndpoint: 'http://127.0.0.1:1',
      }),
      env: {},
      summary: /^No valid credential sources found$/,
      detail: /instance metadata service not reachable at http:\/\/127\.0\.0\.1:1/,
    },
    {
      name: 'an access_key without secret_key',
      opts: () => ({ accessKey: KEYS.config }),
      env: {},
      summary: /^Incomplete static credentials$/,
      detail: /secret_key/,
    },
  ];
  for (const c of errorCases) {
    test(`clear error for ${c.name}`, async () => {
      const clients = createAwsClients(baseOptions(c.opts()), {
        env: { HOME: join(dir.path, 'empty-home'), ...c.env },
      });
      try {
        await assert.rejects(clients.credentials(), (e: unknown) => {
          assert.ok(isS3StateError(e, 'AWS'), String(e));
          assert.match(e.message, c.summary);
          if (c.detail) assert.match(e.detail ?? '', c.detail);
          assert.ok(!`${e.message}${e.detail}`.includes(FAKE_SECRET));
          return true;
        });
      } finally {
        clients.destroy();
      }
    });
  }

  test('the reporter hears where credentials came from, never the secret', async () => {
    const events: string[] = [];
    const clients = createAwsClients(baseOptions({ accessKey: KEYS.config, secretKey: FAKE_SECRET }), {
      env: {},
      reporter: (e) => events.push(`${e.kind}: ${e.message}`),
    });
    try {
      await clients.credentials();
      assert.deepEqual(events, ['credentials: AWS credentials from config (access_key/secret_key)']);
    } finally {
      clients.destroy();
    }
  });
});
