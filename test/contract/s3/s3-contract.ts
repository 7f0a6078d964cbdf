/**
 * The S3 contract suite: one set of tests run against every S3 implementation (our store, moto_server,
 * s3rver, Ceph RGW). Each implementation file calls {@link defineS3Contract} once; one server is started
 * per file and every test works in its own uniquely named bucket.
 *
 * Where implementations disagree, Amazon's S3 API reference decides; each test names the page it follows.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { KNOWN_FAULTS, type FaultId } from './known-faults.ts';

/** Credentials of one S3 implementation. */
export interface ImplCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A running implementation. */
export interface RunningImpl {
  endpoint: string;
  credentials: ImplCredentials;
  close(): Promise<void>;
}

/** One S3 implementation under test. */
export interface S3Implementation {
  /** Short name used in test titles, e.g. `s3rver`. */
  name: string;
  /** Starts one server; `undefined` means the implementation is not installed (`skipReason` is printed). */
  start(): Promise<RunningImpl | undefined>;
  /** Printed as `SKIPPED: <skipReason>` when start() returns undefined, e.g. `moto_server not found`. */
  skipReason: string;
  /** Whether the implementation can be started here (checked before registering tests). */
  available(): boolean;
  /** The named deviations from Amazon S3 this implementation is known to have. */
  faults: readonly FaultId[];
}

type Outcome<T> =
  { ok: true; value: T } | { ok: false; status: number | undefined; code: string; message: string };

/** Runs a call and returns its value or the S3 error's HTTP status and code. */
async function attempt<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    const err = e as {
      name?: string;
      Code?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return {
      ok: false,
      status: err.$metadata?.httpStatusCode,
      code: err.Code ?? err.name ?? 'Error',
      message: err.message ?? String(e),
    };
  }
}

function describeOutcome(o: Outcome<unknown>): string {
  return o.ok ? 'success' : `HTTP ${o.status ?? '?'} ${o.code}: ${o.message}`;
}

/** Asserts that an outcome is an S3 error with the given status and (one of the) codes. */
function assertError(o: Outcome<unknown>, status: number, codes: string | string[], what: string): void {
  const want = Array.isArray(codes) ? codes : [codes];
  assert.ok(!o.ok, `${what}: expected HTTP ${status} ${want.join('|')}, got success`);
  assert.equal(o.status, status, `${what}: expected HTTP ${status}, got ${describeOutcome(o)}`);
  // HEAD errors carry no body, so the SDK can only name them after the status.
  if (want.length > 0) assert.ok(want.includes(o.code), `${what}: expected ${want.join('|')}, got ${o.code}`);
}

function assertOk<T>(o: Outcome<T>, what: string): T {
  if (!o.ok) assert.fail(`${what}: expected success, got ${describeOutcome(o)}`);
  return o.value;
}

const md5hex = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');
const md5b64 = (b: Buffer | string): string => createHash('md5').update(b).digest('base64');

/** Context handed to each contract test. */
export interface ContractContext {
  /** Client with default SDK settings plus path style and this implementation's credentials. */
  s3: S3Client;
  /** Creates a fresh, uniquely named bucket (versioned when asked) and returns its name. */
  bucket(opts?: { versioned?: boolean }): Promise<string>;
  /** A fresh unique bucket name that is not created. */
  name(): string;
  /** A client with some settings changed (e.g. region, credentials). */
  client(overrides: Partial<S3ClientConfig>): S3Client;
  endpoint: string;
  credentials: ImplCredentials;
  /**
   * Checks one behaviour that `fault` names: when the implementation does not declare `fault`, `aws`
   * must pass; when it does, the deviation must really happen (`faulty` passes, or `aws` fails).
   */
  /** Whether the implementation declares this fault (to pick which named deviation a check reports). */
  declares(fault: FaultId): boolean;
  expect(fault: FaultId, aws: () => Promise<void>, faulty?: () => Promise<boolean | void>): Promise<void>;
}

interface CaseOptions {
  /** Deviations this case can reveal (for the title and the check that declared faults were exercised). */
  faults?: FaultId[];
  /** A feature fault that makes the whole case impossible (the case is skipped, titled with the fault). */
  requires?: FaultId;
}

type CaseBody = (c: ContractContext) => Promise<void>;
interface Case {
  title: string;
  body: CaseBody;
  opts: CaseOptions;
}

const cases: Case[] = [];
function kase(title: string, opts: CaseOptions, body: CaseBody): void {
  cases.push({ title, body, opts });
}

const REGION = 'us-east-1';

/**
 * Registers the whole contract suite for one implementation (one `describe`, one server).
 */
