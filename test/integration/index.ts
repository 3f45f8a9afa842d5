/**
 * Mocha entry point executed INSIDE the VS Code extension host (the workbench loads it from the
 * `extensionTestsPath` payload and calls run()). It runs every compiled suite file
 * out/test/integration/suite/**\/*.test.js, optionally filtered by IOPSDATA_TEST_FILTER (substring of the relative
 * path) and IOPSDATA_TEST_GREP (mocha --grep), both passed through the extension environment by run.mjs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function suiteFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...suiteFiles(p));
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function run(): Promise<void> {
  const suiteDir = path.resolve(__dirname, 'suite');
  const filter = process.env.IOPSDATA_TEST_FILTER;
  const files = suiteFiles(suiteDir).filter((f) => !filter || path.relative(suiteDir, f).includes(filter));
  if (files.length === 0) {
    // An empty run must not look like a green one.
    return Promise.reject(new Error(`no integration test files under ${suiteDir}${filter ? ` matching "${filter}"` : ''}`));
  }
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    grep: process.env.IOPSDATA_TEST_GREP || undefined,
  });
  for (const f of files) mocha.addFile(f);
  // Marks where the suite's own output starts in the forwarded console stream (see vscode-host.mjs).
  console.log('IOPSDATA_BEGIN');
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passed = runner.stats?.passes ?? 0;
        // Machine-readable closing line, parsed by test/integration/run.mjs.
        console.log(`IOPSDATA_RESULT ${JSON.stringify({ passed, failed: failures })}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
