/**
 * The head-only preview behind the first streamed partial: it must agree with DuckDB's sniffer on ordinary files
 * (checked against sniff_csv on the same bytes) and stay silent when the head is not clearly a table.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProfileDb } from '../../../src/core/profiling/duckdb';
import { previewCsv } from '../../../src/core/profiling/preview';

const whole = (text: string) => {
  const b = Buffer.from(text);
  return [b, b.length] as const;
};

describe('previewCsv (head-only first look)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-preview-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees with DuckDB sniff_csv on delimiter, header, names and types', async () => {
    const files: Record<string, string> = {
      'comma.csv': 'id,name,amount,day,at,ok\n1,"Smith, J",10.5,2024-01-01,2024-01-01 10:00:00,true\n2,Lee,,2024-01-02,2024-01-02 11:30:00,false\n3,Kim,7,2024-01-03,2024-01-03 12:00:00,true\n',
      'semi.csv': 'k;v\na;1\nb;2\nc;3\n',
      'tabs.tsv': 'x\ty\n1\t2\n3\t4\n',
      'noheader.csv': '1,2\n3,4\n5,6\n',
    };
    const db = await openProfileDb();
    try {
      for (const [name, text] of Object.entries(files)) {
        const path = join(dir, name);
        writeFileSync(path, text);
        const p = previewCsv(...whole(text))!;
        assert.ok(p, name);
        const [s] = await db.query(`SELECT * FROM sniff_csv('${path}')`);
        assert.equal(p.delimiter, String(s.Delimiter), name);
        assert.equal(p.header, Boolean(s.HasHeader), name);
        const cols = (s.Columns as { name: string; type: string }[]).map((c) => [c.name, c.type]);
        assert.deepEqual(p.columns.map((c) => [c.name, c.type]), cols, name);
      }
    } finally {
      await db.close();
    }
  });

  it('estimates rows from the average line length of a cut head', () => {
    const line = '12345,abcdefghij\n';
    const head = Buffer.from('a,b\n' + line.repeat(1000));
    const p = previewCsv(head.subarray(0, 4000), head.length)!;
    assert.ok(Math.abs(p.rowEstimate - 1000) <= 10, String(p.rowEstimate));
  });

  it('follows the user overrides and gives up on what is not clearly a table', () => {
    assert.equal(previewCsv(...whole('a;b,c\n1;2,3\n'), { delimiter: ';' })!.columns.length, 2);
    assert.equal(previewCsv(...whole('x,y\n1,2\n'), { header: false })!.columns[0].name, 'column0');
    assert.equal(previewCsv(...whole('only\n1\n2\n')), undefined, 'one column');
    assert.equal(previewCsv(...whole('a,b,c\n1,2\n3,4,5,6\n')), undefined, 'ragged');
    assert.equal(previewCsv(...whole('a,b\n"open,1\n')), undefined, 'unbalanced quote');
    assert.equal(previewCsv(...whole('a,b\n')), undefined, 'header only');
  });
});
