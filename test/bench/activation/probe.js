/* global exports, performance */
// Tests module run inside the extension host by test/bench/activation.bench.ts (plain JS: loaded as is).
// Activates IOPSDATA_PROBE_EXTENSION_ID and prints what it cost: the wall time of ext.activate() as seen by
// another extension (module load + activate()) and the activationMs the extension reports itself.
const vscode = require('vscode');

exports.run = async function run() {
  const id = process.env.IOPSDATA_PROBE_EXTENSION_ID;
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`extension ${id} is not loaded`);
  const wasActive = ext.isActive;
  const t0 = performance.now();
  const api = await ext.activate();
  const activateCallMs = performance.now() - t0;
  console.log('IOPSDATA_BEGIN');
  console.log(`IOPSDATA_ACTIVATION ${JSON.stringify({ id, wasActive, activateCallMs, activationMs: api && api.activationMs })}`);
  console.log(`IOPSDATA_RESULT ${JSON.stringify({ passed: 1, failed: 0 })}`);
};
