/**
 * The profile panel: summary header, CSV dialect (overridable → re-profile), findings linking to columns, one card
 * per column, a detail pane for the selected column and the first rows. Partial profiles replace each other as
 * the host streams them. All names and values are React text children: nothing is interpreted as HTML.
 */
import { useState } from 'react';
import { Button, Checkbox, Dropdown, TextField, initialState, postToHost, useHostMessages, usePersistedState } from '../shell';
import type { ColumnProfile, CsvDialect, FileProfile, Finding, ProfileInitialState, ProfileToHost, ProfileToWebview } from '../../../src/shared/protocol/profile';
import { HistogramChart, NullBar, Sparkline, TopValues } from './Charts';
import { distinctText, fmtBytes, fmtNum, fmtValue } from './format';

const send = (m: ProfileToHost) => postToHost<ProfileToHost>(m);

export function ProfileApp() {
  const init = initialState<ProfileInitialState>() ?? { title: 'Profile', source: 'file' };
  const [profile, setProfile] = useState<FileProfile | undefined>();
  const [phase, setPhase] = useState<{ label: string; done: boolean; cached?: boolean }>({ label: 'Starting…', done: false });
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = usePersistedState<string | undefined>('selected', undefined);

  useHostMessages<ProfileToWebview | { type: 'status'; busy: boolean; text?: string; error?: string }>((m) => {
    if (m.type === 'profile') {
      setProfile(m.profile);
      setPhase({ label: m.phaseLabel, done: m.done, cached: m.cached });
      setError(undefined);
    } else if (m.type === 'profileError') {
      setError(m.message);
      setPhase((p) => ({ ...p, done: true }));
    } else if (m.type === 'status' && m.error) {
      setError(m.error);
    }
  });

  const column = profile?.columns.find((c) => c.name === selected);
  return (
    <div className="profile">
      <Header title={init.title} source={init.source} profile={profile} phase={phase} />
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      {profile?.dialect && phase.done && <DialectBar dialect={profile.dialect} />}
      {profile && profile.findings.length > 0 && <Findings findings={profile.findings} onSelect={setSelected} />}
      {profile && (
        <section>
          <h2>Columns ({profile.columns.length})</h2>
          <div className="cards">
            {profile.columns.map((c) => (
              <ColumnCard key={c.name} column={c} rowCount={profile.rowCount} pending={!phase.done && c.topValues.length === 0} selected={c.name === selected} onSelect={() => setSelected(c.name === selected ? undefined : c.name)} />
            ))}
          </div>
        </section>
      )}
      {profile && column && <ColumnDetail column={column} rowCount={profile.rowCount} findings={profile.findings.filter((f) => f.column === column.name)} />}
      {profile && profile.sample.columns.length > 0 && <SampleTable sample={profile.sample} />}
    </div>
  );
}

