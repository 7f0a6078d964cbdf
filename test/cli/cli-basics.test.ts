import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt, repoRoot, runBin } from './bin.ts';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('s3state bin: version, help, usage errors', () => {
  before(() => ensureBuilt());

  for (const args of [['--version'], ['-version'], ['version'], ['-v']]) {
    test(`${args.join(' ')} prints the version`, async () => {
      const r = await runBin(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^s3state v${version.replaceAll('.', '\\.')}\\n`));
      assert.equal(r.stderr, '');
    });
  }

  test('version -json prints one JSON document', async () => {
    const r = await runBin(['version', '-json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.stdout) as { version: string; node: string };
    assert.equal(doc.version, version);
    assert.match(doc.node, /^v\d+/);
  });

  test('help lists every command and documents exit codes', async () => {
    const r = await runBin(['help']);
    assert.equal(r.code, 0);
    for (const c of [
      'init',
      'workspace list',
      'state pull',
      'state push',
      'output',
      'force-unlock',
      'lock info',
      'dev',
      'config',
    ])
      assert.match(r.stdout, new RegExp(`\\n {2}${c} `), c);
    assert.match(r.stdout, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  test('-h on a command prints its usage on stdout', async () => {
    for (const args of [
      ['state', 'push', '-h'],
      ['help', 'state', 'push'],
      ['state', 'push', '--help'],
    ]) {
      const r = await runBin(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: s3state state push \[options\] PATH\n/);
      assert.match(r.stdout, /-force/);
    }
  });

  test('no arguments: help on stderr, exit 2', async () => {
    const r = await runBin([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Usage: s3state/);
  });

  test('unknown command: clear error, usage line, exit 2', async () => {
    const r = await runBin(['frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /\nError: Unknown command "frobnicate"\n/);
    assert.match(r.stderr, /Usage: s3state \[global options\] <command>/);
  });

  test('unknown subcommand and missing subcommand: exit 2', async () => {
    const a = await runBin(['state', 'frob']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /Error: Unknown command "state frob"/);
    const b = await runBin(['workspace']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /Error: Missing subcommand for "workspace"/);
    assert.match(b.stderr, /workspace list/);
  });

  test('unknown flag: terraform-style message, usage line, exit 2 (single and double dash)', async () => {
    for (const flag of ['-bogus', '--bogus']) {
      const r = await runBin(['state', 'pull', flag]);
      assert.equal(r.code, 2, flag);
      assert.match(
        r.stderr,
        /Error: Failed to parse command-line flags\n\nflag provided but not defined: -bogus\n/,
      );
      assert.match(
        r.stderr,
        /Usage: s3state state pull \[options\]\nRun "s3state help state pull" for more\.\n/,
      );
    }
  });

  test('invalid -lock-timeout duration: exit 2', async () => {
    const r = await runBin(['state', 'pull', '-lock-timeout=soon']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Error: Invalid value for -lock-timeout/);
  });

  test('-chdir to a missing directory: exit 2', async () => {
    const r = await runBin(['-chdir=/nonexistent/dir', 'state', 'pull']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Error: Error handling -chdir option\n\nchdir \/nonexistent\/dir: no such directory/,
    );
  });

  test('no colour when stderr is not a TTY', async () => {
    const r = await runBin(['frobnicate']);
    assert.ok(!r.stderr.includes(String.fromCharCode(27)));
  });
});

describe('-json where a command has no machine output', () => {
  test('state pull -json is a usage error (exit 2)', async () => {
    const r = await runBin(['state', 'pull', '-json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Error: The -json option is not supported by this command/);
  });
});
