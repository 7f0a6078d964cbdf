import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AwsOptions } from '../../src/aws/aws-options.ts';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { tempDir } from '../harness/tmp.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { startRecordingServer, stsResponse, type RecordingServer } from './recording-server.ts';

// A second real client as the reference: the AWS CLI resolves credentials from the same environment
// and files, and signs `sts get-caller-identity` for a recording STS endpoint (a hand-made double
// answering GetCallerIdentity). Our chain must pick the same access key in every scenario.

const awsPresent = spawnSync('sh', ['-c', 'command -v aws']).status === 0;
if (!awsPresent) console.log('SKIPPED: aws CLI not found');

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('credential choice matches the AWS CLI', { skip: !awsPresent && 'aws CLI not found' }, () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let sts: RecordingServer;
  let credFile: string;
  let configFile: string;
  before(async () => {
    dir = await tempDir();
    sts = await startRecordingServer((_req, res) => {
      res.setHeader('content-type', 'text/xml');
      res.end(stsResponse('GetCallerIdentity', { accessKeyId: 'unused', secretAccessKey: 'unused' }));
    });
    credFile = join(dir.path, 'credentials');
    configFile = join(dir.path, 'config');
    const script = join(dir.path, 'proc.mjs');
    await writeFile(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROCESSCROSSCHK1', SecretAccessKey: '${FAKE_SECRET}' }));\n`,
    );
    await writeFile(
      credFile,
      `[default]\naws_access_key_id = AKIACREDDEFAULTCHK01\naws_secret_access_key = ${FAKE_SECRET}\n\n[dev]\naws_access_key_id = AKIACREDDEVCROSSCHK1\naws_secret_access_key = ${FAKE_SECRET}\n`,
    );
    await writeFile(
      configFile,
      `[default]\naws_access_key_id = AKIACONFIGDEFAULTCK1\naws_secret_access_key = ${FAKE_SECRET}\n\n[profile cfg]\naws_access_key_id = AKIACONFIGPROFILECK1\naws_secret_access_key = ${FAKE_SECRET}\n\n[profile proc]\ncredential_process = ${process.execPath} ${script}\n`,
    );
  });
  after(async () => {
    await sts.close();
    await dir.cleanup();
  });

  const envKeys = { AWS_ACCESS_KEY_ID: 'AKIAENVCROSSCHECK001', AWS_SECRET_ACCESS_KEY: FAKE_SECRET };
  const scenarios: { name: string; env: Record<string, string>; profile?: string; expected: string }[] = [
    { name: 'env keys beat the default profile', env: envKeys, expected: 'AKIAENVCROSSCHECK001' },
    {
      name: 'an explicit profile beats env keys',
      env: envKeys,
      profile: 'dev',
      expected: 'AKIACREDDEVCROSSCHK1',
    },
    {
      name: 'env keys beat AWS_PROFILE',
      env: { ...envKeys, AWS_PROFILE: 'dev' },
      expected: 'AKIAENVCROSSCHECK001',
    },
    { name: 'AWS_PROFILE alone', env: { AWS_PROFILE: 'dev' }, expected: 'AKIACREDDEVCROSSCHK1' },
    {
      name: 'credentials file beats config file for the same profile',
      env: {},
      expected: 'AKIACREDDEFAULTCHK01',
    },
    { name: 'a profile only in the config file', env: {}, profile: 'cfg', expected: 'AKIACONFIGPROFILECK1' },
    { name: 'credential_process', env: {}, profile: 'proc', expected: 'AKIAPROCESSCROSSCHK1' },
  ];

  for (const sc of scenarios) {
    test(sc.name, async () => {
      const env: Record<string, string> = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: join(dir.path, 'home'),
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: credFile,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...sc.env,
      };
      sts.requests.length = 0;
      const cli = await run(
        'aws',
        [
          'sts',
          'get-caller-identity',
          '--endpoint-url',
          sts.endpoint,
          '--region',
          'us-east-1',
          ...(sc.profile ? ['--profile', sc.profile] : []),
        ],
        env,
      );
      assert.equal(cli.code, 0, cli.stderr);
      const cliKey = sts.requests[0]?.accessKeyId;
      const opts: Partial<AwsOptions> = sc.profile ? { profile: sc.profile } : {};
      const clients = createAwsClients(baseOptions(opts), { env });
      try {
        const ours = await clients.credentials();
        assert.equal(cliKey, sc.expected, 'AWS CLI choice');
        assert.equal(ours.accessKeyId, cliKey, 'our choice equals the AWS CLI choice');
      } finally {
        clients.destroy();
      }
    });
  }
});
