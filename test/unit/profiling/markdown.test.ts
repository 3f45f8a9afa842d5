/** Copy as Markdown and the contract JSON shape, on a profile written by hand. */
import { strict as assert } from 'node:assert';
import { profileToMarkdown, toContractJson, type FileProfile } from '../../../src/core/profiling';

const profile: FileProfile = {
  path: '/data/a|b.csv',
  format: 'csv',
  rowCount: 1234,
  columns: [
    {
      name: 'na|me <b>',
      type: 'VARCHAR',
      kind: 'string',
      nullCount: 34,
      nullPercent: (100 * 34) / 1234,
      distinctCount: 900,
      distinctIsExact: false,
      distinctErrorBound: 0.02,
      min: 'a',
      max: 'z',
      mean: null,
      stddev: null,
      quantiles: null,
      histogram: null,
      topValues: [{ value: 'x\ny', count: 7 }],
      sampleValues: [],
    },
  ],
  findings: [{ column: 'na|me <b>', kind: 'whitespace', severity: 'warning', message: "'na|me <b>' has 3 values with leading or trailing spaces." }],
  sample: { columns: [], rows: [] },
  timings: {},
  elapsedMs: 5,
  partial: false,
};

describe('profile Markdown and JSON', () => {
  it('escapes pipes and markup so the table stays a table', () => {
    const md = profileToMarkdown(profile);
    const row = md.split('\n').find((l) => l.startsWith('| na'))!;
    assert.equal(row, '| na\\|me \\<b\\> | VARCHAR | 34 (2.8%) | ≈900 | a | z |  |  |  | x y (7) |');
    assert.match(md, /\*\*Rows:\*\* 1,234/);
    assert.match(md, /- \*\*whitespace\*\* \(na\\\|me \\<b\\>\)/);
  });

  it('puts the contract fields first and drops the partial flag', () => {
    const doc = toContractJson({ ...profile, partial: true });
    assert.deepEqual(Object.keys(doc).slice(0, 5), ['path', 'format', 'rowCount', 'columns', 'findings']);
    assert.equal('partial' in doc, false);
    const col = (doc.columns as Record<string, unknown>[])[0];
    assert.equal(col.distinctIsExact, false);
    assert.equal(col.distinctErrorBound, 0.02);
  });
});
