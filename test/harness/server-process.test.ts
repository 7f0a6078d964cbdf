import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freePort } from './ports.ts';
import { awaitServerProcess } from './server-process.ts';

test('a server that exits before answering: rejected at once with its stderr', async () => {
  const child = spawn(process.execPath, ['-e', 'console.error("port in use"); process.exit(3)'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await assert.rejects(
    awaitServerProcess(child, 'demo server', () => Promise.resolve(false), 60_000),
    /demo server exited \(3\) before answering: port in use/,
  );
});

test('a server that answers: returned stop ends the process', async () => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-e', `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stop = await awaitServerProcess(
    child,
    'demo server',
    async () => (await fetch(`http://127.0.0.1:${port}/`)).ok,
    60_000,
  );
  assert.equal(child.exitCode, null, 'running after start');
  await stop();
  assert.equal(child.signalCode, 'SIGTERM');
});
