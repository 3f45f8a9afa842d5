#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:electron`: the integration suites (test/integration/suite) in DESKTOP VS Code, through
 * @vscode/test-electron, for contributors who have it or can download it (it downloads VS Code into
 * .vscode-test/ on first use). CI uses `npm run test:integration` (code-server) instead, since it cannot download.
 * Needs `npm run build`. Linux without a display: run under `xvfb-run -a`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorkspace, repoRoot } from './vscode-host.mjs';

const testsModule = join(repoRoot, 'out/test/integration/index.js');
if (!existsSync(join(repoRoot, 'dist/extension.js')) || !existsSync(testsModule)) {
  console.error('test:electron: dist/ or out/ is missing: run `npm run build` first.');
  process.exit(2);
}
const { runTests, downloadAndUnzipVSCode } = await import('@vscode/test-electron');
let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version: process.env.VSCODE_VERSION || 'stable', timeout: 30_000 });
} catch (e) {
  const msg = /** @type {Error} */ (e).message?.split('\n')[0] ?? String(e);
  console.error(`test:electron: cannot download VS Code (${msg}); use \`npm run test:integration\` (code-server) instead.`);
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), 'iopsdata-electron-'));
try {
  const workspace = makeWorkspace(join(tmp, 'workspace'));
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testsModule,
    extensionTestsEnv: { IOPSDATA_TEST_USER_DATA_DIR: join(tmp, 'user-data'), IOPSDATA_TEST_WORKSPACE: workspace },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data'), '--extensions-dir', join(tmp, 'extensions')],
  });
  process.exitCode = code;
} catch (e) {
  console.error(`test:electron: ${/** @type {Error} */ (e).message ?? e}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