export function defineS3Contract(impl: S3Implementation): void {
  const declared = new Set<FaultId>(impl.faults);
  const confirmed = new Set<FaultId>();
  const exercised = new Set<FaultId>();
  if (!impl.available()) {
    console.log(`SKIPPED: ${impl.skipReason}`);
    describe(`S3 contract [${impl.name}]`, () => {
      test(`[${impl.name}] contract suite`, { skip: impl.skipReason }, () => {});
    });
    return;
  }
  describe(`S3 contract [${impl.name}]`, () => {
    let running: RunningImpl | undefined;
    let s3: S3Client;
    let seq = 0;
    const run = randomBytes(3).toString('hex');
    const clients: S3Client[] = [];
    const makeClient = (overrides: Partial<S3ClientConfig> = {}): S3Client => {
      if (!running) throw new Error(`${impl.name} is not running`);
      const client = new S3Client({
        endpoint: running.endpoint,
        region: REGION,
        forcePathStyle: true,
        credentials: running.credentials,
        ...overrides,
      });
      clients.push(client);
      return client;
    };

    before(async () => {
      const t0 = performance.now();
      running = await impl.start();
      if (!running) throw new Error(`${impl.name} could not be started`);
      console.log(
        `[${impl.name}] server ready in ${Math.round(performance.now() - t0)} ms at ${running.endpoint}`,
      );
      s3 = makeClient();
    });

    after(async () => {
      for (const c of clients) c.destroy();
      await running?.close();
      const list = [...declared].map(
        (f) =>
          `${f} (${confirmed.has(f) ? 'observed' : exercised.has(f) ? 'not observed this run (intermittent)' : 'not exercised'})`,
      );
      console.log(
        `[${impl.name}] known faults (${declared.size}): ${list.length ? list.join('; ') : 'none'}`,
      );
    });

    for (const cs of cases) {
      if (cs.opts.requires && declared.has(cs.opts.requires)) {
        test(
          `[${impl.name}] ${cs.title}`,
          {
            skip: `KNOWN FAULT: ${KNOWN_FAULTS[cs.opts.requires]}`,
          },
          () => {},
        );
        continue;
      }
      const hit = (cs.opts.faults ?? []).filter((f) => declared.has(f));
      const title = hit.length
        ? `[${impl.name}] KNOWN FAULT: ${hit.map((f) => KNOWN_FAULTS[f]).join('; ')} (${cs.title})`
        : `[${impl.name}] ${cs.title}`;
      test(title, async () => {
        const checkedHere = new Set<FaultId>();
        const ctx: ContractContext = {
          s3,
          endpoint: running!.endpoint,
          credentials: running!.credentials,
          name: () => `ct-${run}-${++seq}-${randomBytes(2).toString('hex')}`,
          bucket: async (opts = {}) => {
            const name = ctx.name();
            assertOk(
              await attempt(() => s3.send(new CreateBucketCommand({ Bucket: name }))),
              `create ${name}`,
            );
            if (opts.versioned) {
              assertOk(
                await attempt(() =>
                  s3.send(
                    new PutBucketVersioningCommand({
                      Bucket: name,
                      VersioningConfiguration: { Status: 'Enabled' },
                    }),
                  ),
                ),
                `enable versioning on ${name}`,
              );
            }
            return name;
          },
          client: makeClient,
          declares: (f) => declared.has(f),
          expect: async (fault, aws, faulty) => {
            assert.ok(
              (cs.opts.faults ?? []).includes(fault),
              `test bug: "${cs.title}" checks ${fault} but does not list it`,
            );
            if (!declared.has(fault)) return aws();
            exercised.add(fault);
            checkedHere.add(fault);
            if (faulty) {
              // An intermittent fault's check returns false when the deviation did not show this time.
              if ((await faulty()) === false) return;
            } else {
              const r = await attempt(aws);
              assert.ok(
                !r.ok,
                `declared fault "${fault}" (${KNOWN_FAULTS[fault]}) no longer happens: remove it from ${impl.name}'s list`,
              );
            }
            confirmed.add(fault);
          },
        };
        await cs.body(ctx);
        for (const f of hit) {
          assert.ok(checkedHere.has(f), `declared fault ${f} was not exercised by "${cs.title}"`);
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Buckets
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html

kase('CreateBucket, HeadBucket and ListBuckets', {}, async (c) => {
  const name = await c.bucket();
  assertOk(await attempt(() => c.s3.send(new HeadBucketCommand({ Bucket: name }))), 'HeadBucket');
  const list = assertOk(await attempt(() => c.s3.send(new ListBucketsCommand({}))), 'ListBuckets');
  assert.ok(
    list.Buckets?.some((b) => b.Name === name),
    `ListBuckets should include ${name}`,
  );
  const missing = await attempt(() => c.s3.send(new HeadBucketCommand({ Bucket: c.name() })));
  assertError(missing, 404, ['NotFound', 'NoSuchBucket'], 'HeadBucket on a missing bucket');
});

// API_CreateBucket: LocationConstraint names the region; GetBucketLocation returns it
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
kase(
  'CreateBucket with LocationConstraint → GetBucketLocation returns it',
  { faults: ['locationConstraintRefused', 'locationConstraintIgnored'] },
  async (c) => {
    const eu = c.client({ region: 'eu-west-1' });
    const name = c.name();
    await c.expect('locationConstraintRefused', async () => {
      await eu.send(
        new CreateBucketCommand({
          Bucket: name,
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      );
    });
    if (c.declares('locationConstraintRefused')) return;
    await c.expect('locationConstraintIgnored', async () => {
      const loc = await eu.send(new GetBucketLocationCommand({ Bucket: name }));
      assert.equal(loc.LocationConstraint, 'eu-west-1');
    });
  },
);

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html → 400 InvalidBucketName
kase(
  'CreateBucket with invalid names → 400 InvalidBucketName',
  { faults: ['invalidBucketNameAccepted'] },
  async (c) => {
    await c.expect('invalidBucketNameAccepted', async () => {
      for (const bad of [
        'ab',
        'Upper-Case-Name',
        'under_score-bucket',
        '-leading-dash',
        '192.168.5.4',
        'a'.repeat(64),
      ]) {
        const r = await attempt(() => c.s3.send(new CreateBucketCommand({ Bucket: bad })));
        assertError(r, 400, 'InvalidBucketName', `CreateBucket ${JSON.stringify(bad)}`);
      }
    });
  },
);

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html — "All objects must be deleted
// before the bucket itself can be deleted"; ErrorResponses: BucketNotEmpty 409.
kase(
  'DeleteBucket: non-empty → 409 BucketNotEmpty; empty → deleted',
  { faults: ['bucketNotEmptyIgnored'] },
  async (c) => {
    const name = await c.bucket();
    await c.s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'x' }));
    await c.expect('bucketNotEmptyIgnored', async () => {
      const r = await attempt(() => c.s3.send(new DeleteBucketCommand({ Bucket: name })));
      assertError(r, 409, 'BucketNotEmpty', 'DeleteBucket on a non-empty bucket');
    });
    const head = await attempt(() => c.s3.send(new HeadBucketCommand({ Bucket: name })));
    if (head.ok) {
      await c.s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
      assertOk(
        await attempt(() => c.s3.send(new DeleteBucketCommand({ Bucket: name }))),
        'DeleteBucket (empty)',
      );
    }
    const gone = await attempt(() => c.s3.send(new HeadBucketCommand({ Bucket: name })));
    assertError(gone, 404, ['NotFound', 'NoSuchBucket'], 'HeadBucket after DeleteBucket');
  },
);

// ---------------------------------------------------------------------------------------------------
// Objects — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, API_GetObject.html

kase('PutObject/GetObject/HeadObject: body, Content-Type, metadata, ETag = MD5', {}, async (c) => {
  const b = await c.bucket();
  const body = '{"version": 4, "serial": 1}\n';
  const put = await c.s3.send(
    new PutObjectCommand({
      Bucket: b,
      Key: 'dir/state.json',
      Body: body,
      ContentType: 'application/json',
      Metadata: { owner: 'team-a', 'x-note': 'hello' },
    }),
  );
  assert.equal(put.ETag, `"${md5hex(body)}"`);
  const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/state.json' }));
  assert.equal(await got.Body?.transformToString(), body);
  assert.equal(got.ContentType, 'application/json');
  assert.equal(got.ETag, `"${md5hex(body)}"`);
  assert.deepEqual(got.Metadata, { owner: 'team-a', 'x-note': 'hello' });
  const head = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dir/state.json' }));
  assert.equal(head.ContentLength, Buffer.byteLength(body));
  assert.equal(head.ContentType, 'application/json');
  assert.equal(head.ETag, `"${md5hex(body)}"`);
  assert.deepEqual(head.Metadata, { owner: 'team-a', 'x-note': 'hello' });
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Range, RFC 9110 §14) → 206 + Content-Range
kase('GetObject with Range → 206 partial content', { faults: ['rangeSuffixUnsupported'] }, async (c) => {
  const b = await c.bucket();
  const body = '0123456789abcdef';
  await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'r', Body: body }));
  const mid = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=2-5' }));
  assert.equal(mid.$metadata.httpStatusCode, 206);
  assert.equal(await mid.Body?.transformToString(), '2345');
  assert.equal(mid.ContentRange, `bytes 2-5/${body.length}`);
  await c.expect('rangeSuffixUnsupported', async () => {
    const tail = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=-3' }));
    assert.equal(await tail.Body?.transformToString(), 'def');
  });
  const open = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=10-' }));
  assert.equal(await open.Body?.transformToString(), 'abcdef');
});

kase('missing key: GetObject → 404 NoSuchKey, HeadObject → 404; DeleteObject → 204 twice', {}, async (c) => {
  const b = await c.bucket();
  assertError(
    await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'nope' }))),
    404,
    'NoSuchKey',
    'GetObject missing',
  );
  assertError(
    await attempt(() => c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'nope' }))),
    404,
    ['NotFound', 'NoSuchKey'],
    'HeadObject missing',
  );
  await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'v' }));
  const d1 = await c.s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(d1.$metadata.httpStatusCode, 204);
  // API_DeleteObject: deleting a key that does not exist succeeds.
  const d2 = await c.s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(d2.$metadata.httpStatusCode, 204);
  assertError(
    await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }))),
    404,
    'NoSuchKey',
    'GetObject after delete',
  );
  assertError(
    await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: c.name(), Key: 'k' }))),
    404,
    'NoSuchBucket',
    'GetObject in a missing bucket',
  );
});

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html — MetadataDirective COPY (default) / REPLACE
kase(
  'CopyObject copies body and metadata; REPLACE sets new metadata',
  { faults: ['copyObjectEtagUnquoted'] },
  async (c) => {
    const b = await c.bucket();
    const body = 'copy me';
    await c.s3.send(
      new PutObjectCommand({
        Bucket: b,
        Key: 'src',
        Body: body,
        ContentType: 'text/plain',
        Metadata: { a: '1' },
      }),
    );
    const cp = await c.s3.send(new CopyObjectCommand({ Bucket: b, Key: 'dst', CopySource: `${b}/src` }));
    await c.expect('copyObjectEtagUnquoted', async () =>
      assert.equal(cp.CopyObjectResult?.ETag, `"${md5hex(body)}"`),
    );
    const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'dst' }));
    assert.equal(await got.Body?.transformToString(), body);
    assert.equal(got.ContentType, 'text/plain');
    assert.deepEqual(got.Metadata, { a: '1' });
    await c.s3.send(
      new CopyObjectCommand({
        Bucket: b,
        Key: 'dst2',
        CopySource: `${b}/src`,
        MetadataDirective: 'REPLACE',
        Metadata: { b: '2' },
        ContentType: 'application/octet-stream',
      }),
    );
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dst2' }));
    assert.deepEqual(head.Metadata, { b: '2' });
    assert.equal(head.ContentType, 'application/octet-stream');
  },
);

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html (multipart ETag
// = MD5 of the concatenated binary part MD5s, "-" number of parts).
kase(
  'multipart upload: create, upload parts, list parts, complete → ETag "md5-N"',
  { faults: ['multipartEtagNotAws', 'completeMultipartEtagMissing', 'multipartListingUnsupported'] },
  async (c) => {
    const b = await c.bucket();
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1234);
    const mp = await c.s3.send(
      new CreateMultipartUploadCommand({ Bucket: b, Key: 'big', ContentType: 'application/octet-stream' }),
    );
    const uploadId = mp.UploadId!;
    assert.ok(uploadId, 'UploadId');
    const u1 = await c.s3.send(
      new UploadPartCommand({ Bucket: b, Key: 'big', UploadId: uploadId, PartNumber: 1, Body: part1 }),
    );
    const u2 = await c.s3.send(
      new UploadPartCommand({ Bucket: b, Key: 'big', UploadId: uploadId, PartNumber: 2, Body: part2 }),
    );
    assert.equal(u1.ETag, `"${md5hex(part1)}"`);
    assert.equal(u2.ETag, `"${md5hex(part2)}"`);
    await c.expect('multipartListingUnsupported', async () => {
      const parts = await c.s3.send(new ListPartsCommand({ Bucket: b, Key: 'big', UploadId: uploadId }));
      assert.deepEqual(
        parts.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
        [
          [1, u1.ETag, part1.length],
          [2, u2.ETag, part2.length],
        ],
      );
    });
    const done = await c.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: b,
        Key: 'big',
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: u1.ETag },
            { PartNumber: 2, ETag: u2.ETag },
          ],
        },
      }),
    );
    const want = `"${createHash('md5')
      .update(
        Buffer.concat([createHash('md5').update(part1).digest(), createHash('md5').update(part2).digest()]),
      )
      .digest('hex')}-2"`;
    await c.expect('multipartEtagNotAws', async () => {
      const head = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'big' }));
      assert.equal(head.ETag, want);
    });
    if (!c.declares('multipartEtagNotAws')) {
      await c.expect('completeMultipartEtagMissing', async () => assert.equal(done.ETag, want));
    }
    const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'big' }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    assert.equal(bytes.length, part1.length + part2.length);
    assert.ok(bytes.equals(Buffer.concat([part1, part2])), 'completed object = part1 + part2');
  },
);

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html → later ListParts: 404 NoSuchUpload
kase(
  'multipart abort: upload disappears from ListMultipartUploads; ListParts → 404 NoSuchUpload',
  { faults: ['multipartListingUnsupported', 'multipartAbortUnsupported', 'listPartsAfterAbortWrongCode'] },
  async (c) => {
    const b = await c.bucket();
    const mp = await c.s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'gone' }));
    const uploadId = mp.UploadId!;
    await c.s3.send(
      new UploadPartCommand({ Bucket: b, Key: 'gone', UploadId: uploadId, PartNumber: 1, Body: 'tiny' }),
    );
    await c.expect('multipartListingUnsupported', async () => {
      const before = await c.s3.send(new ListMultipartUploadsCommand({ Bucket: b }));
      assert.ok(
        before.Uploads?.some((u) => u.UploadId === uploadId),
        'upload listed before abort',
      );
    });
    await c.expect('multipartAbortUnsupported', async () => {
      await c.s3.send(new AbortMultipartUploadCommand({ Bucket: b, Key: 'gone', UploadId: uploadId }));
    });
    if (c.declares('multipartAbortUnsupported')) return;
    if (!c.declares('multipartListingUnsupported')) {
      const after = await c.s3.send(new ListMultipartUploadsCommand({ Bucket: b }));
      assert.ok(!after.Uploads?.some((u) => u.UploadId === uploadId), 'upload not listed after abort');
      const r = await attempt(() =>
        c.s3.send(new ListPartsCommand({ Bucket: b, Key: 'gone', UploadId: uploadId })),
      );
      await c.expect('listPartsAfterAbortWrongCode', async () =>
        assertError(r, 404, 'NoSuchUpload', 'ListParts after abort'),
      );
    }
    assertError(
      await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'gone' }))),
      404,
      'NoSuchKey',
      'GetObject of an aborted upload',
    );
  },
);

