import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestStore, type TestStore } from '../harness/store.ts';
import { tempDir } from '../harness/tmp.ts';

const awsFound = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).status === 0;
if (!awsFound) console.log('SKIPPED: aws CLI not found');

describe(
  'store with the AWS CLI as a second real client',
  { skip: awsFound ? false : 'aws CLI not found' },
  () => {
    let t: TestStore;
    let tmp: { path: string; cleanup: () => Promise<void> };
    let home: string;
    before(async () => {
      t = await startTestStore();
      tmp = await tempDir('s3state-awscli-');
      home = join(tmp.path, 'home');
      await mkdir(home);
    });
    after(async () => {
      await t.close();
      await tmp.cleanup();
    });

    function aws(...args: string[]): Promise<string> {
      return new Promise((resolve, reject) => {
        execFile(
          'aws',
          ['--endpoint-url', t.endpoint, ...args],
          {
            env: {
              PATH: process.env.PATH ?? '',
              HOME: home,
              AWS_ACCESS_KEY_ID: 'test',
              AWS_SECRET_ACCESS_KEY: 'test',
              AWS_DEFAULT_REGION: 'us-east-1',
              AWS_EC2_METADATA_DISABLED: 'true',
              AWS_CONFIG_FILE: join(home, 'none'),
              AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
            },
            maxBuffer: 16 * 1024 * 1024,
          },
          (err, stdout, stderr) =>
            err ? reject(new Error(`aws ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
        );
      });
    }

    test('mb, multipart cp up and down (20 MB), ls, rm --recursive (DeleteObjects)', async () => {
      await aws('s3', 'mb', 's3://cli-bucket');
      const big = randomBytes(20 * 1000 * 1000);
      await writeFile(join(tmp.path, 'big.bin'), big);
      await aws('s3', 'cp', '--no-progress', join(tmp.path, 'big.bin'), 's3://cli-bucket/big.bin');
      const head = JSON.parse(
        await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'big.bin'),
      ) as {
        ETag: string;
        ContentLength: number;
      };
      assert.match(head.ETag, /-\d+"$/, 'the CLI uploaded it in parts');
      assert.equal(head.ContentLength, big.length);
      await aws('s3', 'cp', '--no-progress', 's3://cli-bucket/big.bin', join(tmp.path, 'back.bin'));
      assert.ok((await readFile(join(tmp.path, 'back.bin'))).equals(big));

      await mkdir(join(tmp.path, 'dir', 'sub'), { recursive: true });
      await writeFile(join(tmp.path, 'dir', 'a b.txt'), 'a');
      await writeFile(join(tmp.path, 'dir', 'sub', 'c+d.txt'), 'c');
      await aws('s3', 'cp', '--no-progress', '--recursive', join(tmp.path, 'dir'), 's3://cli-bucket/dir/');
      const listed = await aws('s3', 'ls', '--recursive', 's3://cli-bucket/dir/');
      assert.match(listed, /dir\/a b\.txt/);
      assert.match(listed, /dir\/sub\/c\+d\.txt/);
      await aws('s3', 'rm', '--recursive', 's3://cli-bucket/dir/');
      const left = JSON.parse(
        await aws(
          's3api',
          'list-objects-v2',
          '--bucket',
          'cli-bucket',
          '--prefix',
          'dir/',
          '--output',
          'json',
        ),
      ) as { Contents?: unknown[] };
      assert.equal(left.Contents, undefined);
    });

    test('s3api: versioning, conditional put, error codes as the CLI reports them', async () => {
      await aws(
        's3api',
        'put-bucket-versioning',
        '--bucket',
        'cli-bucket',
        '--versioning-configuration',
        'Status=Enabled',
      );
      const v = JSON.parse(await aws('s3api', 'get-bucket-versioning', '--bucket', 'cli-bucket')) as {
        Status: string;
      };
      assert.equal(v.Status, 'Enabled');
      await writeFile(join(tmp.path, 'lock.json'), '{"ID":"1"}');
      await aws(
        's3api',
        'put-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'x.tflock',
        '--body',
        join(tmp.path, 'lock.json'),
        '--if-none-match',
        '*',
      );
      await assert.rejects(
        aws(
          's3api',
          'put-object',
          '--bucket',
          'cli-bucket',
          '--key',
          'x.tflock',
          '--body',
          join(tmp.path, 'lock.json'),
          '--if-none-match',
          '*',
        ),
        /PreconditionFailed/,
      );
      await assert.rejects(
        aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'absent', join(tmp.path, 'o')),
        /NoSuchKey/,
      );
      await assert.rejects(aws('s3api', 'delete-bucket', '--bucket', 'cli-bucket'), /BucketNotEmpty/);
    });
  },
);
