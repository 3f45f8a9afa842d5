import { strict as assert } from 'node:assert';
import { basicProfile, safeFileName } from '../../../src/core/account/files';

describe('account: upload helpers', () => {
  it('makes storage-safe file names and refuses empty ones', () => {
    assert.equal(safeFileName('C:\\data\\Q1 sales (final).csv'), 'Q1_sales_final_.csv');
    assert.equal(safeFileName('/tmp/../..hidden.csv'), 'hidden.csv');
    assert.throws(() => safeFileName('/tmp/...'), /Cannot upload/);
  });

  it('basic metadata: header columns and lines after it, for comma, semicolon and tab files', () => {
    const t = Date.UTC(2026, 0, 2);
    const csv = basicProfile('a.csv', Buffer.from('id,"name",city\n1,Ada,London\n2,Linus,Helsinki\n'), t);
    assert.deepEqual(csv, { fileName: 'a.csv', sizeBytes: 45, modifiedAt: '2026-01-02T00:00:00.000Z', profiledBy: 'iopsdata-basic', columns: ['id', 'name', 'city'], dataLines: 2 });
    const semi = basicProfile('b.csv', Buffer.from('a;b\n1;2'), t);
    assert.deepEqual([semi.columns, semi.dataLines], [['a', 'b'], 1]);
    const tsv = basicProfile('c.tsv', Buffer.from('x\ty\r\n1\t2\r\n'), t);
    assert.deepEqual([tsv.columns, tsv.dataLines], [['x', 'y'], 1]);
    const parquet = basicProfile('d.parquet', Buffer.from([0x50, 0x41, 0x52, 0x31]), t);
    assert.equal(parquet.columns, undefined);
    assert.equal(parquet.sizeBytes, 4);
  });
});
