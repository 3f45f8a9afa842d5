/**
 * The @iopsdata chat participant in the real VS Code extension host, answering with a real vscode.lm model.
 *
 * The model: a test-only extension (test/helpers/llm/vscode-lm-extension, installed next to iOpsData by run.mjs)
 * contributes the `iopsdata-test` vendor and registers a LanguageModelChatProvider through
 * vscode.lm.registerLanguageModelChatProvider, streaming from the loopback OpenAI-compatible server. So
 * vscode.lm.selectChatModels returns it and everything between request.model and our VscodeLmProvider adapter is
 * VS Code's own (message conversion, streaming, cancellation, countTokens).
 *
 * The request: this host (code-server, no signed-in Copilot) does not send chat requests from
 * workbench.action.chat.open to extension participants, so the suite calls the participant's real handler (the one
 * registered with vscode.chat.createChatParticipant, via iopsdata.ai.chatHandlerForTests) with a ChatRequest whose
 * model comes from vscode.lm, history made of VS Code's ChatRequestTurn/ChatResponseTurn, and a ChatResponseStream
 * that records VS Code's own response part types. The SQL runs against the demo warehouse (real DuckDB).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateDemo } from '../../../src/core/demo/generateDemo';
import { startLlmServer, type LlmServer } from '../../helpers/llm/server';

const TEST_VENDOR = 'iopsdata-test';
const CONNECTION = 'itest-chat-demo';

interface HandlerForTests {
  handler: vscode.ChatRequestHandler;
  followupProvider?: vscode.ChatFollowupProvider;
}

/** A ChatResponseStream that keeps what the handler streamed, as VS Code's own part types. */
class RecordingStream {
  readonly parts: vscode.ChatResponsePart[] = [];
  markdown(value: string | vscode.MarkdownString) {
    this.parts.push(new vscode.ChatResponseMarkdownPart(value));
  }
  anchor(value: vscode.Uri | vscode.Location, title?: string) {
    this.parts.push(new vscode.ChatResponseAnchorPart(value, title));
  }
  button(command: vscode.Command) {
    this.parts.push(new vscode.ChatResponseCommandButtonPart(command));
  }
  filetree(value: vscode.ChatResponseFileTree[], baseUri: vscode.Uri) {
    this.parts.push(new vscode.ChatResponseFileTreePart(value, baseUri));
  }
  progress(value: string) {
    this.parts.push(new vscode.ChatResponseProgressPart(value));
  }
  reference(value: vscode.Uri | vscode.Location) {
    this.parts.push(new vscode.ChatResponseReferencePart(value));
  }
  push(part: vscode.ChatResponsePart) {
    this.parts.push(part);
  }
  get text(): string {
    return this.parts.map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : '')).join('');
  }
  get progressText(): string[] {
    return this.parts.filter((p): p is vscode.ChatResponseProgressPart => p instanceof vscode.ChatResponseProgressPart).map((p) => p.value);
  }
  get buttons(): vscode.Command[] {
    return this.parts.filter((p): p is vscode.ChatResponseCommandButtonPart => p instanceof vscode.ChatResponseCommandButtonPart).map((p) => p.value);
  }
  get markdownParts(): number {
    return this.parts.filter((p) => p instanceof vscode.ChatResponseMarkdownPart).length;
  }
}

