/**
 * The Ask sidebar: provider and connection pickers, the conversation (question → explanation, SQL, actions, inline
 * results, summary), token use per answer and per session. All data is rendered as text.
 */
import { useEffect, useRef, useState } from 'react';
import { Button, Dropdown, ProgressRing, postToHost, useHostMessages, usePersistedState } from '../shell';
import type { AskStateMessage, AskToHost, AskToWebview, AskTurn, AskUsage } from '../../../src/shared/protocol/ask';

const send = (m: AskToHost) => postToHost(m);
const fmt = (n: number) => n.toLocaleString('en-US');
const usageText = (u?: AskUsage) => (u ? `${fmt(u.promptTokens)} prompt + ${fmt(u.completionTokens)} completion tokens` : '');

function ResultTable({ turn }: { turn: AskTurn }) {
  const r = turn.result!;
  return (
    <div className="ask-result">
      <div className="ask-result-scroll">
        <table>
          <thead>
            <tr>{r.columns.map((c, i) => <th key={i}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {r.rows.map((row, i) => (
              <tr key={i}>{row.map((v, j) => <td key={j} className={v === 'NULL' ? 'null' : undefined}>{v}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="ask-meta">
        {fmt(r.rowCount)} row{r.rowCount === 1 ? '' : 's'}{r.truncated ? ` (first ${r.rows.length} shown)` : ''} · {Math.round(r.elapsedMs)} ms
      </div>
    </div>
  );
}

function Turn({ turn }: { turn: AskTurn }) {
  return (
    <div className="ask-turn" data-status={turn.status}>
      <div className="ask-question">{turn.question}</div>
      <div className="ask-meta">{turn.connectionName}{turn.provider ? ` · ${turn.provider} ${turn.model ?? ''}` : ''}</div>
      {turn.status === 'pending' && (
        <div className="ask-progress">
          <ProgressRing /> <span>{turn.progress ?? 'Working…'}</span>
          <Button appearance="secondary" onClick={() => send({ type: 'cancel' })}>Cancel</Button>
        </div>
      )}
      {turn.status === 'error' && <div className="error-banner" role="alert">{turn.error}</div>}
      {turn.status === 'done' && (
        <>
          {turn.explanation && <p className="ask-explanation">{turn.explanation}</p>}
          <pre className="ask-sql"><code>{turn.sql}</code></pre>
          {turn.valid === false && <div className="warning-banner">Still failing after {turn.attempts} attempts: {(turn.problems ?? []).join(' ')}</div>}
          {turn.isWrite && <div className="warning-banner">This statement changes data; it runs only after you confirm.</div>}
          <div className="ask-actions">
            <Button onClick={() => send({ type: 'runTurn', turnId: turn.id })}>Run</Button>
            <Button appearance="secondary" onClick={() => send({ type: 'openTurn', turnId: turn.id })}>Open in Editor</Button>
            <Button appearance="secondary" onClick={() => send({ type: 'lineageTurn', turnId: turn.id })}>Lineage</Button>
            <Button appearance="secondary" onClick={() => postToHost({ type: 'copyToClipboard', text: turn.sql ?? '' })}>Copy</Button>
          </div>
          {turn.runError && <div className="error-banner" role="alert">{turn.runError}</div>}
          {turn.result && <ResultTable turn={turn} />}
          {turn.result && !turn.summary && (
            <Button appearance="secondary" onClick={() => send({ type: 'summariseTurn', turnId: turn.id })}>Summarise in words</Button>
          )}
          {turn.summary && <p className="ask-summary">{turn.summary}</p>}
          <div className="ask-meta">
            {turn.attempts} attempt{turn.attempts === 1 ? '' : 's'} · {usageText(turn.usage)}
          </div>
        </>
      )}
    </div>
  );
}

export function AskApp() {
  const [state, setState] = useState<AskStateMessage | undefined>();
  const [draft, setDraft] = usePersistedState('draft', '');
  const endRef = useRef<HTMLDivElement>(null);

  useHostMessages<AskToWebview>((m) => {
    if (m.type === 'askState') setState(m);
    else if (m.type === 'askTurn') {
      setState((s) => {
        if (!s) return s;
        const turns = s.turns.some((t) => t.id === m.turn.id) ? s.turns.map((t) => (t.id === m.turn.id ? m.turn : t)) : [...s.turns, m.turn];
        return { ...s, turns, sessionUsage: m.sessionUsage };
      });
    }
  });

  const count = state?.turns.length ?? 0;
  // Block body on purpose: newer Chromium returns a Promise from scrollIntoView, and React would call it as cleanup.
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [count]);

  if (!state) return <div className="ask-loading"><ProgressRing /></div>;
  const busy = state.turns.some((t) => t.status === 'pending');
  const noProvider = !state.providers.some((p) => p.ready);
  const submit = () => {
    if (!draft.trim() || busy) return;
    send({ type: 'ask', question: draft.trim() });
    setDraft('');
  };

  return (
    <div className="ask-app">
      <div className="ask-pickers">
        <label>
          Model
          <Dropdown
            title="Model provider"
            value={state.provider}
            options={state.providers.map((p) => ({ value: p.id, label: p.label + (p.id && !p.ready ? ' (not set up)' : '') }))}
            onChange={(v) => send({ type: 'setProvider', provider: v })}
          />
        </label>
        <label>
          Connection
          <Dropdown title="Connection" value={state.connectionId} options={state.connections.map((c) => ({ value: c.id, label: c.label }))} onChange={(v) => send({ type: 'setConnection', connectionId: v })} />
        </label>
      </div>
      {noProvider && (
        <div className="warning-banner">
          No model is set up. <Button appearance="secondary" onClick={() => send({ type: 'setApiKey' })}>Set up a provider</Button>
        </div>
      )}
      <div className="ask-turns" aria-live="polite">
        {state.turns.length === 0 && <p className="ask-empty">Ask a question about your data, e.g. “Which 5 products earned the most revenue in 2024?”</p>}
        {state.turns.map((t) => <Turn key={t.id} turn={t} />)}
        <div ref={endRef} />
      </div>
      <div className="ask-input">
        <textarea
          aria-label="Question"
          placeholder="Ask about your data (Enter to send, Shift+Enter for a new line)"
          value={draft}
          rows={3}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <div className="ask-actions">
          <Button disabled={busy || !draft.trim()} onClick={submit}>Ask</Button>
          <Button appearance="secondary" onClick={() => send({ type: 'clear' })}>Clear</Button>
          <Button appearance="secondary" title="Reload tables and columns" onClick={() => send({ type: 'refreshSchema' })}>Refresh schema</Button>
        </div>
        <div className="ask-meta">Session: {usageText(state.sessionUsage)}{state.autoExecute ? ' · auto-run on (read-only only)' : ''}</div>
      </div>
    </div>
  );
}
