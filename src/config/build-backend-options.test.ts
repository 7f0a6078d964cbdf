import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyEnvAndDefaults,
  deprecatedEnvWarnings,
  includeProtoIfNecessary,
  resolveEndpoints,
  toAwsOptions,
  toBackendSettings,
} from './build-backend-options.ts';
import type { ResolvedValue } from './config-layer.ts';

const hcl = (value: unknown): ResolvedValue => ({ value, source: { kind: 'hcl', file: 'main.tf', line: 1 } });
const cfg = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, hcl(v)]));

test('TestBackend_includeProtoIfNecessary', () => {
  const cases: [string, string][] = [
    ['test', 'https://test'],
    ['test.com', 'https://test.com'],
    ['test.com:8080', 'https://test.com:8080'],
    ['http://test.com', 'http://test.com'],
    ['https://test.com', 'https://test.com'],
    ['ftp://test.com', 'ftp://test.com'],
    ['127.0.0.1:4566', 'https://127.0.0.1:4566'],
  ];
  for (const [input, expected] of cases) assert.equal(includeProtoIfNecessary(input), expected, input);
});

describe('TestStsEndpoint (precedence)', () => {
  const all = {
    block: { endpoints: { sts: 'https://block' }, sts_endpoint: 'https://legacy-attr' },
    env: {
      AWS_ENDPOINT_URL_STS: 'https://env-new',
      AWS_STS_ENDPOINT: 'https://env-legacy',
      AWS_ENDPOINT_URL: 'https://env-global',
    },
  };
  const cases: {
    name: string;
    config: Record<string, unknown>;
    env: Record<string, string>;
    want: string | undefined;
    source: string;
  }[] = [
    { name: 'endpoints.sts wins', config: all.block, env: all.env, want: 'https://block', source: 'hcl' },
    {
      name: 'sts_endpoint next',
      config: { sts_endpoint: 'https://legacy-attr' },
      env: all.env,
      want: 'https://legacy-attr',
      source: 'hcl',
    },
    {
      name: 'AWS_ENDPOINT_URL_STS next',
      config: {},
      env: all.env,
      want: 'https://env-new',
      source: 'AWS_ENDPOINT_URL_STS',
    },
    {
      name: 'AWS_STS_ENDPOINT next',
      config: {},
      env: { AWS_STS_ENDPOINT: 'https://env-legacy', AWS_ENDPOINT_URL: 'https://env-global' },
      want: 'https://env-legacy',
      source: 'AWS_STS_ENDPOINT',
    },
    {
      name: 'AWS_ENDPOINT_URL last',
      config: {},
      env: { AWS_ENDPOINT_URL: 'https://env-global' },
      want: 'https://env-global',
      source: 'AWS_ENDPOINT_URL',
    },
    { name: 'none', config: {}, env: {}, want: undefined, source: '' },
  ];
  for (const flavor of ['opentofu', 'terraform'] as const) {
    for (const c of cases) {
      test(`${flavor}: ${c.name}`, () => {
        const eps = resolveEndpoints(cfg(c.config), c.env, flavor);
        assert.equal(eps.sts?.value, c.want);
        if (c.want !== undefined) {
          const src = eps.sts!.source;
          assert.equal(src.kind === 'env' ? src.name : src.kind, c.source);
        }
      });
    }
  }
});