// ---------------------------------------------------------------------------------------------------
// ListObjectsV2 — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html

async function putKeys(c: ContractContext, b: string, keys: string[]): Promise<void> {
  await Promise.all(keys.map((Key) => c.s3.send(new PutObjectCommand({ Bucket: b, Key, Body: Key }))));
}

// KeyCount counts keys and common prefixes (API_ListObjectsV2.html, "KeyCount").
kase(
  'ListObjectsV2 with Prefix and Delimiter → Contents and CommonPrefixes',
  { faults: ['keyCountExcludesCommonPrefixes', 'sigv4EncodedQueryRejected'] },
  async (c) => {
    const b = await c.bucket();
    const probe = await attempt(async () => {
      await putKeys(c, b, [
        'env:/a/terraform.tfstate',
        'env:/b/terraform.tfstate',
        'env:/top',
        'other/x',
        'root',
      ]);
      return c.s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'env:/', Delimiter: '/' }));
    });
    await c.expect('sigv4EncodedQueryRejected', async () => {
      assertOk(probe, 'PUT env:/… keys and ListObjectsV2 prefix=env:/ (percent-encoded)');
    });
    if (c.declares('sigv4EncodedQueryRejected')) return;
    const r = await c.s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'env:/', Delimiter: '/' }));
    assert.deepEqual(
      r.Contents?.map((o) => o.Key),
      ['env:/top'],
    );
    assert.deepEqual(
      r.CommonPrefixes?.map((p) => p.Prefix),
      ['env:/a/', 'env:/b/'],
    );
    await c.expect('keyCountExcludesCommonPrefixes', async () => assert.equal(r.KeyCount, 3));
    const all = await c.s3.send(new ListObjectsV2Command({ Bucket: b }));
    assert.deepEqual(
      all.Contents?.map((o) => o.Key),
      ['env:/a/terraform.tfstate', 'env:/b/terraform.tfstate', 'env:/top', 'other/x', 'root'],
    );
    const one = all.Contents?.find((o) => o.Key === 'root');
    assert.equal(one?.Size, 4);
    assert.equal(one?.ETag, `"${md5hex('root')}"`);
  },
);

