#!/usr/bin/env node
// @ts-check
/**
 * `npm run package`: production build, then `vsce package --target linux-x64` → dist-vsix/iopsdata-linux-x64.vsix.
 *
 * esbuild bundles every dependency into dist/ except the few it must leave external (DuckDB's native bindings,
 * snowflake-sdk, and node-sql-parser, whose grammars must load lazily); those, and everything they require at
 * runtime, must ship as node_modules inside the .vsix, and nothing else should. So this script stages the
 * extension in .cache/vsix/stage: package.json (its `dependencies` narrowed to those externals, no prepublish
 * step: the build already ran), LICENSE, README, CHANGELOG, dist/, media/ and the runtime closure of the externals
 * copied from node_modules (dependencies and installed optional dependencies, following Node's resolution), then
 * runs vsce there with .vscodeignore (which prunes maps, typings, sources, docs). Finally it checks the archive
 * and prints its size.
 *
 * Usage: node scripts/package-vsix.mjs [--skip-build] [--out <file>]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(root, outArg >= 0 ? args[outArg + 1] : 'dist-vsix/iopsdata-linux-x64.vsix');
const target = 'linux-x64';
const stage = join(root, '.cache/vsix/stage');

/** Packages esbuild.mjs marks external that the extension or the CLI load at runtime (pg-native is never used). */
const RUNTIME_EXTERNALS = ['@duckdb/node-api', 'snowflake-sdk', 'node-sql-parser'];
/** Top-level files and folders of the extension itself. */
const SHIPPED = ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'dist', 'media', 'syntaxes', '.vscodeignore'];

/**
 * Node's lookup: `name` required from inside `fromDir` resolves to the nearest node_modules/<name> up the tree.
 * @param {string} name @param {string} fromDir
 */
function resolvePackageDir(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (d === root || dirname(d) === d) return null;
  }
}

/** Package dirs (relative to root) that `names` need at runtime, transitively. @param {string[]} names */
function runtimeClosure(names) {
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {string} name @param {string} fromDir @param {boolean} optional */
  const visit = (name, fromDir, optional) => {
    const dir = resolvePackageDir(name, fromDir);
    if (!dir) {
      if (optional) return; // e.g. DuckDB bindings for other platforms are not installed
      throw new Error(`runtime dependency ${name} (needed by ${relative(root, fromDir) || 'the extension'}) is not installed: run npm ci`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const d of Object.keys(pkg.dependencies ?? {})) visit(d, dir, false);
    for (const d of Object.keys(pkg.optionalDependencies ?? {})) visit(d, dir, true);
    // Peers are resolved from the requiring package; ship them when installed.
    for (const d of Object.keys(pkg.peerDependencies ?? {})) visit(d, dir, true);
  };
  for (const n of names) visit(n, root, false);
  return [...seen].map((d) => relative(root, d)).sort();
}

/** @param {string} cmd @param {string[]} argv @param {string} cwd */
function run(cmd, argv, cwd = root) {
  execFileSync(cmd, argv, { cwd, stdio: 'inherit' });
}

function stageExtension() {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const f of SHIPPED) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
  }
  const closure = runtimeClosure(RUNTIME_EXTERNALS);
  for (const dir of closure) {
    // Nested node_modules of a package are closure entries of their own (copied when needed).
    cpSync(join(root, dir), join(stage, dir), {
      recursive: true,
      filter: (src) => !(basename(src) === 'node_modules' && src !== join(root, dir) && dirname(src) !== join(root, 'node_modules')),
    });
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const versions = Object.fromEntries(RUNTIME_EXTERNALS.map((n) => [n, manifest.dependencies[n]]));
  const staged = { ...manifest, dependencies: versions };
  delete staged.devDependencies;
  if (staged.scripts) delete staged.scripts['vscode:prepublish'];
  writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
  return closure;
}

/**
 * Lists the archive and checks it holds what the extension needs at runtime and none of the sources.
 * @param {string} vsix @param {string[]} closure
 */
function verify(vsix, closure) {
  const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
  const files = new Set(listing);
  const required = [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/cli.js',
    'extension/node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
    'extension/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so',
    ...closure.map((p) => `extension/${p}/package.json`),
  ];
  const missing = required.filter((f) => !files.has(f));
  if (!listing.some((f) => /^extension\/LICENSE(\.txt)?$/.test(f))) missing.push('extension/LICENSE');
  const forbidden = listing.filter(
    (f) =>
      /^extension\/(src|test|webview-ui|\.cache|out|scripts)\//.test(f) ||
      /\.map$/.test(f) ||
      /^extension\/node_modules\/(react|react-dom|openai|pg|typescript|esbuild|mocha|playwright-core)\//.test(f),
  );
  const size = statSync(vsix).size;
  /** @type {Map<string, number>} */
  const perTop = new Map();
  for (const f of listing) {
    const m = /^extension\/([^/]+)/.exec(f);
    const k = m ? m[1] : f;
    perTop.set(k, (perTop.get(k) ?? 0) + 1);
  }
  console.log(`\n[package] ${relative(root, vsix)}: ${(size / 1024 / 1024).toFixed(1)} MB, ${listing.length} files`);
  console.log(`[package] contents: ${[...perTop].map(([k, n]) => `${k} (${n} files)`).join(', ')}`);
  console.log(`[package] runtime node_modules: ${closure.length} packages (closure of ${RUNTIME_EXTERNALS.join(', ')})`);
  if (missing.length) throw new Error(`the .vsix lacks required files:\n  ${missing.join('\n  ')}`);
  if (forbidden.length) throw new Error(`the .vsix contains files it must not ship:\n  ${forbidden.slice(0, 20).join('\n  ')}`);
}

function main() {
  const started = Date.now();
  if (!args.includes('--skip-build')) run(process.execPath, ['esbuild.mjs', '--production']);
  for (const f of ['dist/extension.js', 'dist/cli.js', 'LICENSE']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing`);
  }
  const closure = stageExtension();
  mkdirSync(dirname(out), { recursive: true });
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  // README links stay relative: VS Code renders the installed README from the extension folder, where media/ is.
  run(process.execPath, [vsce, 'package', '--target', target, '--no-rewrite-relative-links', '--out', out], stage);
  verify(out, closure);
  console.log(`[package] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (e) {
  console.error(`package: ${/** @type {Error} */ (e).message}`);
  process.exit(1);
}
