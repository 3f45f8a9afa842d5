import { strict as assert } from 'node:assert';
import { splitStatements, statementAt } from '../../../src/core/connections/splitter';

const texts = (sql: string, dialect?: string) => splitStatements(sql, { dialect }).map((s) => s.text);

describe('splitStatements', () => {
  it('splits at top-level semicolons and reports offsets, line and column of the first non-blank char', () => {
    const sql = 'select 1;\n  select 2 ;\n\nselect 3';
    const r = splitStatements(sql);
    assert.deepEqual(r, [
      { text: 'select 1', start: 0, end: 8, line: 0, column: 0 },
      { text: 'select 2', start: 12, end: 20, line: 1, column: 2 },
      { text: 'select 3', start: 24, end: 32, line: 3, column: 0 },
    ]);
    for (const s of r) assert.equal(sql.slice(s.start, s.end), s.text);
  });

  it('ignores semicolons in strings, quoted identifiers and comments', () => {
    assert.deepEqual(texts(`select 'a;b', "x;y" from t; -- c;d\nselect /* e;f */ 2`), [
      `select 'a;b', "x;y" from t`,
      'select /* e;f */ 2',
    ]);
    assert.deepEqual(texts(`select 'it''s;' ; select 2`), [`select 'it''s;'`, 'select 2']);
  });

  it('handles dollar quotes with and without tags, but not $1 parameters', () => {
    const fn = `create function f() returns int as $body$ begin; return 1; end $body$ language plpgsql`;
    assert.deepEqual(texts(`${fn}; do $$ begin perform 1; end $$; select $1, $2`, 'postgres'), [
      fn,
      'do $$ begin perform 1; end $$',
      'select $1, $2',
    ]);
  });

  it('nested block comments in PostgreSQL, and E-strings with backslash escapes', () => {
    assert.deepEqual(texts(`select /* a /* b; */ c; */ 1; select 2`, 'postgres'), ['select /* a /* b; */ c; */ 1', 'select 2']);
    assert.deepEqual(texts(`select E'a\\';b'; select 'c\\'; select 3`, 'postgres'), [`select E'a\\';b'`, `select 'c\\'`, 'select 3']);
  });

  it('Snowflake: backslash escapes in strings and // comments', () => {
    assert.deepEqual(texts(`select 'a\\';b'; // x;y\nselect 2`, 'snowflake'), [`select 'a\\';b'`, 'select 2']);
  });

  it('Jinja blocks keep their semicolons and count as code', () => {
    const sql = `{{ config(materialized='table', post_hook="grant select on x to y;") }}\nselect * from {{ ref('a') }};\n{# only a comment; #}`;
    const r = splitStatements(sql);
    assert.equal(r.length, 1);
    assert.ok(r[0].text.endsWith(`{{ ref('a') }}`));
    assert.equal(r[0].start, 0);
  });

  it('drops comment-only and empty segments; a trailing same-line comment stays with its statement', () => {
    const sql = `;;\n-- heading\nselect 1; -- about 1\n\n/* about 2 */ select 2;\n-- the end\n`;
    const r = splitStatements(sql);
    assert.deepEqual(r.map((s) => s.text), ['-- heading\nselect 1', '/* about 2 */ select 2']);
    assert.deepEqual([r[0].line, r[0].column, r[1].line, r[1].column], [1, 0, 4, 0]);
  });

  it('unterminated strings/comments run to the end without throwing', () => {
    assert.deepEqual(texts(`select 1; select 'abc; select 2`), ['select 1', `select 'abc; select 2`]);
    assert.deepEqual(texts(`select 1; /* open; select 2`), ['select 1']);
    assert.deepEqual(texts(''), []);
  });

  it('is linear on a large script', () => {
    const sql = Array.from({ length: 50_000 }, (_, k) => `select ${k} as "c;${k}"; -- note ${k}`).join('\n');
    const t0 = Date.now();
    const r = splitStatements(sql);
    assert.equal(r.length, 50_000);
    assert.equal(r[49_999].line, 49_999);
    assert.ok(Date.now() - t0 < 2000);
  });

  it('statementAt finds the statement under a cursor', () => {
    const r = splitStatements('select 1;\nselect 2;\nselect 3');
    assert.equal(statementAt(r, 12)?.text, 'select 2');
    assert.equal(statementAt(r, 0)?.text, 'select 1');
  });
});