function Header({ title, source, profile, phase }: { title: string; source: 'file' | 'table'; profile?: FileProfile; phase: { label: string; done: boolean; cached?: boolean } }) {
  return (
    <header className="summary">
      <div className="title-row">
        <h1 className="title" title={profile?.path ?? title}>
          {title}
        </h1>
        <div className="actions">
          {!phase.done && (
            <Button appearance="secondary" onClick={() => send({ type: 'cancelProfile' })}>
              Cancel
            </Button>
          )}
          <Button appearance="secondary" disabled={!phase.done || !profile} onClick={() => send({ type: 'copyMarkdown' })}>
            Copy as Markdown
          </Button>
          <Button appearance="secondary" disabled={!phase.done || !profile} onClick={() => send({ type: 'exportJson' })}>
            Export JSON
          </Button>
          {source === 'file' && <Button onClick={() => send({ type: 'queryFile' })}>Query this file</Button>}
        </div>
      </div>
      {profile && (
        <div className="facts">
          <Fact label="Rows" value={`${profile.rowCountIsEstimate ? '≈' : ''}${fmtNum(profile.rowCount)}`} />
          <Fact label="Columns" value={fmtNum(profile.columns.length)} />
          <Fact label="Format" value={`${profile.format.toUpperCase()}${profile.file && profile.file.compression !== 'none' ? ` (${profile.file.compression})` : ''}`} />
          {profile.file && <Fact label="Size" value={fmtBytes(profile.file.sizeBytes)} />}
          {profile.duplicateRowCount !== undefined && profile.duplicateRowCount !== null && <Fact label="Duplicate rows" value={fmtNum(profile.duplicateRowCount)} />}
          {profile.rejectedRowCount ? <Fact label="Rejected lines" value={fmtNum(profile.rejectedRowCount)} /> : null}
          {phase.done && <Fact label="Time" value={phase.cached ? 'cached' : `${(profile.elapsedMs / 1000).toFixed(1)} s`} />}
        </div>
      )}
      {!phase.done && (
        <div className="phase" role="status">
          <span className="spinner" aria-hidden="true" /> {phase.label}
        </div>
      )}
    </header>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="fact">
      <div className="fact-value">{value}</div>
      <div className="fact-label muted">{label}</div>
    </div>
  );
}

const ENCODINGS = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'utf-16', label: 'UTF-16' },
  { value: 'latin-1', label: 'Latin-1' },
];

function visible(s: string): string {
  return s === '\t' ? '\\t' : s;
}

function DialectBar({ dialect }: { dialect: CsvDialect }) {
  const [delimiter, setDelimiter] = useState(visible(dialect.delimiter));
  const [quote, setQuote] = useState(dialect.quote);
  const [header, setHeader] = useState(dialect.header);
  const [encoding, setEncoding] = useState(dialect.encoding);
  const [dateFormat, setDateFormat] = useState(dialect.dateFormat ?? '');
  const reprofile = () =>
    send({
      type: 'reprofile',
      dialect: { delimiter: delimiter === '\\t' ? '\t' : delimiter, quote, header, encoding, ...(dateFormat ? { dateFormat } : {}) },
    });
  return (
    <section className="dialect" aria-label="CSV dialect">
      <span className="muted">Detected:</span>
      <label>
        Delimiter <TextField value={delimiter} onChange={setDelimiter} size={3} />
      </label>
      <label>
        Quote <TextField value={quote} onChange={setQuote} size={2} />
      </label>
      <label>
        Encoding <Dropdown value={encoding} options={ENCODINGS} onChange={setEncoding} />
      </label>
      <label>
        Date format <TextField value={dateFormat} onChange={setDateFormat} size={10} placeholder="auto" />
      </label>
      <Checkbox checked={header} onChange={setHeader}>
        Header row
      </Checkbox>
      {dialect.escape ? <span className="muted">Escape {dialect.escape}</span> : null}
      <Button appearance="secondary" onClick={reprofile}>
        Re-profile
      </Button>
    </section>
  );
}

