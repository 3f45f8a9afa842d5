import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });

describe('iopsdata CLI frame', function () {
  this.timeout(30_000);
  before(function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  });

  it('--version prints the package version', () => {
    const r = run('--version');
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), require('../../../package.json').version);
  });

  it('--help lists every subcommand', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    for (const c of ['profile', 'lineage', 'graph', 'query', 'ask', 'demo']) assert.match(r.stdout, new RegExp(`\\n  ${c}\\b`));
    assert.match(run('demo', '--help').stdout, /Usage: iopsdata demo <dir>/);
  });

  it('bad input exits non-zero with one line on stderr and no stack trace', () => {
    for (const args of [['nope'], ['demo', '--bogus'], ['demo']]) {
      const r = run(...args);
      assert.notEqual(r.status, 0, args.join(' '));
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\bat .+:\d+:\d+\)/);
    }
  });

  it('--debug shows the stack trace', () => {
    const r = run('demo', '--debug');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /at .+\d+:\d+/);
  });
});
