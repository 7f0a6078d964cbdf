import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAwsClients } from '../../src/aws/create-aws-clients.ts';
import { defaultImdsEndpoint, fetchImdsCredentials } from '../../src/aws/imds-credentials.ts';
import { isS3StateError } from '../../src/errors.ts';
import { baseOptions, FAKE_SECRET } from './base-options.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

// The instance metadata service is a hand-made double (a recording server); none exists here.

describe('EC2 instance metadata credentials', () => {
  let tokenStatus = 200;
  let imds: RecordingServer;
  before(async () => {
    imds = await startRecordingServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') {
        res.statusCode = tokenStatus;
        return res.end(tokenStatus === 200 ? 'tok' : '');
      }
      if (tokenStatus === 200 && req.headers['x-aws-ec2-metadata-token'] !== 'tok') {
        res.statusCode = 401;
        return res.end();
      }
      if (req.url === '/latest/meta-data/iam/security-credentials/') return res.end('role-a\n');
      if (req.url === '/latest/meta-data/iam/security-credentials/role-a') {
        return res.end(
          JSON.stringify({
            Code: 'Success',
            AccessKeyId: 'ASIAIMDSEXAMPLE00001',
            SecretAccessKey: FAKE_SECRET,
            Token: 't',
            Expiration: '2099-01-01T00:00:00Z',
          }),
        );
      }
      res.statusCode = 404;
      res.end();
    });
  });
  after(() => imds.close());

  for (const status of [403, 404, 405]) {
    test(`token endpoint answering ${status} falls back to IMDSv1`, async () => {
      tokenStatus = status;
      imds.requests.length = 0;
      const c = await fetchImdsCredentials({ endpoint: imds.endpoint });
      assert.equal(c.accessKeyId, 'ASIAIMDSEXAMPLE00001');
      assert.deepEqual(
        imds.requests.map((r) => `${r.method} ${r.url} ${r.headers['x-aws-ec2-metadata-token'] ?? '-'}`),
        [
          'PUT /latest/api/token -',
          'GET /latest/meta-data/iam/security-credentials/ -',
          'GET /latest/meta-data/iam/security-credentials/role-a -',
        ],
      );
    });
  }

  test('IMDSv2: the session token accompanies every metadata request, and expiration is kept', async () => {
    tokenStatus = 200;
    imds.requests.length = 0;
    const c = await fetchImdsCredentials({ endpoint: `${imds.endpoint}/` });
    assert.equal(c.expiration?.toISOString(), '2099-01-01T00:00:00.000Z');
    assert.deepEqual(
      imds.requests.slice(1).map((r) => r.headers['x-aws-ec2-metadata-token']),
      ['tok', 'tok'],
    );
    assert.equal(imds.requests[0]?.headers['x-aws-ec2-metadata-token-ttl-seconds'], '21600');
  });

  test('endpoint mode picks the default address', () => {
    assert.equal(defaultImdsEndpoint(undefined), 'http://169.254.169.254');
    assert.equal(defaultImdsEndpoint('IPv4'), 'http://169.254.169.254');
    assert.equal(defaultImdsEndpoint('IPv6'), 'http://[fd00:ec2::254]');
  });

  test('AWS_EC2_METADATA_SERVICE_ENDPOINT from the environment is used when not configured', async () => {
    tokenStatus = 200;
    imds.requests.length = 0;
    const clients = createAwsClients(baseOptions({ skipMetadataApiCheck: undefined }), {
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint, HOME: '/nonexistent' },
    });
    try {
      assert.equal((await clients.credentials()).source, 'EC2 instance metadata');
      assert.ok(imds.requests.length > 0);
    } finally {
      clients.destroy();
    }
  });

  test('AWS_EC2_METADATA_DISABLED=true disables IMDS when skip_metadata_api_check is unset', async () => {
    imds.requests.length = 0;
    const clients = createAwsClients(baseOptions({ skipMetadataApiCheck: undefined }), {
      env: {
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        HOME: '/nonexistent',
      },
    });
    try {
      await assert.rejects(
        clients.credentials(),
        (e: unknown) => isS3StateError(e, 'AWS') && e.message === 'No valid credential sources found',
      );
      assert.equal(imds.requests.length, 0);
    } finally {
      clients.destroy();
    }
  });

  test('skip_metadata_api_check = false beats AWS_EC2_METADATA_DISABLED', async () => {
    imds.requests.length = 0;
    const clients = createAwsClients(
      baseOptions({ skipMetadataApiCheck: false, ec2MetadataServiceEndpoint: imds.endpoint }),
      { env: { AWS_EC2_METADATA_DISABLED: 'true', HOME: '/nonexistent' } },
    );
    try {
      assert.equal((await clients.credentials()).accessKeyId, 'ASIAIMDSEXAMPLE00001');
    } finally {
      clients.destroy();
    }
  });
});
