import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { parseSavedBackend } from '../../src/config/read-terraform-dir.ts';
import { resolveBackendConfig } from '../../src/config/resolve-backend-config.ts';
import { startMoto, motoAvailable, type MotoServer } from '../harness/moto.ts';
import { runTerraform, terraformPath } from '../harness/terraform.ts';
import { tempDir } from '../harness/tmp.ts';
import { createLockTable } from '../harness/lock-table.ts';
import { s3BackendBlock } from '../harness/backend-block.ts';

const missing = !terraformPath() ? 'terraform' : !motoAvailable() ? 'moto_server' : undefined;
if (missing) console.log(`SKIPPED: ${missing} not found`);

const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

describe(
  'a directory initialised by the real terraform init resolves with no flags',
  { skip: missing ? `${missing} not found` : false },
  () => {
    let moto: MotoServer | undefined;
    let tmp: { path: string; cleanup: () => Promise<void> };

    before(async () => {
      moto = await startMoto();
      tmp = await tempDir('s3state-tfinit-');
      const common = {
        region: 'us-east-1',
        endpoint: moto!.endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      };
      const s3 = new S3Client({ ...common, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'tfinit-bucket' }));
      s3.destroy();
      const ddb = new DynamoDBClient(common);
      await createLockTable(ddb, 'tf-locks');
      ddb.destroy();
    });
    after(async () => {
      await moto?.close();
      await tmp?.cleanup();
    });

    async function tf(cwd: string, args: string[]): Promise<void> {
      const r = await runTerraform(args, { cwd, home: tmp.path, env: CREDS });
      assert.equal(r.code, 0, `terraform ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    }

    test('full block: bucket, key, region, lock table, endpoints and workspace match', async () => {
      const cwd = join(tmp.path, 'full');
      const ep = moto!.endpoint;
      await mkdir(cwd);
      await writeFile(
        join(cwd, 'main.tf'),
        s3BackendBlock({
          bucket: 'tfinit-bucket',
          key: 'apps/web/terraform.tfstate',
          dynamodbTable: 'tf-locks',
          workspaceKeyPrefix: 'ws',
          endpoints: { s3: ep, dynamodb: ep, sts: ep },
        }),
      );
      await tf(cwd, ['init', '-input=false', '-no-color']);
      await tf(cwd, ['workspace', 'new', '-no-color', 'staging']);
      const saved = parseSavedBackend(await readFile(join(cwd, '.terraform', 'terraform.tfstate'), 'utf8'));
      assert.equal(saved?.type, 's3');
      assert.match(saved?.hash ?? '', /^\d+$/);

      const r = await resolveBackendConfig({ cwd, env: {} });
      assert.equal(r.origin, 'terraform-dir');
      assert.equal(r.settings.bucket, 'tfinit-bucket');
      assert.equal(r.settings.key, 'apps/web/terraform.tfstate');
      assert.equal(r.settings.region, 'us-east-1');
      assert.equal(r.settings.dynamodbTable, 'tf-locks');
      assert.equal(r.settings.workspaceKeyPrefix, 'ws');
      assert.deepEqual(r.aws.endpoints, { s3: ep, dynamodb: ep, sts: ep });
      assert.equal(r.aws.usePathStyle, true);
      assert.deepEqual(r.workspace, {
        name: 'staging',
        source: { kind: 'terraform-dir', file: '.terraform/environment' },
      });
      // Terraform warns about dynamodb_table; s3state's terraform flavor says the same.
      const tfFlavor = await resolveBackendConfig({ cwd, env: {}, flavor: 'terraform' });
      assert.deepEqual(
        tfFlavor.diagnostics.map((d) => d.detail),
        ['The parameter "dynamodb_table" is deprecated. Use parameter "use_lockfile" instead.'],
      );
    });

    test('partial block completed by -backend-config at init time', async () => {
      const cwd = join(tmp.path, 'partial');
      const ep = moto!.endpoint;
      await mkdir(cwd);
      await writeFile(
        join(cwd, 'main.tf'),
        'terraform {\n  backend "s3" {\n    bucket = "tfinit-bucket"\n  }\n}\n',
      );
      await writeFile(
        join(cwd, 'dev.tfbackend'),
        `key = "dev/terraform.tfstate"\nregion = "us-east-1"\nuse_lockfile = true\nuse_path_style = true\nskip_credentials_validation = true\nskip_requesting_account_id = true\nskip_metadata_api_check = true\nendpoints = {\n  s3 = "${ep}"\n}\n`,
      );
      const args = ['dev.tfbackend', 'workspace_key_prefix=teams'];
      await tf(cwd, ['init', '-input=false', '-no-color', ...args.map((a) => `-backend-config=${a}`)]);
      const fromSaved = await resolveBackendConfig({ cwd, env: {} });
      const fromArgs = await resolveBackendConfig({ cwd, env: {}, backendConfig: args });
      assert.equal(fromSaved.origin, 'terraform-dir');
      assert.equal(fromArgs.origin, 'configuration');
      assert.deepEqual(fromSaved.settings, fromArgs.settings);
      assert.deepEqual(fromSaved.aws, fromArgs.aws);
      assert.equal(fromSaved.settings.key, 'dev/terraform.tfstate');
      assert.equal(fromSaved.settings.useLockfile, true);
      assert.equal(fromSaved.settings.workspaceKeyPrefix, 'teams');
      assert.deepEqual(fromSaved.workspace, { name: 'default', source: { kind: 'default' } });
      // The *.tf block (bucket only) agrees with the saved configuration: no warning.
      assert.deepEqual(fromSaved.diagnostics, []);
    });
  },
);
