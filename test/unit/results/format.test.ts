/** How the grid prints one cell: NULL apart from '', decimals at their declared scale, dates without noise. */
import { strict as assert } from 'node:assert';
import { formatCell } from '../../../webview-ui/src/results/format';

describe('results grid: cell formatting', () => {
  it('NULL is a marker of its own; an empty string stays empty (with a tooltip)', () => {
    assert.deepEqual(formatCell(null, 'string'), { text: 'NULL', className: 'cell null' });
    assert.deepEqual(formatCell('', 'string'), { text: '', className: 'cell empty', title: '(empty string)' });
  });

  it('decimal columns show their declared scale; other numbers print as they are', () => {
    assert.equal(formatCell(232275.4, 'number', 'DECIMAL(38,2)').text, '232275.40');
    assert.equal(formatCell(206934, 'number', 'decimal(12, 2)').text, '206934.00');
    assert.equal(formatCell(-0.5, 'number', 'NUMERIC(10,3)').text, '-0.500');
    assert.equal(formatCell(42, 'number', 'NUMBER(38,0)').text, '42');
    assert.equal(formatCell(232275.4, 'number', 'DOUBLE').text, '232275.4');
    assert.equal(formatCell(0.1 + 0.2, 'number', 'DOUBLE').text, '0.3');
    assert.equal(formatCell(7, 'number', 'BIGINT').text, '7');
    // Precision the JS number cannot hold arrives as text and is shown as sent.
    assert.equal(formatCell('12345678901234567890.12', 'number', 'DECIMAL(38,2)').text, '12345678901234567890.12');
  });

  it('dates drop a midnight UTC time; timestamps read as date and time', () => {
    assert.equal(formatCell('2024-03-01T00:00:00.000Z', 'date', 'DATE').text, '2024-03-01');
    assert.equal(formatCell('2024-03-01T10:20:30Z', 'date', 'TIMESTAMP WITH TIME ZONE').text, '2024-03-01 10:20:30 UTC');
    assert.equal(formatCell('2024-03-01T10:20:30', 'date', 'TIMESTAMP').text, '2024-03-01 10:20:30');
  });

  it('newlines and tabs are made visible so a row stays one line high', () => {
    assert.equal(formatCell('a\nb\tc', 'string').text, 'a↵b→c');
  });
});