describe('TestBackendConfig_S3Endpoint / _DynamoDBEndpoint / _IAMEndpoint', () => {
  const services = [
    ['s3', 'endpoint', 'AWS_ENDPOINT_URL_S3', 'AWS_S3_ENDPOINT'],
    ['dynamodb', 'dynamodb_endpoint', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_DYNAMODB_ENDPOINT'],
    ['iam', 'iam_endpoint', 'AWS_ENDPOINT_URL_IAM', 'AWS_IAM_ENDPOINT'],
  ] as const;
  for (const [svc, legacy, envNew, envOld] of services) {
    test(`${svc}: none / endpoints.${svc} / ${legacy} / ${envNew} / ${envOld}`, () => {
      assert.equal(resolveEndpoints({}, {}, 'opentofu')[svc], undefined);
      assert.equal(
        resolveEndpoints(cfg({ endpoints: { [svc]: 'http://a' } }), {}, 'opentofu')[svc]?.value,
        'http://a',
      );
      assert.equal(resolveEndpoints(cfg({ [legacy]: 'http://b' }), {}, 'opentofu')[svc]?.value, 'http://b');
      assert.equal(resolveEndpoints({}, { [envNew]: 'http://c' }, 'opentofu')[svc]?.value, 'http://c');
      assert.equal(resolveEndpoints({}, { [envOld]: 'http://d' }, 'opentofu')[svc]?.value, 'http://d');
      // The client factory gets full URLs.
      const aws = toAwsOptions({}, resolveEndpoints({}, { [envOld]: 'host.example:9' }, 'opentofu'), {});
      assert.equal(aws.endpoints[svc], 'https://host.example:9');
    });
  }
  test('endpoints.sso only for Terraform', () => {
    assert.equal(
      resolveEndpoints(cfg({ endpoints: { sso: 'http://sso' } }), {}, 'terraform').sso?.value,
      'http://sso',
    );
    assert.equal(resolveEndpoints(cfg({ endpoints: { sso: 'http://sso' } }), {}, 'opentofu').sso, undefined);
  });
  test('Terraform warns about legacy endpoint variables', () => {
    assert.deepEqual(deprecatedEnvWarnings({ AWS_S3_ENDPOINT: 'x', AWS_METADATA_URL: 'y' }, 'terraform'), [
      {
        severity: 'warning',
        summary: 'Deprecated Environment Variable',
        detail:
          'The environment variable "AWS_S3_ENDPOINT" is deprecated. Use environment variable "AWS_ENDPOINT_URL_S3" instead.',
      },
      {
        severity: 'warning',
        summary: 'Deprecated Environment Variable',
        detail:
          'The environment variable "AWS_METADATA_URL" is deprecated. Use environment variable "AWS_EC2_METADATA_SERVICE_ENDPOINT" instead.',
      },
    ]);
    assert.deepEqual(deprecatedEnvWarnings({ AWS_S3_ENDPOINT: 'x' }, 'opentofu'), []);
  });
});

describe('TestBoolAttrDefaultEnvVarOk', () => {
  const cases: {
    name: string;
    config: Record<string, unknown>;
    env: Record<string, string>;
    want: boolean;
    source: string;
  }[] = [
    {
      name: 'attribute true beats env false',
      config: { use_fips_endpoint: true },
      env: { AWS_USE_FIPS_ENDPOINT: 'false' },
      want: true,
      source: 'hcl',
    },
    {
      name: 'attribute false beats env true',
      config: { use_fips_endpoint: false },
      env: { AWS_USE_FIPS_ENDPOINT: 'true' },
      want: false,
      source: 'hcl',
    },
    { name: 'env true', config: {}, env: { AWS_USE_FIPS_ENDPOINT: 'true' }, want: true, source: 'env' },
    {
      name: 'env TRUE (any case)',
      config: {},
      env: { AWS_USE_FIPS_ENDPOINT: 'TRUE' },
      want: true,
      source: 'env',
    },
    {
      name: 'env false must not enable',
      config: {},
      env: { AWS_USE_FIPS_ENDPOINT: 'false' },
      want: false,
      source: 'env',
    },
    {
      name: 'invalid env value ignored',
      config: {},
      env: { AWS_USE_FIPS_ENDPOINT: 'yes' },
      want: false,
      source: 'default',
    },
    { name: 'nothing set', config: {}, env: {}, want: false, source: 'default' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const v = applyEnvAndDefaults(cfg(c.config), c.env, 'terraform');
      assert.equal(v.use_fips_endpoint?.value, c.want);
      assert.equal(v.use_fips_endpoint?.source.kind, c.source);
      assert.equal(toAwsOptions(v, {}, c.env).useFipsEndpoint, c.want);
    });
  }
  test('dual-stack reads AWS_USE_DUALSTACK_ENDPOINT the same way', () => {
    const v = applyEnvAndDefaults({}, { AWS_USE_DUALSTACK_ENDPOINT: 'True' }, 'terraform');
    assert.equal(toAwsOptions(v, {}, {}).useDualstackEndpoint, true);
  });
});

