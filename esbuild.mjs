// Builds every target in one run: the extension host bundle, the CLI, one browser bundle per webview app,
// and the integration-test bundle that runs inside the real VS Code extension host.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native bindings (DuckDB) cannot be bundled; snowflake-sdk pulls optional cloud SDKs dynamically; pg-native is
// an optional peer of pg that we never use. node-sql-parser (with its subpaths, one grammar per dialect) stays a
// runtime require: its generated PEG parsers are UMD IIFEs that V8 compiles eagerly, so bundling them made
// loading dist/extension.js cost ~2 s of compile before activate() even ran; as an external it is compiled only
// when lineage or SQL validation first needs a grammar, and only that dialect's file.
const nodeExternals = ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*', 'snowflake-sdk', 'pg-native', 'node-sql-parser'];

// SDKs the extension and the CLI require only inside functions (on first use). Bundled into dist/extension.js they
// would still be compiled whenever it loads (~1.2 MB of the 1.5 MB bundle), so each is built once into
// dist/vendor/<name>.js and the require() is rewritten to that file: activation compiles none of them.
const lazyVendors = { '@anthropic-ai/sdk': 'anthropic-sdk', openai: 'openai', 'groq-sdk': 'groq-sdk', '@supabase/supabase-js': 'supabase-js', pg: 'pg' };
const lazyVendorPlugin = {
  name: 'lazy-vendor',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(lazyVendors).map((n) => n.replace(/[/]/g, '\\/')).join('|')})$`);
    build.onResolve({ filter }, (a) => ({ path: `./vendor/${lazyVendors[a.path]}.js`, external: true }));
  },
};

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** webview-ui/src/<app>/main.tsx → dist/webview/<app>.js; `shell` is the shared library, not an app. */
function webviewEntries() {
  const dir = 'webview-ui/src';
  const entries = {};
  for (const name of readdirSync(dir)) {
    if (name === 'shell') continue;
    const entry = join(dir, name, 'main.tsx');
    if (statSync(join(dir, name)).isDirectory() && existsSync(entry)) entries[name] = entry;
  }
  return entries;
}

function integrationTestEntries() {
  const dir = 'test/integration';
  if (!existsSync(dir)) return {};
  const entries = {};
  const walk = (d, prefix) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, prefix + name + '/');
      else if (/\.ts$/.test(name) && !name.endsWith('.d.ts') && (d.includes('suite') || name === 'index.ts')) {
        entries[prefix + name.replace(/\.ts$/, '')] = p;
      }
    }
  };
  walk(dir, '');
  return entries;
}

const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...nodeExternals],
    plugins: [lazyVendorPlugin],
  },
  {
    ...common,
    entryPoints: Object.fromEntries(Object.entries(lazyVendors).map(([pkg, file]) => [`vendor/${file}`, pkg])),
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    plugins: [lazyVendorPlugin],
    banner: { js: '#!/usr/bin/env node' },
    define: { __IOPSDATA_VERSION__: JSON.stringify(pkg.version) },
  },
  {
    ...common,
    entryPoints: webviewEntries(),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    loader: { '.css': 'css', '.svg': 'text' },
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  },
];

const integration = integrationTestEntries();
if (!production && Object.keys(integration).length) {
  targets.push({
    ...common,
    entryPoints: integration,
    outdir: 'out/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha', ...nodeExternals],
  });
}

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