describe('@iopsdata chat participant with a vscode.lm model (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const demoDir = path.join(ws, 'itest-chat');
  const cfg = () => vscode.workspace.getConfiguration('iopsdata.ai');
  let llm: LlmServer;
  let model: vscode.LanguageModelChat;
  let chat: HandlerForTests;
  let tables: Record<string, number>;

  function request(prompt: string, command: string | undefined, extra: Partial<vscode.ChatRequest> = {}): vscode.ChatRequest {
    return { prompt, command, references: [], toolReferences: [], toolInvocationToken: undefined as never, model, ...extra } as unknown as vscode.ChatRequest;
  }
  async function ask(req: vscode.ChatRequest, history: (vscode.ChatRequestTurn | vscode.ChatResponseTurn)[] = [], token = new vscode.CancellationTokenSource().token) {
    const stream = new RecordingStream();
    const result = (await chat.handler(req, { history } as vscode.ChatContext, stream as unknown as vscode.ChatResponseStream, token)) ?? {};
    return { stream, result: result as vscode.ChatResult };
  }
  const json = (sql: string, explanation: string) => JSON.stringify({ sql, explanation });

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    llm = await startLlmServer();
    const testLm = vscode.extensions.getExtension<{ setBaseUrl(url?: string): void }>('iopsdata-test.iopsdata-test-lm');
    assert.ok(testLm, 'the test-only language-model extension is not installed (see test/integration/run.mjs)');
    (await testLm.activate()).setBaseUrl(llm.openaiBaseUrl);
    fs.rmSync(demoDir, { recursive: true, force: true });
    tables = (await generateDemo(demoDir, { customers: 300 })).tables;
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: CONNECTION, name: 'ITest chat demo', kind: 'duckdb', path: 'itest-chat/warehouse.duckdb' });
    await vscode.commands.executeCommand('iopsdata.connections.selectForEditor', undefined, CONNECTION);
    // Only the model picked in the chat answers: no HTTP provider is configured.
    await cfg().update('providers', ['vscode-lm'], vscode.ConfigurationTarget.Global);
    chat = (await vscode.commands.executeCommand('iopsdata.ai.chatHandlerForTests')) as HandlerForTests;
    assert.equal(typeof chat?.handler, 'function');
  });
  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', CONNECTION, { confirm: false });
    await cfg().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await llm?.stop();
    fs.rmSync(demoDir, { recursive: true, force: true });
  });

  it('vscode.lm.selectChatModels returns the model contributed through registerLanguageModelChatProvider', async () => {
    const models = await vscode.lm.selectChatModels({ vendor: TEST_VENDOR });
    assert.equal(models.length, 1);
    model = models[0];
    assert.deepEqual([model.vendor, model.id, model.family, model.name], [TEST_VENDOR, 'loopback-sql', 'loopback', 'Loopback SQL model']);
    assert.equal(await model.countTokens('12345678'), 2);
  });

  let first: vscode.ChatResult;
  let firstStream: RecordingStream;

  it('/sql: streams progress, repairs an unknown column with the EXPLAIN error, shows the SQL with Run / Open / Lineage buttons', async () => {
    const good = 'SELECT country, count(*) AS customers FROM shop.customers GROUP BY country ORDER BY customers DESC';
    llm.script(
      { kind: 'text', text: json('SELECT nation, count(*) FROM shop.customers GROUP BY nation', 'Customers per nation.') },
      { kind: 'text', text: '```json\n' + json(good, 'Counts customers per country, biggest first.') + '\n```', chunks: 5 },
    );
    const before = llm.requests.length;
    const { stream, result } = await ask(request('How many customers are there per country?', 'sql'));
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    const md = result.metadata as { command: string; sql: string; question: string; connectionId: string };
    assert.equal(md.command, 'sql');
    assert.equal(md.sql, good);
    assert.equal(md.connectionId, CONNECTION);
    // The model got the demo schema through vscode.lm (system prompt as the first user message, no system role).
    const sent = llm.requests.slice(before);
    assert.equal(sent.length, 2);
    assert.equal(sent[0].body.model, 'loopback-sql');
    assert.equal(sent[0].body.messages[0].role, 'user');
    assert.match(sent[0].body.messages[0].content, /^Instructions:\n/);
    assert.match(sent[0].body.messages[0].content, /TABLE shop\.customers/);
    assert.match(sent[1].body.messages.at(-1).content, /nation/);
    assert.deepEqual(sent[1].body.messages.at(-2), { role: 'assistant', content: json('SELECT nation, count(*) FROM shop.customers GROUP BY nation', 'Customers per nation.') });
    // Progress, then the explanation and the SQL block, then the usage line counted with the model's tokenizer.
    assert.ok(stream.progressText.some((p) => p.startsWith('Reading the schema of ITest chat demo')), stream.progressText.join(' | '));
    assert.ok(stream.progressText.some((p) => p.startsWith('Repairing:') && /nation/.test(p)), stream.progressText.join(' | '));
    assert.match(stream.text, /Counts customers per country, biggest first\./);
    assert.ok(stream.text.includes('```sql\n' + good + '\n```'));
    assert.match(stream.text, /_2 attempts · [\d,]+ prompt \+ [\d,]+ completion tokens · session [\d,]+ prompt \+ [\d,]+ completion tokens_$/);
    assert.doesNotMatch(stream.text, /changes data/);
    const buttons = stream.buttons;
    assert.deepEqual(buttons.map((b) => [b.command, b.title]), [
      ['iopsdata.ai.runSql', 'Run'],
      ['iopsdata.ai.openSql', 'Open in Editor'],
      ['iopsdata.ai.showSqlLineage', 'Show Lineage'],
    ]);
    for (const b of buttons) assert.deepEqual(b.arguments?.[0], { sql: good, connectionId: CONNECTION, title: 'How many customers are there per country?' });
    first = result;
    firstStream = stream;
  });

  it('the Run and Show Lineage buttons run the SQL on the connection and draw its lineage', async () => {
    const sql = (first.metadata as { sql: string }).sql;
    const [run, , lineage] = firstStream.buttons;
    const t0 = Date.now();
    await vscode.commands.executeCommand(run.command, ...(run.arguments ?? []));
    const state = (await vscode.commands.executeCommand('iopsdata.run.stateForTests')) as { history: { sql: string; connectionId: string; status: string; rows?: number; startedAt: number }[] };
    const entry = state.history.find((h) => h.sql === sql && h.startedAt >= t0 - 1000);
    assert.ok(entry, JSON.stringify(state.history.slice(0, 3)));
    assert.equal(entry.connectionId, CONNECTION);
    assert.equal(entry.status, 'ok');
    assert.ok((entry.rows ?? 0) > 1);
    await vscode.commands.executeCommand(lineage.command, ...(lineage.arguments ?? []));
    const until = Date.now() + 20_000;
    let panels: { sentNodes: string[]; sentAt: number }[] = [];
    while (Date.now() < until) {
      panels = ((await vscode.commands.executeCommand('iopsdata.lineage.stateForTests')) as { panels: typeof panels }).panels;
      if (panels.some((p) => p.sentAt >= t0 && p.sentNodes.some((n) => /customers/.test(n)))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(panels.some((p) => p.sentAt >= t0 && p.sentNodes.some((n) => /customers/.test(n))), JSON.stringify(panels).slice(0, 500));
  });

  it('the Open in Editor button opens the SQL, and the follow-up offered is /explain of that SQL', async () => {
    const open = firstStream.buttons[1];
    const uri = (await vscode.commands.executeCommand(open.command, ...(open.arguments ?? []))) as vscode.Uri;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    assert.equal(doc.languageId, 'sql');
    assert.equal(doc.getText().trim(), (first.metadata as { sql: string }).sql);
    const followups = (await chat.followupProvider!.provideFollowups(first, { history: [] } as vscode.ChatContext, new vscode.CancellationTokenSource().token)) ?? [];
    assert.equal(followups.length, 1);
    assert.equal(followups[0].command, 'explain');
    assert.ok(followups[0].prompt.includes((first.metadata as { sql: string }).sql));
  });

  it('a follow-up question keeps the conversation: earlier questions and their SQL go to the model', async () => {
    const refined = "SELECT count(*) AS customers FROM shop.customers WHERE country = 'DE'";
    llm.script({ kind: 'text', text: json(refined, 'Only German customers.') });
    // VS Code's own turn classes (their constructors are private in the typings, not at runtime).
    const RequestTurn = vscode.ChatRequestTurn as unknown as new (...args: unknown[]) => vscode.ChatRequestTurn;
    const ResponseTurn = vscode.ChatResponseTurn as unknown as new (...args: unknown[]) => vscode.ChatResponseTurn;
    const history = [
      new RequestTurn('How many customers are there per country?', 'sql', [], 'iopsdata.chat', []),
      new ResponseTurn(firstStream.parts.filter((p): p is vscode.ChatResponseMarkdownPart => p instanceof vscode.ChatResponseMarkdownPart), first, 'iopsdata.chat', 'sql'),
    ];
    const before = llm.requests.length;
    const { result } = await ask(request('and only for DE?', 'sql'), history as never);
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.equal((result.metadata as { sql: string }).sql, refined);
    const msgs: { role: string; content: string }[] = llm.requests[before].body.messages;
    assert.deepEqual(msgs.slice(1), [
      { role: 'user', content: 'How many customers are there per country?' },
      { role: 'assistant', content: json((first.metadata as { sql: string }).sql, 'Counts customers per country, biggest first.') },
      { role: 'user', content: 'and only for DE?' },
    ]);
  });

  it('/explain streams the model’s explanation of the SQL in the prompt', async () => {
    const sql = 'SELECT c.country, sum(p.amount) FROM shop.payments p JOIN shop.orders o USING (order_id) JOIN shop.customers c USING (customer_id) GROUP BY 1';
    const answer = 'It adds up **captured payments** per customer country, joining payments → orders → customers.';
    llm.script({ kind: 'text', text: answer, chunks: 4 });
    const before = llm.requests.length;
    const { stream, result } = await ask(request('```sql\n' + sql + '\n```', 'explain'));
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.ok(stream.text.startsWith(answer), stream.text);
    // Streamed as it arrived (several Markdown parts), then the usage line.
    assert.ok(stream.markdownParts >= 4, `${stream.markdownParts} markdown parts`);
    assert.match(stream.text, /_[\d,]+ prompt \+ [\d,]+ completion tokens_$/);
    const msgs: { content: string }[] = llm.requests[before].body.messages;
    assert.match(msgs[0].content, /TABLE shop\.payments/);
    assert.ok(msgs.at(-1)!.content.includes(sql));
  });

  it('/fix sends the selected failing query and its error to the model and shows the fixed SQL', async () => {
    const broken = 'SELECT count(*) FROM shop.customer';
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `-- counts\n${broken}\n` });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, broken.length);
    const fixed = 'SELECT count(*) FROM shop.customers';
    llm.script({ kind: 'text', text: json(fixed, 'The table is called customers.') });
    const before = llm.requests.length;
    const { stream, result } = await ask(request('Catalog Error: Table with name customer does not exist!', 'fix'));
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.equal((result.metadata as { sql: string }).sql, fixed);
    const last: string = llm.requests[before].body.messages.at(-1).content;
    assert.match(last, /This query fails with the error below/);
    assert.ok(last.includes(broken) && last.includes('Table with name customer does not exist'), last);
    assert.ok(stream.text.includes('```sql\n' + fixed + '\n```'));
    assert.deepEqual(stream.buttons.map((b) => b.command), ['iopsdata.ai.runSql', 'iopsdata.ai.openSql', 'iopsdata.ai.showSqlLineage']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('/profile profiles a workspace file with DuckDB (no model call) and offers to open the full profile', async () => {
    const before = llm.requests.length;
    const { stream, result } = await ask(request('itest-chat/data/orders.csv', 'profile'));
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.equal(llm.requests.length, before);
    assert.match(stream.text, /^# Profile of .*orders\.csv/);
    assert.ok(stream.text.includes(`**Rows:** ${tables.orders.toLocaleString('en-US')}`), stream.text.slice(0, 300));
    assert.match(stream.text, /\| order\\_id \| BIGINT \| 0 \(0\.0%\) \|/);
    const [button] = stream.buttons;
    assert.equal(button.command, 'iopsdata.profile.file');
    assert.equal((button.arguments?.[0] as vscode.Uri).fsPath, path.join(demoDir, 'data/orders.csv'));
  });

  it('/lineage gives table and column lineage of SQL in the prompt and of a dbt model file', async () => {
    const before = llm.requests.length;
    const inline = await ask(request('INSERT INTO mart.by_country SELECT c.country, sum(p.amount) AS revenue FROM shop.payments p JOIN shop.orders o ON o.order_id = p.order_id JOIN shop.customers c ON c.customer_id = o.customer_id GROUP BY c.country', 'lineage'));
    assert.match(inline.stream.text, /\*\*Sources:\*\* .*`shop\.customers`/);
    assert.match(inline.stream.text, /\*\*Targets:\*\* `mart\.by_country`/);
    assert.match(inline.stream.text, /\| mart\.by_country\.revenue \| shop\.payments\.amount \|/);
    assert.deepEqual(inline.stream.buttons.map((b) => b.command), ['iopsdata.ai.showSqlLineage']);
    const file = await ask(request('itest-chat/models/marts/customer_orders.sql', 'lineage'));
    assert.match(file.stream.text, /\*\*Sources:\*\*/);
    const [button] = file.stream.buttons;
    assert.equal(button.command, 'iopsdata.lineage.show');
    assert.equal((button.arguments?.[0] as vscode.Uri).fsPath, path.join(demoDir, 'models/marts/customer_orders.sql'));
    assert.equal(llm.requests.length, before);
  });

  it('a failing model gives a clear error in the chat, not a hang', async () => {
    llm.script({ kind: 'status', status: 500, message: 'model crashed' });
    const { result } = await ask(request('How many orders?', 'sql'));
    assert.match(result.errorDetails?.message ?? '', /No language model answered: .*Loopback SQL model/);
  });

  it('cancelling the chat request stops the model stream and returns promptly', async () => {
    llm.script({ kind: 'hang' });
    const cts = new vscode.CancellationTokenSource();
    const t0 = Date.now();
    setTimeout(() => cts.cancel(), 500);
    const { result } = await ask(request('How many orders?', 'sql'), [], cts.token);
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.equal(result.errorDetails, undefined);
    assert.deepEqual(result.metadata, { command: 'sql' });
  });
});