kase('ListObjectsV2 StartAfter', { faults: ['startAfterIgnored'] }, async (c) => {
  const b = await c.bucket();
  await putKeys(c, b, ['a', 'b', 'c', 'd']);
  await c.expect('startAfterIgnored', async () => {
    const r = await c.s3.send(new ListObjectsV2Command({ Bucket: b, StartAfter: 'b' }));
    assert.deepEqual(
      r.Contents?.map((o) => o.Key),
      ['c', 'd'],
    );
  });
});

kase(
  'ListObjectsV2 MaxKeys + ContinuationToken pages through every key once',
  { faults: ['listPaginationBroken', 'sigv4EncodedQueryRejected'] },
  async (c) => {
    const b = await c.bucket();
    const keys = Array.from({ length: 7 }, (_, i) => `k/${String(i).padStart(2, '0')}`);
    await putKeys(c, b, keys);
    const probe = await attempt(() => c.s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'k/' })));
    await c.expect('sigv4EncodedQueryRejected', async () => {
      assertOk(probe, 'ListObjectsV2 prefix=k/ (percent-encoded in the query)');
    });
    if (c.declares('sigv4EncodedQueryRejected')) return;
    await c.expect('listPaginationBroken', async () => {
      const seen: string[] = [];
      const pages: number[] = [];
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const r = await c.s3.send(
          new ListObjectsV2Command({
            Bucket: b,
            Prefix: 'k/',
            MaxKeys: 3,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        pages.push(r.Contents?.length ?? 0);
        seen.push(...(r.Contents ?? []).map((o) => o.Key!));
        if (!r.IsTruncated) break;
        assert.ok(r.NextContinuationToken, 'truncated page has NextContinuationToken');
        token = r.NextContinuationToken;
      }
      assert.deepEqual(pages, [3, 3, 1]);
      assert.deepEqual(seen, keys);
    });
  },
);

// ---------------------------------------------------------------------------------------------------
// Conditional writes — https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
// ("If-None-Match: *" fails with 412 Precondition Failed when the key exists; concurrent conditional
// writes may see 409 ConditionalRequestConflict), API_PutObject.html (If-Match), API_DeleteObject.html (If-Match).

kase(
  'PutObject If-None-Match: * — new key 200, existing key → 412 PreconditionFailed',
  { faults: ['ifNoneMatchIgnored'] },
  async (c) => {
    const b = await c.bucket();
    assertOk(
      await attempt(() =>
        c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'lock', Body: 'first', IfNoneMatch: '*' })),
      ),
      'first conditional put',
    );
    const second = await attempt(() =>
      c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'lock', Body: 'second', IfNoneMatch: '*' })),
    );
    await c.expect(
      'ifNoneMatchIgnored',
      async () => {
        assertError(second, 412, 'PreconditionFailed', 'second If-None-Match put');
        const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'lock' }));
        assert.equal(await got.Body?.transformToString(), 'first');
      },
      async () => {
        assert.ok(second.ok, `expected the deviation (second put succeeds), got ${describeOutcome(second)}`);
        const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'lock' }));
        assert.equal(await got.Body?.transformToString(), 'second');
      },
    );
  },
);

kase(
  'PutObject If-None-Match: * in a versioned bucket → 412 PreconditionFailed',
  { faults: ['ifNoneMatchIgnoredVersioned', 'ifNoneMatchIgnored'], requires: 'versioningUnsupported' },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'lock', Body: 'first', IfNoneMatch: '*' }));
    const second = await attempt(() =>
      c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'lock', Body: 'second', IfNoneMatch: '*' })),
    );
    const fault = (['ifNoneMatchIgnored', 'ifNoneMatchIgnoredVersioned'] as const).find((f) => c.declares(f));
    await c.expect(
      fault ?? 'ifNoneMatchIgnoredVersioned',
      async () => assertError(second, 412, 'PreconditionFailed', 'second If-None-Match put (versioned)'),
      async () =>
        assert.ok(second.ok, `expected the deviation (second put succeeds), got ${describeOutcome(second)}`),
    );
  },
);

