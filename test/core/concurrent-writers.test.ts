// N writers in parallel, each: lock → read → increment a counter output → write → unlock. Mutual
// exclusion end to end: the counter must end at exactly N and the serial must have advanced N times.
// Each writer has its own SDK clients (separate "processes", SDK retries on) and a clock whose
// back-off runs 100 times faster than real time (1 s → 10 ms), so waiting for the lock stays cheap
// without hammering the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Backend } from '../../src/backend/s3-backend.ts';
import type { Clock } from '../../src/remote/clock.ts';
import { rawNumber, rawString } from '../../src/state/raw-json.ts';
import { emptyState } from '../../src/state/write-state.ts';
import type { BackendSettings } from '../../src/backend/backend-settings.ts';
import { TARGETS, skipReason, startCoreEnv, type CoreEnv } from './core-env.ts';

const WRITERS = 8;

/** Virtual time that advances by the requested back-off while really waiting 1/100 of it. */
function fastClock(): Clock & { slept: number[] } {
  let t = Date.now();
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
      await new Promise((r) => setTimeout(r, ms / 100));
    },
  };
}

for (const target of TARGETS) {
  describe(`concurrent writers on ${target}`, { skip: skipReason(target) }, () => {
    let env: CoreEnv;
    before(async () => {
      env = await startCoreEnv(target);
    });
    after(async () => {
      await env?.close();
    });

    for (const kind of ['lockfile', 'dynamodb', 'both'] as const) {
      test(`${WRITERS} writers under the ${kind} lock: exactly ${WRITERS} increments`, async () => {
        const settings: BackendSettings = await env.settings({
          useLockfile: kind !== 'dynamodb',
          dynamodbTable: kind === 'lockfile' ? undefined : env.table,
        });
        const seed = await new S3Backend({ settings, s3: env.s3, dynamodb: env.ddb }).stateManager('default');
        const first = await seed.write(emptyState({ lineage: '', serial: 0, terraformVersion: '1.11.4' }));
        const startSerial = BigInt(first.state.serial);

        const writer = async (i: number): Promise<number> => {
          const c = env.clients({ maxAttempts: 3 });
          const clock = fastClock();
          const mgr = await new S3Backend({ settings, s3: c.s3, dynamodb: c.ddb, clock }).stateManager(
            'default',
          );
          await using lock = await mgr.lock({ operation: `writer-${i}`, timeoutMs: 3_600_000 });
          assert.notEqual(lock.id, '');
          const read = await mgr.read();
          assert.ok(read);
          const current = read.state.outputs.get('counter');
          const n = current && current.value.kind === 'number' ? Number(current.value.text) : 0;
          const outputs = new Map(read.state.outputs);
          outputs.set('counter', { value: rawNumber(n + 1), type: rawString('number'), sensitive: false });
          await mgr.write({ ...read.state, outputs });
          return clock.slept.length;
        };
        // allSettled: a failing writer must not leave the others running after the test ends.
        const results = await Promise.allSettled(Array.from({ length: WRITERS }, (_, i) => writer(i)));
        const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
        assert.deepEqual(failures, []);
        const waits = results.map((r) => (r.status === 'fulfilled' ? r.value : 0));

        const final = (await seed.read())!;
        const counter = final.state.outputs.get('counter');
        assert.equal(counter?.value.kind === 'number' ? counter.value.text : undefined, String(WRITERS));
        assert.equal(BigInt(final.state.serial), startSerial + BigInt(WRITERS));
        assert.ok(
          waits.some((w) => w > 0),
          'some writer had to wait for the lock',
        );
        for (const s of await seed.lockInfo())
          assert.equal(s.holder, undefined, `${s.mechanism} lock left behind`);
      });
    }
  });
}