function Findings({ findings, onSelect }: { findings: Finding[]; onSelect: (name: string) => void }) {
  return (
    <section className="findings">
      <h2>Findings ({findings.length})</h2>
      <ul>
        {findings.map((f, i) => (
          <li key={i} className={`finding ${f.severity}`}>
            <span className="kind">{f.kind}</span>{' '}
            {f.column !== null ? (
              <a href="#" className="column-link" onClick={(e) => (e.preventDefault(), onSelect(f.column!))}>
                {f.column}
              </a>
            ) : null}{' '}
            <span className="message">{f.message}</span>
            {f.examples && f.examples.length > 0 && (
              <div className="examples mono">
                {f.examples.slice(0, 5).map((x, k) => (
                  <code key={k}>{x}</code>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ColumnCard({ column: c, rowCount, pending, selected, onSelect }: { column: ColumnProfile; rowCount: number; pending: boolean; selected: boolean; onSelect: () => void }) {
  return (
    <div className={`card${selected ? ' selected' : ''}`} role="button" tabIndex={0} onClick={onSelect} onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSelect()}>
      <div className="card-head">
        <span className="col-name" title={c.name}>
          {c.name}
        </span>
        <span className="col-type">{c.type}</span>
      </div>
      <NullBar percent={c.nullPercent} />
      <div className="card-stats muted">
        <span>{c.nullPercent.toFixed(1)}% null</span>
        <span>{pending ? '…' : `${distinctText(c)} distinct`}</span>
      </div>
      {c.histogram ? (
        <Sparkline bins={c.histogram} />
      ) : c.topValues.length ? (
        <TopValues values={c.topValues} total={rowCount} limit={3} />
      ) : (
        <div className="muted sample-line">{c.sampleValues.slice(0, 3).map(fmtValue).join(' · ')}</div>
      )}
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <tr>
      <th>{label}</th>
      <td>{value}</td>
    </tr>
  );
}

function ColumnDetail({ column: c, rowCount, findings }: { column: ColumnProfile; rowCount: number; findings: Finding[] }) {
  const q = c.quantiles;
  return (
    <section className="detail" aria-label={`Details of ${c.name}`}>
      <h2>
        <span className="col-name">{c.name}</span> <span className="col-type">{c.type}</span>
      </h2>
      <div className="detail-grid">
        <table className="stats">
          <tbody>
            <Row label="Nulls" value={`${fmtNum(c.nullCount)} (${c.nullPercent.toFixed(2)}%)`} />
            <Row label="Distinct" value={`${distinctText(c)}${c.distinctIsExact ? ' (exact)' : ''}`} />
            <Row label="Min" value={fmtValue(c.min)} />
            <Row label="Max" value={fmtValue(c.max)} />
            {c.mean !== null && <Row label="Mean" value={fmtNum(c.mean)} />}
            {c.stddev !== null && <Row label="Std dev" value={fmtNum(c.stddev)} />}
            {q && <Row label={`Quantiles (${c.quantileMethod === 't-digest' ? 't-digest approx.' : 'exact'})`} value={`p5 ${fmtValue(q.p5)} · p25 ${fmtValue(q.p25)} · p50 ${fmtValue(q.p50)} · p75 ${fmtValue(q.p75)} · p95 ${fmtValue(q.p95)}`} />}
            {c.outlierCount !== undefined && <Row label="Outliers (1.5×IQR)" value={fmtNum(c.outlierCount)} />}
            {c.stringLength && <Row label="Length" value={`min ${fmtNum(c.stringLength.min)} · mean ${fmtNum(c.stringLength.mean)} · max ${fmtNum(c.stringLength.max)}`} />}
            {c.whitespaceCount !== undefined && <Row label="Padded values" value={fmtNum(c.whitespaceCount)} />}
            <Row label="Samples" value={c.sampleValues.map(fmtValue).join(' · ')} />
          </tbody>
        </table>
        <div>
          {c.histogram && <HistogramChart column={c} />}
          {c.topValues.length > 0 && (
            <>
              <h3>Top values</h3>
              <TopValues values={c.topValues} total={rowCount} />
            </>
          )}
        </div>
      </div>
      {findings.length > 0 && (
        <ul className="detail-findings">
          {findings.map((f, i) => (
            <li key={i}>{f.message}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SampleTable({ sample }: { sample: FileProfile['sample'] }) {
  return (
    <section className="sample">
      <h2>First {sample.rows.length} rows</h2>
      <div className="table-scroll">
        <table className="grid">
          <thead>
            <tr>
              <th className="num">#</th>
              {sample.columns.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sample.rows.map((r, i) => (
              <tr key={i}>
                <td className="num muted">{i + 1}</td>
                {r.map((v, k) => (
                  <td key={k} className={v === null ? 'null' : typeof v === 'number' ? 'num' : undefined}>
                    {fmtValue(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