describe('TestBackendConfig_RegionEnvVar / TestBackendConfig_Region (backend part)', () => {
  const cases: {
    name: string;
    config: Record<string, unknown>;
    env: Record<string, string>;
    want: string;
    source: string;
  }[] = [
    {
      name: 'config wins',
      config: { region: 'us-east-1' },
      env: { AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' },
      want: 'us-east-1',
      source: 'hcl',
    },
    {
      name: 'AWS_REGION',
      config: {},
      env: { AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' },
      want: 'us-west-1',
      source: 'AWS_REGION',
    },
    {
      name: 'AWS_DEFAULT_REGION',
      config: {},
      env: { AWS_DEFAULT_REGION: 'us-west-2' },
      want: 'us-west-2',
      source: 'AWS_DEFAULT_REGION',
    },
    {
      name: 'empty AWS_REGION is skipped',
      config: {},
      env: { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-1' },
      want: 'eu-west-1',
      source: 'AWS_DEFAULT_REGION',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const v = applyEnvAndDefaults(cfg(c.config), c.env, 'opentofu');
      assert.equal(v.region?.value, c.want);
      const src = v.region.source;
      assert.equal(src.kind === 'env' ? src.name : src.kind, c.source);
      assert.equal(toBackendSettings(v).region, c.want);
      assert.equal(toAwsOptions(v, {}, c.env).region, c.want);
    });
  }
});

test('TestBackendConfig_RetryMode (default, config, AWS_RETRY_MODE, config beats env)', () => {
  assert.equal(toAwsOptions(applyEnvAndDefaults({}, {}, 'terraform'), {}, {}).retryMode, undefined);
  assert.equal(
    toAwsOptions(applyEnvAndDefaults(cfg({ retry_mode: 'standard' }), {}, 'terraform'), {}, {}).retryMode,
    'standard',
  );
  assert.equal(
    toAwsOptions(applyEnvAndDefaults({}, { AWS_RETRY_MODE: 'adaptive' }, 'terraform'), {}, {}).retryMode,
    'adaptive',
  );
  assert.equal(
    toAwsOptions(
      applyEnvAndDefaults(cfg({ retry_mode: 'standard' }), { AWS_RETRY_MODE: 'adaptive' }, 'terraform'),
      {},
      {},
    ).retryMode,
    'standard',
  );
});

test('TestBackendConfig_original: defaults (max_retries 5, env: prefix, booleans false)', () => {
  const v = applyEnvAndDefaults(
    cfg({ bucket: 'tf-test', key: 'state', region: 'us-west-1' }),
    {},
    'opentofu',
  );
  const s = toBackendSettings(v);
  assert.deepEqual(s, {
    bucket: 'tf-test',
    key: 'state',
    region: 'us-west-1',
    workspaceKeyPrefix: 'env:',
    dynamodbTable: undefined,
    useLockfile: false,
    encrypt: false,
    kmsKeyId: undefined,
    sseCustomerKey: undefined,
    acl: undefined,
    stateTags: undefined,
    lockTags: undefined,
    skipS3Checksum: false,
  });
  const a = toAwsOptions(v, {}, {});
  assert.equal(a.maxRetries, 5);
  assert.equal(a.usePathStyle, false);
  assert.equal(a.skipMetadataApiCheck, undefined);
});

test('empty workspace_key_prefix is kept (not replaced by the default)', () => {
  assert.equal(
    toBackendSettings(applyEnvAndDefaults(cfg({ workspace_key_prefix: '' }), {}, 'opentofu'))
      .workspaceKeyPrefix,
    '',
  );
});

test('SSE-C key from AWS_SSE_CUSTOMER_KEY reaches the settings', () => {
  const key = '4Dm1n4rZNJSbsOQy7Vx0ByxkU1Q2ALfGqjP4VQZ/tJA=';
  const v = applyEnvAndDefaults(cfg({ encrypt: true }), { AWS_SSE_CUSTOMER_KEY: key }, 'opentofu');
  assert.equal(toBackendSettings(v).sseCustomerKey, key);
  assert.deepEqual(v.sse_customer_key?.source, { kind: 'env', name: 'AWS_SSE_CUSTOMER_KEY' });
});

test('TestBackendConfig_AssumeRole: flat attributes map onto assume role options (OpenTofu)', () => {
  const v = cfg({
    role_arn: 'arn:aws:iam::123456789012:role/x',
    assume_role_duration_seconds: 3600,
    external_id: 'ext',
    assume_role_policy: '{}',
    assume_role_policy_arns: ['arn:aws:iam::123456789012:policy/p'],
    session_name: 'sess',
    assume_role_tags: { a: 'b' },
    assume_role_transitive_tag_keys: ['a'],
  });
  assert.deepEqual(toAwsOptions(v, {}, {}).assumeRole, {
    roleArn: 'arn:aws:iam::123456789012:role/x',
    durationSeconds: 3600,
    externalId: 'ext',
    policy: '{}',
    policyArns: ['arn:aws:iam::123456789012:policy/p'],
    sessionName: 'sess',
    tags: { a: 'b' },
    transitiveTagKeys: ['a'],
  });
});

test('assume_role block: duration string to seconds, policy trimmed', () => {
  const v = cfg({ assume_role: { role_arn: 'arn:aws:iam::1:role/r', duration: '1h30m', policy: '  {}\n' } });
  const ar = toAwsOptions(v, {}, {}).assumeRole;
  assert.equal(ar?.durationSeconds, 5400);
  assert.equal(ar?.policy, '{}');
});

test('assume_role_with_web_identity takes AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, AWS_WEB_IDENTITY_TOKEN_FILE when configured', () => {
  const env = {
    AWS_ROLE_ARN: 'arn:aws:iam::1:role/env',
    AWS_ROLE_SESSION_NAME: 'envsess',
    AWS_WEB_IDENTITY_TOKEN_FILE: '/tok',
  };
  const v = applyEnvAndDefaults(
    cfg({ assume_role_with_web_identity: { session_name: 'mine' } }),
    env,
    'opentofu',
  );
  assert.deepEqual(toAwsOptions(v, {}, env).assumeRoleWithWebIdentity, {
    roleArn: 'arn:aws:iam::1:role/env',
    webIdentityToken: undefined,
    webIdentityTokenFile: '/tok',
    sessionName: 'mine',
    policy: undefined,
    policyArns: undefined,
    durationSeconds: undefined,
  });
  assert.equal(
    toAwsOptions(applyEnvAndDefaults({}, env, 'opentofu'), {}, env).assumeRoleWithWebIdentity,
    undefined,
  );
});

test('TestBackendConfig_proxy: config wins over env, env fills the rest', () => {
  const env = { HTTP_PROXY: 'http://env-http', https_proxy: 'http://env-https', NO_PROXY: 'internal' };
  const a = toAwsOptions(applyEnvAndDefaults(cfg({ http_proxy: 'http://cfg' }), env, 'opentofu'), {}, env);
  assert.equal(a.httpProxy, 'http://cfg');
  assert.equal(a.httpsProxy, 'http://env-https');
  assert.equal(a.noProxy, 'internal');
});

test('proxy mode follows the flavor: Terraform legacy (configured http_proxy only), OpenTofu separate', () => {
  const env = { HTTP_PROXY: 'http://env-http' };
  const tofu = toAwsOptions(applyEnvAndDefaults({}, env, 'opentofu'), {}, env, 'opentofu');
  assert.equal(tofu.httpProxyMode, 'separate');
  assert.equal(tofu.httpProxy, 'http://env-http');
  const tf = toAwsOptions(applyEnvAndDefaults({}, env, 'terraform'), {}, env, 'terraform');
  assert.equal(tf.httpProxyMode, 'legacy');
  assert.equal(tf.httpProxy, undefined, 'an env HTTP_PROXY must not become a legacy-mode proxy for HTTPS');
  const tfCfg = toAwsOptions(
    applyEnvAndDefaults(cfg({ http_proxy: 'http://cfg' }), env, 'terraform'),
    {},
    env,
    'terraform',
  );
  assert.equal(tfCfg.httpProxy, 'http://cfg');
});

test('TF_APPEND_USER_AGENT and shared_credentials_file map through', () => {
  const a = toAwsOptions(cfg({ shared_credentials_file: '/creds' }), {}, { TF_APPEND_USER_AGENT: 'ci/1' });
  assert.deepEqual(a.sharedCredentialsFiles, ['/creds']);
  assert.equal(a.appendUserAgent, 'ci/1');
});

test('shared files from AWS_SHARED_CREDENTIALS_FILE / AWS_SHARED_CONFIG_FILE as single entries; config wins', () => {
  const env = { AWS_SHARED_CREDENTIALS_FILE: '/env/creds', AWS_SHARED_CONFIG_FILE: '/env/config' };
  const a = toAwsOptions(applyEnvAndDefaults({}, env, 'opentofu'), {}, env);
  assert.deepEqual(a.sharedCredentialsFiles, ['/env/creds']);
  assert.deepEqual(a.sharedConfigFiles, ['/env/config']);
  const b = toAwsOptions(
    applyEnvAndDefaults(cfg({ shared_config_files: ['/cfg'] }), env, 'opentofu'),
    {},
    env,
  );
  assert.deepEqual(b.sharedConfigFiles, ['/cfg']);
});
