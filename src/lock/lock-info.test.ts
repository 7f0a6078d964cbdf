import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  formatGoTime,
  formatLockInfo,
  goTimeDisplay,
  marshalLockInfo,
  newLockId,
  newLockInfo,
  normalizeGoTime,
  parseLockInfo,
} from './lock-info.ts';
import { LockError } from './lock-error.ts';

const corpus = path.resolve(import.meta.dirname, '../../../shared/spec/corpus');
const lockFiles = readdirSync(corpus).filter((f) => f.includes('lockinfo') || f.endsWith('.tflock'));

describe('lock info JSON is byte-identical to Go encoding/json', () => {
  test('corpus has lock infos to check', () => assert.ok(lockFiles.length >= 6));
  for (const f of lockFiles) {
    test(`parse → marshal reproduces ${f}`, () => {
      const text = readFileSync(path.join(corpus, f), 'utf8').replace(/\n$/, '');
      assert.equal(marshalLockInfo(parseLockInfo(text)), text);
    });
  }
  test('DynamoDB Info attribute from the terraform scan round-trips', () => {
    const scan = JSON.parse(
      readFileSync(path.join(corpus, 'gen-tf1.11.4-dynamodb-scan-during-apply-lock.json'), 'utf8'),
    ) as {
      Items: { Info?: { S: string } }[];
    };
    const info = scan.Items.find((i) => i.Info)?.Info?.S;
    assert.ok(info);
    assert.equal(marshalLockInfo(parseLockInfo(info)), info);
  });
  test('Appendix A example and HTML escaping', () => {
    const info = {
      ID: '6a1f0c2e-7b5d-4f0e-9c3a-2b8d1e4f5a6b',
      Operation: 'OperationTypeApply',
      Info: '<a & b>\u2028',
      Who: 'alice@build-7',
      Version: '1.10.3',
      Created: '2026-08-22T11:19:02.123456789Z',
      Path: 'my-bucket/env:/dev/app/terraform.tfstate',
    };
    assert.equal(
      marshalLockInfo(info),
      '{"ID":"6a1f0c2e-7b5d-4f0e-9c3a-2b8d1e4f5a6b","Operation":"OperationTypeApply","Info":"\\u003ca \\u0026 b\\u003e\\u2028","Who":"alice@build-7","Version":"1.10.3","Created":"2026-08-22T11:19:02.123456789Z","Path":"my-bucket/env:/dev/app/terraform.tfstate"}',
    );
  });
});

describe('times', () => {
  const cases: [string, string][] = [
    ['2026-08-22T11:19:02.120000000Z', '2026-08-22T11:19:02.12Z'],
    ['2026-08-22T11:19:02.000Z', '2026-08-22T11:19:02Z'],
    ['2026-08-22T11:19:02+00:00', '2026-08-22T11:19:02Z'],
    ['2026-08-22T11:19:02.5+02:00', '2026-08-22T11:19:02.5+02:00'],
  ];
  for (const [input, want] of cases)
    test(`normalizeGoTime(${input})`, () => assert.equal(normalizeGoTime(input), want));
  test('formatGoTime trims zeros and adds nanoseconds', () => {
    assert.equal(formatGoTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0))), '2026-01-02T03:04:05Z');
    assert.equal(
      formatGoTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 120)), 3400),
      '2026-01-02T03:04:05.1200034Z',
    );
  });
  test('display form is Go time.String()', () => {
    assert.equal(goTimeDisplay('2026-11-22T02:52:39.915167173Z'), '2026-11-22 02:52:39.915167173 +0000 UTC');
  });
});

test('new lock info: go-uuid style ID, Go time, who@host', () => {
  const info = newLockInfo({ operation: 'init', version: '9.9.9' });
  assert.match(info.ID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(newLockId(), newLockId());
  assert.match(info.Created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  assert.match(info.Who, /@/);
  assert.equal(info.Operation, 'init');
  assert.equal(marshalLockInfo(parseLockInfo(marshalLockInfo(info))), marshalLockInfo(info));
});

test('Lock Info block and LockError text follow the peers', () => {
  const info = parseLockInfo(
    readFileSync(path.join(corpus, 'gen-tf1.11.4-s3-native-lockfile.tflock'), 'utf8'),
  );
  const block = formatLockInfo(info);
  assert.equal(
    block,
    'Lock Info:\n' +
      '  ID:        3dc371cf-7256-363a-65a4-ba14e080699f\n' +
      '  Path:      tfstate-bucket/native-lock/terraform.tfstate\n' +
      '  Operation: OperationTypeApply\n' +
      '  Who:       root@vm\n' +
      '  Version:   1.11.4\n' +
      '  Created:   2026-11-22 02:53:11.418470767 +0000 UTC\n' +
      '  Info:      \n',
  );
  const err = new LockError('boom', info);
  assert.equal(err.message, 'boom\n' + block);
  assert.equal(err.holder?.ID, info.ID);
  assert.equal(err.retryable, true);
  assert.equal(new LockError('other', undefined).retryable, false);
});

test('parseLockInfo rejects non-objects and tolerates missing fields', () => {
  assert.throws(() => parseLockInfo('"x"'), SyntaxError);
  assert.throws(() => parseLockInfo('{'), SyntaxError);
  assert.equal(parseLockInfo('{"id":"abc"}').ID, 'abc');
});
