#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:integration`: runs the mocha suites in test/integration/suite inside a real VS Code extension host
 * (code-server + headless Chromium, see vscode-host.mjs) against a temp copy of test/fixtures/workspace.
 * Builds nothing (npm test builds first) and installs nothing (scripts/install-vscode-host.sh does).
 *
 * Usage: node test/integration/run.mjs [filter]      filter = substring of the suite file path, e.g. `connections`
 * Env:   IOPSDATA_TEST_GREP=<mocha grep>  IOPSDATA_TEST_TIMEOUT_MS (default 900000)  IOPSDATA_DEBUG=1 (server log)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostTools, repoRoot, runExtensionTests } from './vscode-host.mjs';

const started = Date.now();
const filter = process.argv[2];

function fail(message) {
  console.error(`test:integration: ${message}`);
  process.exit(2);
}

const testsModule = join(repoRoot, 'out/test/integration/index.js');
if (!existsSync(join(repoRoot, 'dist/extension.js'))) fail('dist/extension.js is missing: run `npm run build` first.');
if (!existsSync(testsModule)) fail('out/test/integration/index.js is missing: run `npm run build` first.');
try {
  hostTools();
} catch (e) {
  fail(/** @type {Error} */ (e).message);
}

const env = {};
if (filter) env.IOPSDATA_TEST_FILTER = filter;
if (process.env.IOPSDATA_TEST_GREP) env.IOPSDATA_TEST_GREP = process.env.IOPSDATA_TEST_GREP;

// Workbench/extension-host chatter is only shown when something went wrong (or with IOPSDATA_DEBUG=1).
const debug = !!process.env.IOPSDATA_DEBUG;
/** @type {string[]} */
const hostLines = [];
const result = await runExtensionTests({
  extensionDevelopmentPath: repoRoot,
  extensionTestsPath: testsModule,
  // A test-only extension contributing a vscode.lm chat model backed by a loopback server (the AI suites use it).
  extensions: [join(repoRoot, 'test/helpers/llm/vscode-lm-extension')],
  extensionEnvironment: env,
  timeoutMs: Number(process.env.IOPSDATA_TEST_TIMEOUT_MS || 15 * 60_000),
  onLine: (line, kind) => {
    if (kind === 'test') console.log(line);
    else if (debug) console.error(`[host] ${line}`);
    else hostLines.push(line);
  },
});

const secs = ((Date.now() - started) / 1000).toFixed(1);
if (result.exitCode !== 0 && !result.hadCounts && hostLines.length) {
  console.error(`--- last workbench / extension host messages ---\n${hostLines.slice(-80).join('\n')}\n---`);
}
console.log(`${result.passed} passed, ${result.failed} failed`);
if (result.timedOut) console.error(`test:integration: timed out (${secs} s)`);
else if (result.exitCode !== 0 && result.failed === 0) console.error('test:integration: the test run failed before any test reported (see above)');
console.log(`test:integration: ${result.exitCode === 0 ? 'ok' : 'FAILED'} in ${secs} s`);
process.exit(result.exitCode === 0 ? 0 : 1);