kase(
  'PutObject If-Match: wrong ETag → 412, correct ETag → 200',
  { faults: ['ifMatchIgnored', 'ifMatchCorrectEtagRefused'] },
  async (c) => {
    const b = await c.bucket();
    const put = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'obj', Body: 'v1' }));
    const wrong = await attempt(() =>
      c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'obj', Body: 'v2', IfMatch: `"${md5hex('other')}"` })),
    );
    await c.expect(
      'ifMatchIgnored',
      async () => assertError(wrong, 412, 'PreconditionFailed', 'If-Match with a wrong ETag'),
      async () => assert.ok(wrong.ok, `expected the deviation (put succeeds), got ${describeOutcome(wrong)}`),
    );
    const current = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'obj' }));
    assert.ok(put.ETag);
    const right = await attempt(() =>
      c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'obj', Body: 'v3', IfMatch: current.ETag! })),
    );
    await c.expect(
      'ifMatchCorrectEtagRefused',
      async () => {
        assertOk(right, 'If-Match with the current ETag');
      },
      async () => assertError(right, 412, 'PreconditionFailed', 'If-Match with the current ETag (deviation)'),
    );
  },
);

kase(
  'DeleteObject If-Match: wrong ETag → 412, object kept',
  { faults: ['conditionalDeleteIgnored'] },
  async (c) => {
    const b = await c.bucket();
    await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'obj', Body: 'keep' }));
    const del = await attempt(() =>
      c.s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'obj', IfMatch: `"${md5hex('other')}"` })),
    );
    await c.expect(
      'conditionalDeleteIgnored',
      async () => {
        assertError(del, 412, 'PreconditionFailed', 'DeleteObject with a wrong If-Match');
        const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'obj' }));
        assert.equal(await got.Body?.transformToString(), 'keep');
      },
      async () => {
        assert.ok(del.ok, `expected the deviation (delete succeeds), got ${describeOutcome(del)}`);
      },
    );
  },
);

/** 16 concurrent `If-None-Match: *` puts on one key, 10 rounds; returns the winner count per round. */
async function race(c: ContractContext, b: string): Promise<{ winners: number[]; losers: string[] }> {
  const winners: number[] = [];
  const losers = new Set<string>();
  for (let round = 0; round < 10; round++) {
    const key = `race/${round}.tflock`;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        attempt(() =>
          c.s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: `writer ${i}`, IfNoneMatch: '*' })),
        ),
      ),
    );
    winners.push(results.filter((r) => r.ok).length);
    for (const r of results) if (!r.ok) losers.add(`${r.status ?? '?'} ${r.code}`);
    // The stored body is the winner's.
    const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: key }));
    const body = (await got.Body?.transformToString()) ?? '';
    assert.match(body, /^writer \d+$/);
  }
  return { winners, losers: [...losers] };
}

/**
 * A declared intermittent race fault: every round must still have a winner; rounds with several
 * winners are the fault showing (reported, not required, since it depends on timing).
 */
async function intermittentRace(c: ContractContext, winners: number[], losers: string[]): Promise<void> {
  for (const l of losers) assert.match(l, RACE_LOSER);
  await c.expect(
    'raceNotAtomic',
    async () => assert.deepEqual(winners, Array(10).fill(1), `winners per round: ${winners.join(',')}`),
    async () => {
      assert.ok(
        winners.every((w) => w >= 1),
        `a round without a winner: ${winners.join(',')}`,
      );
      const bad = winners.filter((w) => w > 1).length;
      console.log(`raceNotAtomic: ${bad}/10 rounds had several winners (${winners.join(',')})`);
      return bad > 0;
    },
  );
}

// Losers get 412 PreconditionFailed or 409 ConditionalRequestConflict (conditional-writes.html).
const RACE_LOSER = /^(412 PreconditionFailed|409 ConditionalRequestConflict)$/;

kase(
  'race: 16 concurrent If-None-Match: * puts → exactly one winner, 10/10 rounds',
  { faults: ['ifNoneMatchIgnored', 'raceNotAtomic'] },
  async (c) => {
    const b = await c.bucket();
    const { winners, losers } = await race(c, b);
    if (c.declares('raceNotAtomic')) return intermittentRace(c, winners, losers);
    await c.expect(
      'ifNoneMatchIgnored',
      async () => {
        assert.deepEqual(winners, Array(10).fill(1), `winners per round: ${winners.join(',')}`);
        for (const l of losers) assert.match(l, RACE_LOSER);
      },
      async () =>
        assert.ok(
          winners.some((w) => w > 1),
          `expected several winners in some round, got ${winners.join(',')}`,
        ),
    );
  },
);

kase(
  'race in a versioned bucket: exactly one winner, 10/10 rounds',
  {
    faults: ['ifNoneMatchIgnoredVersioned', 'ifNoneMatchIgnored', 'raceNotAtomic'],
    requires: 'versioningUnsupported',
  },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    const { winners, losers } = await race(c, b);
    if (c.declares('raceNotAtomic')) return intermittentRace(c, winners, losers);
    const fault = (['ifNoneMatchIgnored', 'ifNoneMatchIgnoredVersioned'] as const).find((f) => c.declares(f));
    await c.expect(
      fault ?? 'ifNoneMatchIgnoredVersioned',
      async () => {
        assert.deepEqual(winners, Array(10).fill(1), `winners per round: ${winners.join(',')}`);
        for (const l of losers) assert.match(l, RACE_LOSER);
      },
      async () =>
        assert.ok(
          winners.some((w) => w > 1),
          `expected several winners in some round, got ${winners.join(',')}`,
        ),
    );
  },
);

// ---------------------------------------------------------------------------------------------------
// Versioning — https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html,
// API_PutBucketVersioning.html, API_ListObjectVersions.html, DeleteMarker.html

kase(
  'versioning: new bucket unversioned, Enable, Suspend',
  { faults: ['versioningUnsupported'] },
  async (c) => {
    const b = await c.bucket();
    await c.expect('versioningUnsupported', async () => {
      const initial = await c.s3.send(new GetBucketVersioningCommand({ Bucket: b }));
      assert.equal(initial.Status, undefined, 'a new bucket has no versioning status');
      await c.s3.send(
        new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      assert.equal((await c.s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Enabled');
      await c.s3.send(
        new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }),
      );
      assert.equal((await c.s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Suspended');
    });
  },
);

kase(
  'versioning: each PUT gets a version id; GET by VersionId returns that version',
  { requires: 'versioningUnsupported' },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    const v1 = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 's', Body: 'one' }));
    const v2 = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 's', Body: 'two' }));
    assert.ok(v1.VersionId && v2.VersionId, 'PutObject returns VersionId');
    assert.notEqual(v1.VersionId, 'null');
    assert.notEqual(v1.VersionId, v2.VersionId);
    const old = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 's', VersionId: v1.VersionId }));
    assert.equal(await old.Body?.transformToString(), 'one');
    assert.equal(old.VersionId, v1.VersionId);
    const cur = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 's' }));
    assert.equal(await cur.Body?.transformToString(), 'two');
    assert.equal(cur.VersionId, v2.VersionId);
  },
);

