import { strict as assert } from 'node:assert';
import { parseSqlAnswer, AnswerFormatError } from '../../../src/core/ai/parseResponse';

describe('ai: parsing SQL answers as models really write them', () => {
  it('reads the JSON we asked for', () => {
    assert.deepEqual(parseSqlAnswer('{"sql": "SELECT 1;", "explanation": "One row."}'), { sql: 'SELECT 1', explanation: 'One row.' });
  });

  it('reads JSON inside a ```json fence with chatter around it', () => {
    const text = 'Sure! Here you go:\n```json\n{\n  "sql": "SELECT count(*) AS n\\nFROM shop.orders",\n  "explanation": "Counts orders."\n}\n```\nLet me know!';
    assert.deepEqual(parseSqlAnswer(text), { sql: 'SELECT count(*) AS n\nFROM shop.orders', explanation: 'Counts orders.' });
  });

  it('accepts other key spellings (query / description)', () => {
    assert.deepEqual(parseSqlAnswer('{"Query": "select 2", "description": "two"}'), { sql: 'select 2', explanation: 'two' });
  });

  it('skips braces inside strings while looking for the JSON object', () => {
    const text = 'Note {not json}. {"sql": "SELECT \'{a}\' AS s", "explanation": "brace literal"}';
    assert.deepEqual(parseSqlAnswer(text), { sql: "SELECT '{a}' AS s", explanation: 'brace literal' });
  });

  it('reads a ```sql fence and keeps the prose as the explanation', () => {
    const text = "Here's the query:\n\n```sql\nSELECT name\nFROM shop.products\nORDER BY unit_price DESC\nLIMIT 5;\n```\n\nThis lists the five most expensive products.";
    const r = parseSqlAnswer(text);
    assert.equal(r.sql, 'SELECT name\nFROM shop.products\nORDER BY unit_price DESC\nLIMIT 5');
    assert.equal(r.explanation, 'This lists the five most expensive products.');
  });

  it('drops lead-in lines like "Sure! Here it is:" from the explanation', () => {
    const r = parseSqlAnswer('Sure! Here it is:\n```sql\nSELECT 5\n```\nFive, as a constant.');
    assert.deepEqual(r, { sql: 'SELECT 5', explanation: 'Five, as a constant.' });
  });

  it('reads an unlabelled fence that holds SQL', () => {
    assert.equal(parseSqlAnswer('```\nWITH x AS (SELECT 1) SELECT * FROM x\n```').sql, 'WITH x AS (SELECT 1) SELECT * FROM x');
  });

  it('drops <think> blocks of reasoning models', () => {
    const text = '<think>Maybe {"sql": "SELECT wrong"}… no.</think>\n{"sql": "SELECT right", "explanation": "ok"}';
    assert.equal(parseSqlAnswer(text).sql, 'SELECT right');
  });

  it('reads <sql> tags', () => {
    assert.deepEqual(parseSqlAnswer('Answer: <sql>SELECT 3</sql> done'), { sql: 'SELECT 3', explanation: 'Answer: done' });
  });

  it('reads bare SQL followed by a prose paragraph', () => {
    const r = parseSqlAnswer('SELECT country, count(*)\nFROM shop.customers\nGROUP BY country;\n\nThis counts customers per country.');
    assert.equal(r.sql, 'SELECT country, count(*)\nFROM shop.customers\nGROUP BY country');
    assert.equal(r.explanation, 'This counts customers per country.');
  });

  it('reads "SQL: …" prefixes', () => {
    assert.equal(parseSqlAnswer('SQL: SELECT 4').sql, 'SELECT 4');
  });

  it('fails clearly when there is no SQL at all', () => {
    assert.throws(() => parseSqlAnswer('I cannot answer that from this schema.'), AnswerFormatError);
    assert.throws(() => parseSqlAnswer('   '), /empty answer/);
  });
});
