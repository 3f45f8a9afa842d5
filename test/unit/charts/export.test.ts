import { strict as assert } from 'node:assert';
import { chartExportFile, safeFileName } from '../../../src/core/charts';

// The 8-byte PNG signature followed by the start of an IHDR chunk.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe('charts: export payload checks', () => {
  it('accepts a PNG (with or without a data: prefix) and an SVG document', () => {
    const png = chartExportFile({ type: 'exportChart', format: 'png', dataBase64: PNG.toString('base64'), suggestedName: 'revenue.png' });
    assert.deepEqual(png, { fileName: 'revenue.png', bytes: PNG });
    const prefixed = chartExportFile({ format: 'png', dataBase64: 'data:image/png;base64,' + PNG.toString('base64'), suggestedName: 'r' });
    assert.equal(prefixed.fileName, 'r.png');
    assert.ok(prefixed.bytes.equals(PNG));
    const svg = chartExportFile({ format: 'svg', svgText: '<svg xmlns="http://www.w3.org/2000/svg"></svg>', suggestedName: 'a chart' });
    assert.equal(svg.fileName, 'a chart.svg');
    assert.equal(svg.bytes.toString('utf8'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  });

  it('refuses other formats, non-PNG bytes and non-SVG text with one-line messages', () => {
    assert.throws(() => chartExportFile({ format: 'pdf' }), /^UserError: Chart export failed: the format must be PNG or SVG\.$/);
    assert.throws(() => chartExportFile({ format: 'png', dataBase64: Buffer.from('GIF89a....').toString('base64') }), /not a PNG/);
    assert.throws(() => chartExportFile({ format: 'png' }), /PNG image is missing/);
    assert.throws(() => chartExportFile({ format: 'svg', svgText: '<html><script>x</script></html>' }), /SVG document is missing or malformed/);
    assert.throws(() => chartExportFile(null), /format must be/);
  });

  it('file names cannot leave the chosen folder', () => {
    assert.equal(safeFileName('../../etc/passwd', 'png'), 'etc-passwd.png');
    assert.equal(safeFileName('Revenue: by/month', 'svg'), 'Revenue- by-month.svg');
    assert.equal(safeFileName('', 'png'), 'chart.png');
    assert.equal(safeFileName('...', 'svg'), 'chart.svg');
    assert.equal(safeFileName('a\u0000b\nc', 'png'), 'a-b-c.png');
  });
});
