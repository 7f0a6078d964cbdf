// Unit tests of S3Backend listing with a hand-made S3 double: AccessDenied in the middle of a
// listing is a policy outcome no local server can be told to produce on a chosen page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListObjectsV2Command, S3ServiceException } from '@aws-sdk/client-s3';
import { S3Backend } from './s3-backend.ts';
import type { S3Like } from '../remote/facades.ts';

const settings = {
  bucket: 'b',
  key: 'test/state',
  region: 'us-east-1',
  workspaceKeyPrefix: 'env:',
  useLockfile: false,
  encrypt: false,
  skipS3Checksum: false,
};

function denied(): S3ServiceException {
  return new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'Access Denied',
    $metadata: { httpStatusCode: 403, requestId: 'R' },
  });
}

/** Double: page 1 lists `env:/a/test/state`, page 2 is denied. Records each request's input. */
function accessDeniedDouble(inputs: unknown[]): S3Like {
  return {
    send: ((cmd: unknown) => {
      if (!(cmd instanceof ListObjectsV2Command)) throw new Error('unexpected command');
      inputs.push(cmd.input);
      if (cmd.input.ContinuationToken === undefined) {
        return Promise.resolve({
          Contents: [{ Key: 'env:/zz/test/state' }, { Key: 'env:/a/test/state' }],
          IsTruncated: true,
          NextContinuationToken: 't2',
        });
      }
      return Promise.reject(denied());
    }) as S3Like['send'],
  };
}

test('TestBackendRestrictedRoot (OpenTofu behaviour): AccessDenied stops the listing, keeps what was found, warns', async () => {
  const inputs: unknown[] = [];
  const warnings: string[] = [];
  const b = new S3Backend({
    settings,
    s3: accessDeniedDouble(inputs),
    reporter: (e) => warnings.push(e.message),
  });
  assert.deepEqual(await b.workspaces(), ['default', 'a', 'zz']);
  assert.deepEqual(inputs[0], { Bucket: 'b', Prefix: 'env:/', MaxKeys: 1000 });
  assert.equal(inputs.length, 2);
  assert.match(warnings.join('\n'), /Unable to list objects in S3 bucket "b" with prefix "env:\/"/);
});

test('deleting default is refused before any request', async () => {
  const inputs: unknown[] = [];
  const b = new S3Backend({ settings, s3: accessDeniedDouble(inputs) });
  await assert.rejects(b.deleteWorkspace('default'), /can't delete default state/);
  await assert.rejects(b.deleteWorkspace(''), /can't delete default state/);
  assert.equal(inputs.length, 0);
});

test('a backend with dynamodb_table needs a DynamoDB client', () => {
  assert.throws(
    () => new S3Backend({ settings: { ...settings, dynamodbTable: 't' }, s3: accessDeniedDouble([]) }),
    /no DynamoDB client/,
  );
});
