import { strict as assert } from 'node:assert';
import { addToHistory, describeEntry, formatDuration, parseHistory, sqlLabel, type HistoryEntry } from '../../../src/core/run/history';
import { toTsv } from '../../../src/core/run/tsv';

const entry = (id: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id, connectionId: 'c', connectionName: 'Local', sql: 'select 1', startedAt: 1, durationMs: 35, rows: 12, status: 'ok', ...extra,
});

describe('run: history model', () => {
  it('keeps newest first and caps the length', () => {
    let h: HistoryEntry[] = [];
    for (const id of ['a', 'b', 'c', 'd']) h = addToHistory(h, entry(id), 3);
    assert.deepEqual(h.map((e) => e.id), ['d', 'c', 'b']);
  });

  it('drops malformed stored entries', () => {
    const parsed = parseHistory([entry('ok'), { id: 'x' }, null, 'text', entry('bad', { status: 'weird' as never })]);
    assert.deepEqual(parsed.map((e) => e.id), ['ok']);
    assert.deepEqual(parseHistory(undefined), []);
  });

  it('describes entries for the tree', () => {
    assert.equal(describeEntry(entry('a')), 'Local · 12 rows · 35 ms');
    assert.equal(describeEntry(entry('a', { rows: 1 })), 'Local · 1 row · 35 ms');
    assert.equal(describeEntry(entry('a', { status: 'refused', rows: undefined, durationMs: 0 })), 'Local · refused · 0 ms');
    assert.equal(formatDuration(1234), '1.23 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(sqlLabel('select\n  a,\n  b   from t', 14), 'select a, b f…');
  });
});

describe('run: TSV for the clipboard', () => {
  it('writes tabs/newlines, quotes awkward values and leaves NULL empty', () => {
    const text = toTsv([[1, 'a\tb', null], ['say "hi"', '', true]], ['id', 'text', 'flag']);
    assert.equal(text, 'id\ttext\tflag\n1\t"a\tb"\t\n"say ""hi"""\t\ttrue');
    assert.equal(toTsv([[null]], undefined, 'NULL'), 'NULL');
  });
});
