import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsOptions } from '../../src/aws/aws-options.ts';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

// Which host each client talks to, observed on the wire: requests to the real AWS host names go
// through a local forward proxy that records the CONNECT target and then fails the tunnel (nothing
// listens on 127.0.0.1:443), so no request leaves the machine. Custom endpoints are recording servers.

describe('endpoints, path style, dual-stack, FIPS and regions', () => {
  let proxy: RecordingProxy;
  let server: RecordingServer;
  before(async () => {
    proxy = await startRecordingProxy();
    server = await startRecordingServer((_r, res) => {
      res.setHeader('content-type', 'text/xml');
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Account>111122223333</Account><Arn>arn:aws:iam::111122223333:user/u</Arn><UserId>U</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>',
      );
    });
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  const opts = (over: Partial<AwsOptions>): AwsOptions =>
    baseOptions({
      accessKey: 'AKIAENDPOINTEXAMPLE1',
      secretKey: FAKE_SECRET,
      httpsProxy: proxy.url,
      maxRetries: 1,
      ...over,
    });

  async function hostFor(
    service: 's3' | 'dynamodb' | 'sts',
    over: Partial<AwsOptions>,
  ): Promise<string | undefined> {
    proxy.seen.length = 0;
    const c = createAwsClients(opts(over), { env: {} });
    try {
      const call =
        service === 's3'
          ? c.s3().send(new PutObjectCommand({ Bucket: 'state-bkt', Key: 'k', Body: '1' }))
          : service === 'dynamodb'
            ? c.dynamodb().send(new GetItemCommand({ TableName: 't', Key: { LockID: { S: 'x' } } }))
            : c.sts().send(new GetCallerIdentityCommand({}));
      await call.catch(() => undefined);
    } finally {
      c.destroy();
    }
    return proxy.seen[0]?.target;
  }

  const cases: {
    name: string;
    service: 's3' | 'dynamodb' | 'sts';
    over: Partial<AwsOptions>;
    host: string;
  }[] = [
    {
      name: 'S3 virtual-hosted style',
      service: 's3',
      over: { usePathStyle: false },
      host: 'state-bkt.s3.us-east-1.amazonaws.com:443',
    },
    {
      name: 'S3 path style',
      service: 's3',
      over: { usePathStyle: true },
      host: 's3.us-east-1.amazonaws.com:443',
    },
    {
      name: 'S3 region',
      service: 's3',
      over: { usePathStyle: true, region: 'eu-central-1' },
      host: 's3.eu-central-1.amazonaws.com:443',
    },
    {
      name: 'S3 dual-stack',
      service: 's3',
      over: { usePathStyle: true, useDualstackEndpoint: true },
      host: 's3.dualstack.us-east-1.amazonaws.com:443',
    },
    {
      name: 'S3 FIPS',
      service: 's3',
      over: { usePathStyle: true, useFipsEndpoint: true },
      host: 's3-fips.us-east-1.amazonaws.com:443',
    },
    { name: 'DynamoDB', service: 'dynamodb', over: {}, host: 'dynamodb.us-east-1.amazonaws.com:443' },
    {
      name: 'DynamoDB FIPS',
      service: 'dynamodb',
      over: { useFipsEndpoint: true },
      host: 'dynamodb-fips.us-east-1.amazonaws.com:443',
    },
    {
      name: 'STS in the backend region',
      service: 'sts',
      over: { region: 'eu-west-1' },
      host: 'sts.eu-west-1.amazonaws.com:443',
    },
    {
      name: 'STS in sts_region',
      service: 'sts',
      over: { region: 'eu-west-1', stsRegion: 'ap-southeast-2' },
      host: 'sts.ap-southeast-2.amazonaws.com:443',
    },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.host}`, async () => {
      assert.equal(await hostFor(c.service, c.over), c.host);
    });
  }

  test('custom endpoints per service are used, signed for the right region', async () => {
    server.requests.length = 0;
    proxy.seen.length = 0;
    const c = createAwsClients(
      opts({
        region: 'eu-west-1',
        stsRegion: 'us-west-2',
        endpoints: { s3: server.endpoint, dynamodb: server.endpoint, sts: server.endpoint },
      }),
      { env: {} },
    );
    try {
      await c.s3().send(new PutObjectCommand({ Bucket: 'state-bkt', Key: 'k', Body: '1' }));
      await c
        .dynamodb()
        .send(new GetItemCommand({ TableName: 't', Key: { LockID: { S: 'x' } } }))
        .catch(() => undefined);
      await c.sts().send(new GetCallerIdentityCommand({}));
    } finally {
      c.destroy();
    }
    const scopes = server.requests.map(
      (r) => /Credential=[^/]+\/\d+\/([^/]+\/[^/]+)\//.exec(String(r.headers.authorization))?.[1],
    );
    assert.deepEqual(scopes, ['eu-west-1/s3', 'eu-west-1/dynamodb', 'us-west-2/sts']);
    assert.equal(server.requests[0]?.url.split('?')[0], '/state-bkt/k', 'path style on the custom endpoint');
    assert.equal(proxy.seen.length, 0, 'loopback endpoints bypass the proxy');
  });
});