kase(
  'versioning: DELETE without version id adds a delete marker; GET → 404; old versions kept',
  { requires: 'versioningUnsupported' },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    const v1 = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 's', Body: 'one' }));
    const del = await c.s3.send(new DeleteObjectCommand({ Bucket: b, Key: 's' }));
    assert.equal(del.DeleteMarker, true, 'DeleteObject reports DeleteMarker');
    assert.ok(del.VersionId, 'delete marker has a version id');
    assertError(
      await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 's' }))),
      404,
      'NoSuchKey',
      'GET after delete marker',
    );
    const old = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 's', VersionId: v1.VersionId }));
    assert.equal(await old.Body?.transformToString(), 'one');
    const vs = await c.s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 's' }));
    assert.deepEqual(
      vs.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest]),
      [['s', del.VersionId, true]],
    );
    assert.deepEqual(
      vs.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]),
      [['s', v1.VersionId, false]],
    );
    const list = await c.s3.send(new ListObjectsV2Command({ Bucket: b }));
    assert.equal(list.KeyCount ?? 0, 0, 'a key behind a delete marker is not listed');
  },
);

kase(
  'versioning: DELETE of a specific version removes only it; the previous one becomes current',
  { requires: 'versioningUnsupported' },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    const v1 = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 's', Body: 'one' }));
    const v2 = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 's', Body: 'two' }));
    const del = await c.s3.send(new DeleteObjectCommand({ Bucket: b, Key: 's', VersionId: v2.VersionId }));
    assert.equal(del.VersionId, v2.VersionId);
    assert.notEqual(del.DeleteMarker, true);
    const cur = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 's' }));
    assert.equal(await cur.Body?.transformToString(), 'one');
    assert.equal(cur.VersionId, v1.VersionId);
    assertError(
      await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 's', VersionId: v2.VersionId }))),
      404,
      ['NoSuchVersion', 'NoSuchKey'],
      'GET of a deleted version',
    );
    const vs = await c.s3.send(new ListObjectVersionsCommand({ Bucket: b }));
    assert.deepEqual(
      vs.Versions?.map((v) => v.VersionId),
      [v1.VersionId],
    );
  },
);

// API_ListObjectVersions: MaxKeys, KeyMarker/VersionIdMarker, NextKeyMarker/NextVersionIdMarker; versions of
// one key are listed newest first.
kase(
  'ListObjectVersions paginates with MaxKeys and markers, newest version first',
  { faults: ['listVersionsPaginationBroken'], requires: 'versioningUnsupported' },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    const ids: [string, string][] = [];
    for (const key of ['a', 'b']) {
      for (let i = 0; i < 3; i++) {
        const r = await c.s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: `${key}${i}` }));
        ids.push([key, r.VersionId!]);
      }
    }
    const want = [...ids.slice(0, 3).reverse(), ...ids.slice(3).reverse()];
    await c.expect('listVersionsPaginationBroken', async () => {
      const seen: [string, string][] = [];
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const r = await c.s3.send(
          new ListObjectVersionsCommand({
            Bucket: b,
            MaxKeys: 2,
            ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
            ...(versionMarker !== undefined ? { VersionIdMarker: versionMarker } : {}),
          }),
        );
        seen.push(...(r.Versions ?? []).map((v): [string, string] => [v.Key!, v.VersionId!]));
        assert.ok((r.Versions?.length ?? 0) <= 2, 'page respects MaxKeys');
        if (!r.IsTruncated) break;
        keyMarker = r.NextKeyMarker;
        versionMarker = r.NextVersionIdMarker;
      }
      assert.deepEqual(seen, want);
    });
  },
);

kase(
  'versioning suspended: new PUT gets version id "null"',
  { requires: 'versioningUnsupported' },
  async (c) => {
    const b = await c.bucket({ versioned: true });
    await c.s3.send(
      new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 's', Body: 'x' }));
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 's' }));
    assert.ok(head.VersionId === 'null' || head.VersionId === undefined, `VersionId ${head.VersionId}`);
    const vs = await c.s3.send(new ListObjectVersionsCommand({ Bucket: b }));
    assert.deepEqual(
      vs.Versions?.map((v) => v.VersionId),
      ['null'],
    );
  },
);

// ---------------------------------------------------------------------------------------------------
// Server-side encryption — https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html,
// UsingKMSEncryption.html, ServerSideEncryptionCustomerKeys.html ("If you don't provide the encryption key …
// the request fails": GET without key → 400 Bad Request, wrong key → 403 Forbidden).

kase('SSE-S3: AES256 echoed by PutObject and HeadObject', { faults: ['sseS3NotEchoed'] }, async (c) => {
  const b = await c.bucket();
  const put = await c.s3.send(
    new PutObjectCommand({ Bucket: b, Key: 'e', Body: 'x', ServerSideEncryption: 'AES256' }),
  );
  await c.expect('sseS3NotEchoed', async () => {
    assert.equal(put.ServerSideEncryption, 'AES256');
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'e' }));
    assert.equal(head.ServerSideEncryption, 'AES256');
  });
});

kase('SSE-KMS: aws:kms and key id echoed', { faults: ['sseKmsNotEchoed', 'sseKmsRefused'] }, async (c) => {
  const b = await c.bucket();
  const keyId = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  const put = await attempt(() =>
    c.s3.send(
      new PutObjectCommand({
        Bucket: b,
        Key: 'k',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: keyId,
      }),
    ),
  );
  await c.expect('sseKmsRefused', async () => {
    assertOk(put, 'PUT with SSE-KMS');
  });
  if (c.declares('sseKmsRefused') || !put.ok) return;
  await c.expect('sseKmsNotEchoed', async () => {
    assert.equal(put.value.ServerSideEncryption, 'aws:kms');
    assert.equal(put.value.SSEKMSKeyId, keyId);
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'k' }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, keyId);
  });
  const got = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(await got.Body?.transformToString(), 'x');
});

