import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expandHome, resolveSharedFilePaths } from './shared-aws-files.ts';

describe('resolveSharedFilePaths', () => {
  const env = { HOME: '/home/u' };
  const cases: {
    name: string;
    opts: { sharedConfigFiles?: string[]; sharedCredentialsFiles?: string[] };
    env: Record<string, string>;
    config: string[];
    credentials: string[];
  }[] = [
    {
      name: 'defaults under HOME',
      opts: {},
      env,
      config: ['/home/u/.aws/config'],
      credentials: ['/home/u/.aws/credentials'],
    },
    {
      name: 'environment variables',
      opts: {},
      env: { ...env, AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: '~/creds' },
      config: ['/etc/aws/config'],
      credentials: ['/home/u/creds'],
    },
    {
      name: 'AWS_SHARED_CONFIG_FILE is accepted too',
      opts: {},
      env: { ...env, AWS_SHARED_CONFIG_FILE: '/x/config' },
      config: ['/x/config'],
      credentials: ['/home/u/.aws/credentials'],
    },
    {
      name: 'list options beat the environment, in order, with ~ expanded',
      opts: { sharedConfigFiles: ['~/a', '/b'], sharedCredentialsFiles: ['~'] },
      env: { ...env, AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: '/c' },
      config: ['/home/u/a', '/b'],
      credentials: ['/home/u'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(resolveSharedFilePaths(c.opts, c.env), {
        config: c.config,
        credentials: c.credentials,
      });
    });
  }
  test('expandHome leaves other paths alone', () => {
    assert.equal(expandHome('~user/x', env), '~user/x');
    assert.equal(expandHome('/abs/~/x', env), '/abs/~/x');
  });
});
