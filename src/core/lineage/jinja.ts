/**
 * dbt Jinja → plain SQL for lineage, keeping character offsets where possible so diagnostics land on the right spot.
 * We do not evaluate Jinja: `ref`/`source` become the relation names they point to, control tags vanish (both
 * branches of an `if` stay, a `for` body stays once), other expressions become a neutral identifier.
 */

export interface DbtRef {
  kind: 'ref' | 'source';
  /** ref: [model] or [package, model]; source: [source, table]. */
  args: string[];
  /** Name substituted into the SQL. */
  relation: string;
}

export interface RenderedJinja {
  sql: string;
  refs: DbtRef[];
  /** True when the text contained any Jinja at all. */
  hadJinja: boolean;
}

const STRING_ARG = /(['"])((?:\\.|(?!\1).)*)\1/g;

function stringArgs(expr: string): string[] {
  return [...expr.matchAll(STRING_ARG)].map((m) => m[2]);
}

/** Pads `replacement` with spaces to `length` so later offsets stay put (when it fits). */
function fit(replacement: string, length: number): string {
  return replacement.length < length ? replacement + ' '.repeat(length - replacement.length) : replacement;
}

/** Blanks a span but keeps its newlines, so line numbers after it are unchanged. */
function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

export interface RenderOptions {
  /** What `{{ this }}` stands for (the model's own name). */
  thisName?: string;
}

export function renderJinja(text: string, options: RenderOptions = {}): RenderedJinja {
  if (!text.includes('{{') && !text.includes('{%') && !text.includes('{#')) return { sql: text, refs: [], hadJinja: false };
  const refs: DbtRef[] = [];
  let counter = 0;
  // Comments first ({# … #} may contain anything), then statement tags, then expressions.
  let sql = text.replace(/\{#[\s\S]*?#\}/g, blank);
  // `{% set x %}…{% endset %}` and `{% macro %}…{% endmacro %}` / `{% docs %}` bodies are not part of the query.
  sql = sql.replace(/\{%-?\s*(macro|docs|set\s+\w+\s*-?%\}|call|test|materialization)[\s\S]*?\{%-?\s*end(macro|docs|set|call|test|materialization)\s*-?%\}/g, blank);
  sql = sql.replace(/\{%[\s\S]*?%\}/g, blank);
  sql = sql.replace(/\{\{([\s\S]*?)\}\}/g, (whole, inner: string) => {
    const expr = inner.replace(/^-|-$/g, '').trim();
    const call = /^(ref|source)\s*\(([\s\S]*)\)\s*$/.exec(expr);
    if (call) {
      const args = stringArgs(call[2]);
      if (call[1] === 'ref' && args.length >= 1) {
        // ref('pkg', 'model') and ref('model', version=2): the model name is the last positional string.
        const positional = stringArgs(call[2].replace(/\b\w+\s*=\s*(['"]).*?\1/g, ''));
        const model = positional[positional.length - 1] ?? args[0];
        refs.push({ kind: 'ref', args: positional.length ? positional : args, relation: model });
        return fit(model, whole.length);
      }
      if (call[1] === 'source' && args.length >= 2) {
        const relation = `${args[0]}.${args[1]}`;
        refs.push({ kind: 'source', args: args.slice(0, 2), relation });
        return fit(relation, whole.length);
      }
    }
    if (/^config\s*\(/.test(expr)) return blank(whole);
    if (expr === 'this') return fit(options.thisName ?? 'this', whole.length);
    const v = /^var\s*\(\s*(['"])(\w+)\1/.exec(expr);
    if (v) return fit(`__var_${v[2]}`, whole.length);
    // dbt_utils macros that only rearrange named columns keep their lineage.
    const key = /^dbt_utils\.(?:generate_)?surrogate_key\s*\(([\s\S]*)\)$/.exec(expr);
    if (key) {
      const cols = stringArgs(key[1]);
      if (cols.length && cols.every((c) => /^[A-Za-z_][\w.]*$/.test(c))) return fit(`__jinja_key(${cols.join(', ')})`, whole.length);
    }
    const star = /^dbt_utils\.star\s*\(([\s\S]*)\)$/.exec(expr);
    if (star) {
      const alias = /relation_alias\s*=\s*(['"])(\w+)\1/.exec(star[1]);
      return fit(alias ? `${alias[2]}.*` : '*', whole.length);
    }
    // Any other expression (macros, adapter calls): a neutral identifier the SQL still parses around.
    return fit(`__jinja_${++counter}`, whole.length);
  });
  return { sql, refs, hadJinja: true };
}