kase(
  'SSE-C: key MD5 echoed; GET without key → 400, wrong key → 403, right key → body',
  { faults: ['sseCIgnored', 'sseCNotEnforced', 'sseCWrongErrors'] },
  async (c) => {
    const b = await c.bucket();
    const key = randomBytes(32);
    const other = randomBytes(32);
    const ssec = (k: Buffer) => ({
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: k.toString('base64'),
      SSECustomerKeyMD5: md5b64(k),
    });
    const put = await c.s3.send(
      new PutObjectCommand({ Bucket: b, Key: 'c', Body: 'secret-state', ...ssec(key) }),
    );
    const right = await c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'c', ...ssec(key) }));
    assert.equal(await right.Body?.transformToString(), 'secret-state');
    const without = await attempt(() => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'c' })));
    const wrong = await attempt(() =>
      c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'c', ...ssec(other) })),
    );
    await c.expect(
      'sseCIgnored',
      async () => {
        assert.equal(put.SSECustomerAlgorithm, 'AES256');
        assert.equal(put.SSECustomerKeyMD5, md5b64(key));
        assert.equal(right.SSECustomerKeyMD5, md5b64(key));
      },
      async () => {
        assert.equal(put.SSECustomerKeyMD5, undefined, 'deviation: key MD5 not echoed');
        assert.ok(without.ok, `deviation: GET without key succeeds, got ${describeOutcome(without)}`);
      },
    );
    if (c.declares('sseCIgnored')) return;
    await c.expect(
      'sseCNotEnforced',
      async () => {
        assert.ok(!without.ok, 'GET without the SSE-C key must fail');
        assert.ok(!wrong.ok, 'GET with a wrong SSE-C key must fail');
      },
      async () =>
        assert.ok(
          without.ok,
          `expected the deviation (GET without key succeeds), got ${describeOutcome(without)}`,
        ),
    );
    if (c.declares('sseCNotEnforced')) return;
    await c.expect('sseCWrongErrors', async () => {
      assertError(without, 400, [], 'GET without the SSE-C key');
      assertError(wrong, 403, [], 'GET with a wrong SSE-C key');
    });
  },
);

// ---------------------------------------------------------------------------------------------------
// Integrity — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (Content-MD5 → BadDigest),
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html (x-amz-checksum-*).

kase(
  'Content-MD5 mismatch → 400 BadDigest, nothing stored',
  { faults: ['contentMd5NotChecked'] },
  async (c) => {
    const b = await c.bucket();
    const r = await attempt(() =>
      c.s3.send(
        new PutObjectCommand({ Bucket: b, Key: 'm', Body: 'actual body', ContentMD5: md5b64('other body') }),
      ),
    );
    await c.expect('contentMd5NotChecked', async () => {
      assertError(r, 400, 'BadDigest', 'PUT with a wrong Content-MD5');
      assertError(
        await attempt(() => c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'm' }))),
        404,
        ['NotFound', 'NoSuchKey'],
        'HEAD after refused PUT',
      );
    });
    const ok = await attempt(() =>
      c.s3.send(
        new PutObjectCommand({
          Bucket: b,
          Key: 'm2',
          Body: 'actual body',
          ContentMD5: md5b64('actual body'),
        }),
      ),
    );
    assertOk(ok, 'PUT with the right Content-MD5');
  },
);

kase(
  'x-amz-checksum-sha256 mismatch → 400 BadDigest / XAmzContentChecksumMismatch',
  { faults: ['checksumNotChecked'] },
  async (c) => {
    const b = await c.bucket();
    const wrong = createHash('sha256').update('other body').digest('base64');
    const r = await attempt(() =>
      c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'm', Body: 'actual body', ChecksumSHA256: wrong })),
    );
    await c.expect('checksumNotChecked', async () =>
      assertError(
        r,
        400,
        ['BadDigest', 'XAmzContentChecksumMismatch'],
        'PUT with a wrong x-amz-checksum-sha256',
      ),
    );
    const right = createHash('sha256').update('actual body').digest('base64');
    assertOk(
      await attempt(() =>
        c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'm2', Body: 'actual body', ChecksumSHA256: right })),
      ),
      'PUT with the right checksum',
    );
  },
);

// ---------------------------------------------------------------------------------------------------
// Bucket settings — API_PutBucketEncryption.html, API_PutPublicAccessBlock.html, API_PutBucketPolicy.html,
// API_PutBucketTagging.html, API_PutBucketOwnershipControls.html, API_PutBucketLifecycleConfiguration.html

kase('bucket default encryption: put/get', { faults: ['bucketEncryptionUnsupported'] }, async (c) => {
  const b = await c.bucket();
  await c.expect('bucketEncryptionUnsupported', async () => {
    await c.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: b,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }),
    );
    const got = await c.s3.send(new GetBucketEncryptionCommand({ Bucket: b }));
    assert.equal(
      got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      'AES256',
    );
  });
});

kase(
  'public access block: put/get/delete, writes still allowed',
  {
    faults: ['publicAccessBlockUnsupported', 'publicAccessBlockDeniesWrites', 'publicAccessBlockNotDeleted'],
  },
  async (c) => {
    const b = await c.bucket();
    const cfg = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    await c.expect('publicAccessBlockUnsupported', async () => {
      await c.s3.send(new PutPublicAccessBlockCommand({ Bucket: b, PublicAccessBlockConfiguration: cfg }));
      const got = await c.s3.send(new GetPublicAccessBlockCommand({ Bucket: b }));
      assert.deepEqual(got.PublicAccessBlockConfiguration, cfg);
    });
    if (c.declares('publicAccessBlockUnsupported')) return;
    // A private write is not public: the block must not refuse it.
    await c.expect('publicAccessBlockDeniesWrites', async () => {
      assertOk(
        await attempt(() => c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }))),
        'PUT',
      );
    });
    await c.s3.send(new DeletePublicAccessBlockCommand({ Bucket: b }));
    const gone = await attempt(() => c.s3.send(new GetPublicAccessBlockCommand({ Bucket: b })));
    await c.expect('publicAccessBlockNotDeleted', async () =>
      assertError(gone, 404, 'NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock after delete'),
    );
  },
);

kase(
  'bucket policy: put/get/delete → NoSuchBucketPolicy',
  { faults: ['bucketPolicyUnsupported'] },
  async (c) => {
    const b = await c.bucket();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecure',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    await c.expect('bucketPolicyUnsupported', async () => {
      await c.s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: JSON.stringify(policy) }));
      const got = await c.s3.send(new GetBucketPolicyCommand({ Bucket: b }));
      assert.deepEqual(JSON.parse(got.Policy ?? '{}'), policy);
      await c.s3.send(new DeleteBucketPolicyCommand({ Bucket: b }));
      assertError(
        await attempt(() => c.s3.send(new GetBucketPolicyCommand({ Bucket: b }))),
        404,
        'NoSuchBucketPolicy',
        'GetBucketPolicy after delete',
      );
    });
  },
);

kase('bucket tagging: put/get/delete → NoSuchTagSet', { faults: ['bucketTaggingUnsupported'] }, async (c) => {
  const b = await c.bucket();
  await c.expect('bucketTaggingUnsupported', async () => {
    const TagSet = [
      { Key: 'team', Value: 'platform' },
      { Key: 'purpose', Value: 'tfstate' },
    ];
    await c.s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet } }));
    const got = await c.s3.send(new GetBucketTaggingCommand({ Bucket: b }));
    const sort = (t: { Key?: string | undefined; Value?: string | undefined }[]) =>
      [...t].sort((x, y) => (x.Key! < y.Key! ? -1 : 1));
    assert.deepEqual(sort(got.TagSet ?? []), sort(TagSet));
    await c.s3.send(new DeleteBucketTaggingCommand({ Bucket: b }));
    assertError(
      await attempt(() => c.s3.send(new GetBucketTaggingCommand({ Bucket: b }))),
      404,
      'NoSuchTagSet',
      'GetBucketTagging after delete',
    );
  });
});

