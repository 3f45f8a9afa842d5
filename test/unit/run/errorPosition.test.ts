import { strict as assert } from 'node:assert';
import { locateError, locateFromDuckDbMessage, locateFromPostgresPosition, locateFromSnowflakeMessage, offsetToPosition } from '../../../src/core/run/errorPosition';

describe('run: error position mapping', () => {
  it('maps a PostgreSQL 1-based position to the offending token', () => {
    const sql = 'SELECT * FORM orders';
    // PostgreSQL reports position 10 for "FORM" (1-based).
    assert.deepEqual(locateFromPostgresPosition(sql, '10'), { offset: 9, length: 4 });
    assert.equal(locateFromPostgresPosition(sql, undefined), undefined);
    assert.equal(locateFromPostgresPosition(sql, 'x'), undefined);
  });

  it('maps a DuckDB LINE/caret message on the second line', () => {
    const sql = 'SELECT id,\n  nme FROM t';
    const message = 'Binder Error: Referenced column "nme" not found in FROM clause!\n\nLINE 2:   nme FROM t\n          ^';
    const loc = locateFromDuckDbMessage(sql, message);
    assert.deepEqual(loc, { offset: sql.indexOf('nme'), length: 3 });
    assert.deepEqual(offsetToPosition(sql, loc!.offset), { line: 1, column: 2 });
  });

  it('maps a DuckDB message whose line was windowed with "..."', () => {
    const sql = `SELECT ${'a'.repeat(100)}, bogus( FROM t`;
    const col = sql.indexOf('bogus(') + 6;
    const snippet = `...${sql.slice(col - 20)}`;
    const message = `Parser Error: syntax error at or near "FROM"\n\nLINE 1: ${snippet}\n${' '.repeat('LINE 1: '.length + 3 + 21)}^`;
    const loc = locateFromDuckDbMessage(sql, message);
    assert.equal(loc?.offset, col + 1); // the caret sits on "FROM" after the space
    assert.equal(sql.slice(loc!.offset, loc!.offset + loc!.length), 'FROM');
  });

  it('maps a Snowflake "line L at position P" message', () => {
    const sql = 'select 1\nfrom dual whre x';
    const loc = locateFromSnowflakeMessage(sql, "SQL compilation error:\nsyntax error line 2 at position 10 unexpected 'whre'.");
    assert.equal(sql.slice(loc!.offset, loc!.offset + loc!.length), 'whre');
  });

  it('prefers a driver position property and falls back to messages', () => {
    const sql = 'SELECT nope FROM t';
    assert.equal(locateError(sql, 'postgres', Object.assign(new Error('column "nope" does not exist'), { position: '8' }))?.offset, 7);
    assert.equal(locateError(sql, 'duckdb', new Error('Catalog Error: Table with name t does not exist!')), undefined);
  });
});
