import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const importsOf = (text: string) =>
  [...text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);

describe('architecture rules', () => {
  it('src/core and src/cli never import vscode (they run in plain Node)', () => {
    const offenders = [...tsFiles(join(root, 'src/core')), ...tsFiles(join(root, 'src/cli'))].filter((f) => importsOf(readFileSync(f, 'utf8')).includes('vscode'));
    assert.deepEqual(offenders.map((f) => relative(root, f)), []);
  });

  it('src/core never imports feature, webview or extension code', () => {
    const offenders: string[] = [];
    for (const f of tsFiles(join(root, 'src/core'))) {
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if (/\/(features|webviews)\//.test(spec) || /\/extension$/.test(spec)) offenders.push(`${relative(root, f)} → ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('only the shell touches @vscode/webview-ui-toolkit', () => {
    const offenders = tsFiles(join(root, 'webview-ui/src'))
      .filter((f) => !f.includes(`${join('webview-ui', 'src', 'shell')}`))
      .filter((f) => importsOf(readFileSync(f, 'utf8')).some((s) => s.startsWith('@vscode/webview-ui-toolkit')));
    assert.deepEqual(offenders.map((f) => relative(root, f)), []);
  });

  it('webview apps never inject HTML', () => {
    const offenders = tsFiles(join(root, 'webview-ui/src')).filter((f) => /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => relative(root, f)), []);
  });

  it('extension.ts stays a small composition root', () => {
    const lines = readFileSync(join(root, 'src/extension.ts'), 'utf8').split('\n').length;
    assert.ok(lines < 80, `src/extension.ts has ${lines} lines`);
  });

  it('every declared command has the iOpsData category and every setting a description', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'iOpsData', c.command);
    const props = pkg.contributes.configuration.properties ?? {};
    for (const [k, v] of Object.entries(props as Record<string, { description?: string; markdownDescription?: string }>)) {
      assert.ok(v.description || v.markdownDescription, `${k} has no description`);
    }
  });
});