kase(
  'ownership controls: put/get BucketOwnerEnforced',
  { faults: ['ownershipControlsUnsupported'] },
  async (c) => {
    const b = await c.bucket();
    await c.expect('ownershipControlsUnsupported', async () => {
      await c.s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: b,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        }),
      );
      const got = await c.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: b }));
      assert.equal(got.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'BucketOwnerEnforced');
    });
  },
);

kase(
  'lifecycle: put/get a noncurrent-version expiration rule',
  { faults: ['lifecycleUnsupported'] },
  async (c) => {
    const b = await c.bucket();
    await c.expect('lifecycleUnsupported', async () => {
      await c.s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: b,
          LifecycleConfiguration: {
            Rules: [
              {
                ID: 'expire-old-states',
                Status: 'Enabled',
                Filter: { Prefix: 'env:/' },
                NoncurrentVersionExpiration: { NoncurrentDays: 90 },
              },
            ],
          },
        }),
      );
      const got = await c.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b }));
      const rule = got.Rules?.[0];
      assert.equal(rule?.ID, 'expire-old-states');
      assert.equal(rule?.Status, 'Enabled');
      assert.equal(rule?.NoncurrentVersionExpiration?.NoncurrentDays, 90);
    });
  },
);

// API_PutObject.html (x-amz-tagging, URL-encoded query), API_PutObjectTagging.html (replaces the set)
kase(
  'object tagging: x-amz-tagging on PUT, GetObjectTagging, PutObjectTagging replaces',
  { faults: ['objectTaggingUnsupported'] },
  async (c) => {
    const b = await c.bucket();
    await c.expect('objectTaggingUnsupported', async () => {
      await c.s3.send(
        new PutObjectCommand({ Bucket: b, Key: 't', Body: 'x', Tagging: 'env=prod&team=a%20b' }),
      );
      const sort = (t: { Key?: string | undefined; Value?: string | undefined }[]) =>
        [...t].map((x) => [x.Key, x.Value]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
      const got = await c.s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 't' }));
      assert.deepEqual(sort(got.TagSet ?? []), [
        ['env', 'prod'],
        ['team', 'a b'],
      ]);
      await c.s3.send(
        new PutObjectTaggingCommand({
          Bucket: b,
          Key: 't',
          Tagging: { TagSet: [{ Key: 'only', Value: '1' }] },
        }),
      );
      const again = await c.s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 't' }));
      assert.deepEqual(sort(again.TagSet ?? []), [['only', '1']]);
    });
  },
);

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl — "private" and
// "bucket-owner-full-control" are accepted even with BucketOwnerEnforced (the default since April 2023).
kase(
  'canned ACL private / bucket-owner-full-control accepted on PutObject',
  { faults: ['cannedAclRefused'] },
  async (c) => {
    const b = await c.bucket();
    await c.expect('cannedAclRefused', async () => {
      for (const ACL of ['private', 'bucket-owner-full-control'] as const) {
        assertOk(
          await attempt(() =>
            c.s3.send(new PutObjectCommand({ Bucket: b, Key: `acl-${ACL}`, Body: 'x', ACL })),
          ),
          `PUT with ACL ${ACL}`,
        );
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------------
// Authentication — https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (SignatureDoesNotMatch 403)

kase(
  'SigV4 with a wrong secret → 403 SignatureDoesNotMatch',
  { faults: ['signatureNotVerified'] },
  async (c) => {
    const b = await c.bucket();
    const bad = c.client({
      credentials: {
        accessKeyId: c.credentials.accessKeyId,
        secretAccessKey: `${c.credentials.secretAccessKey}-wrong`,
      },
    });
    const r = await attempt(() => bad.send(new PutObjectCommand({ Bucket: b, Key: 'intruder', Body: 'x' })));
    await c.expect(
      'signatureNotVerified',
      async () => {
        assertError(r, 403, 'SignatureDoesNotMatch', 'PUT signed with a wrong secret');
        assertError(
          await attempt(() => c.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'intruder' }))),
          404,
          ['NotFound', 'NoSuchKey'],
          'object written with a wrong signature',
        );
      },
      async () => assert.ok(r.ok, `expected the deviation (PUT accepted), got ${describeOutcome(r)}`),
    );
  },
);

function signer(c: ContractContext): SignatureV4 {
  return new SignatureV4({ credentials: c.credentials, region: REGION, service: 's3', sha256: Sha256 });
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
kase(
  'presigned GET URL returns the object to a plain HTTP client',
  { faults: ['presignedUrlRejected'] },
  async (c) => {
    const b = await c.bucket();
    await c.s3.send(new PutObjectCommand({ Bucket: b, Key: 'dir/p.json', Body: '{"a":1}' }));
    const url = new URL(c.endpoint);
    const signed = await signer(c).presign(
      {
        method: 'GET',
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: `/${b}/dir/p.json`,
        query: {},
        // Presigned URLs sign no payload (sigv4-query-string-auth.html: "UNSIGNED-PAYLOAD"); the header only
        // tells the signer so, and is neither signed nor hoisted into the URL.
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      {
        expiresIn: 300,
        unsignableHeaders: new Set(['x-amz-content-sha256']),
        unhoistableHeaders: new Set(['x-amz-content-sha256']),
      },
    );
    const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
    const res = await fetch(`${c.endpoint}${signed.path}?${qs}`);
    const text = await res.text();
    await c.expect('presignedUrlRejected', async () => {
      assert.equal(res.status, 200, `presigned GET: HTTP ${res.status}`);
      assert.equal(text, '{"a":1}');
    });
    const tampered = await fetch(`${c.endpoint}/${b}/dir/other.json?${qs}`);
    assert.equal(tampered.status === 200, false, 'a presigned URL must not open another key');
    await tampered.arrayBuffer();
  },
);

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html; ErrorResponses.html: MalformedXML 400
kase(
  'malformed XML body (DeleteObjects) → 400 MalformedXML',
  { faults: ['malformedXmlNotReported'] },
  async (c) => {
    const b = await c.bucket();
    const body = '<Delete><Object><Key>a</Key></Object'; // truncated on purpose
    const url = new URL(c.endpoint);
    const signed = await signer(c).sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: `/${b}`,
      query: { delete: '' },
      headers: {
        host: url.host,
        'content-type': 'application/xml',
        'content-md5': md5b64(body),
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const res = await fetch(`${c.endpoint}/${b}?delete`, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body,
    });
    const text = await res.text();
    await c.expect('malformedXmlNotReported', async () => {
      assert.equal(res.status, 400, `status ${res.status}: ${text}`);
      assert.match(text, /<Code>MalformedXML<\/Code>/);
    });
  },
);
