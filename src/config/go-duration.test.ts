import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

const S = 1_000_000_000n;
const parseCases: [string, bigint][] = [
  ['0', 0n],
  ['1h', 3600n * S],
  ['15m', 900n * S],
  ['1h30m', 5400n * S],
  ['1.5h', 5400n * S],
  ['-1.5h', -5400n * S],
  ['+5s', 5n * S],
  ['300ms', 300_000_000n],
  ['2h45m10.5s', 9910n * S + 500_000_000n],
  ['1µs', 1000n],
  ['1μs', 1000n],
  ['1us', 1000n],
  ['10ns', 10n],
  ['.5s', 500_000_000n],
  ['5.s', 5n * S],
];
for (const [input, nanos] of parseCases) {
  test(`parses ${input}`, () => assert.deepEqual(parseGoDuration(input), { ok: true, nanos }));
}

const errorCases: [string, string][] = [
  ['', 'time: invalid duration ""'],
  ['two hours', 'time: invalid duration "two hours"'],
  ['10', 'time: missing unit in duration "10"'],
  ['1h5x', 'time: unknown unit "x" in duration "1h5x"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['.s', 'time: invalid duration ".s"'],
  ['-', 'time: invalid duration "-"'],
  ['9999999999999999999h', 'time: invalid duration "9999999999999999999h"'],
];
for (const [input, error] of errorCases) {
  test(`rejects ${JSON.stringify(input)} with Go's text`, () =>
    assert.deepEqual(parseGoDuration(input), { ok: false, error }));
}

const formatCases: [bigint, string][] = [
  [0n, '0s'],
  [900n * S, '15m0s'],
  [43200n * S, '12h0m0s'],
  [43201n * S, '12h0m1s'],
  [300n * S, '5m0s'],
  [1500_000_000n, '1.5s'],
  [300_000_000n, '300ms'],
  [1500n, '1.5µs'],
  [7n, '7ns'],
  [-90n * S, '-1m30s'],
];
for (const [nanos, text] of formatCases) {
  test(`formats ${nanos}ns as ${text}`, () => assert.equal(formatGoDuration(nanos), text));
}
