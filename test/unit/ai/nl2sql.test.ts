import { strict as assert } from 'node:assert';
import { askForSql } from '../../../src/core/ai/nl2sql';
import { LlmRouter } from '../../../src/core/ai/router';
import { createProvider } from '../../../src/core/ai/providers';
import { loadCatalog, type CatalogSnapshot } from '../../../src/core/ai/schemaContext';
import type { Connection } from '../../../src/core/connections/types';
import { startLlmServer, type LlmServer, type RecordedRequest } from '../../helpers/llm/server';
import { demoWarehouse, openDemo } from '../../helpers/llm/demoWarehouse';

const KEY = 'sk-nl2sql-test-000000000000';
const answer = (sql: string, explanation = 'ok') => ({ kind: 'text' as const, text: JSON.stringify({ sql, explanation }), usage: { promptTokens: 500, completionTokens: 40 } });
const lastUser = (r: RecordedRequest) => [...r.body.messages].reverse().find((m: any) => m.role === 'user')?.content as string;

/** NL→SQL against the real demo warehouse in DuckDB, with a scripted model behind the real OpenAI SDK. */
describe('ai: question → SQL that runs (real DuckDB, real SDK, scripted model)', function () {
  this.timeout(60_000);
  let llm: LlmServer;
  let conn: Connection;
  let catalog: CatalogSnapshot;

  before(async () => {
    conn = openDemo(await demoWarehouse());
    catalog = await loadCatalog(conn);
  });
  after(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    llm = await startLlmServer({ apiKey: KEY });
  });
  afterEach(async () => {
    await llm.stop();
  });

  const router = () => new LlmRouter([createProvider({ id: 'openai', model: 'gpt-test', apiKey: KEY, baseUrl: llm.openaiBaseUrl })]);

  it('loads the demo catalog with keys and comments', () => {
    const orders = catalog.tables.find((t) => t.schema === 'shop' && t.name === 'orders');
    assert.ok(orders, catalog.tables.map((t) => t.name).join(','));
    assert.deepEqual(orders.columns.map((c) => c.name), ['order_id', 'customer_id', 'ordered_at', 'status', 'channel']);
    assert.equal(orders.columns[0].primaryKey, true);
    assert.match(orders.comment ?? '', /One row per order/);
  });

  it('returns valid SQL on the first attempt, with the schema in the prompt and usage summed', async () => {
    llm.script(answer('SELECT count(*) AS orders FROM shop.orders', 'Counts all orders.'));
    const r = await askForSql({ question: 'How many orders are there?', connection: conn, router: router(), catalog });
    assert.equal(r.valid, true);
    assert.equal(r.attempts, 1);
    assert.equal(r.sql, 'SELECT count(*) AS orders FROM shop.orders');
    assert.equal(r.explanation, 'Counts all orders.');
    assert.deepEqual(r.usage, { promptTokens: 500, completionTokens: 40 });
    assert.deepEqual(r.tables, ['shop.orders']);
    assert.equal(r.statement.isWrite, false);
    const system = llm.requests[0].body.messages[0];
    assert.equal(system.role, 'system');
    assert.match(system.content, /DuckDB/);
    assert.match(system.content, /TABLE shop\.orders -- ~\d+ rows -- One row per order/);
    assert.match(system.content, /channel VARCHAR -- Where the order was placed/);
  });

  it('repairs an unknown column by sending the catalog error back to the model', async () => {
    llm.script(answer('SELECT sum(total) AS revenue FROM shop.payments'), answer('SELECT sum(amount) AS revenue FROM shop.payments'));
    const progress: string[] = [];
    const r = await askForSql({ question: 'total revenue', connection: conn, router: router(), catalog, onProgress: (p) => progress.push(p.type) });
    assert.equal(r.valid, true);
    assert.equal(r.attempts, 2);
    assert.equal(r.sql, 'SELECT sum(amount) AS revenue FROM shop.payments');
    assert.deepEqual(r.usage, { promptTokens: 1000, completionTokens: 80 });
    assert.match(lastUser(llm.requests[1]), /Unknown column total in shop\.payments/);
    // The model's own failed answer is replayed before the repair request.
    const msgs = llm.requests[1].body.messages;
    assert.equal(msgs[msgs.length - 2].role, 'assistant');
    assert.ok(progress.includes('repairing'));
  });

  it('repairs what only the database catches (EXPLAIN), e.g. an unknown function', async () => {
    llm.script(answer('SELECT no_such_function(amount) AS x FROM shop.payments'), answer('SELECT avg(amount) AS x FROM shop.payments'));
    const r = await askForSql({ question: 'average payment', connection: conn, router: router(), catalog });
    assert.equal(r.valid, true);
    assert.equal(r.attempts, 2);
    assert.match(lastUser(llm.requests[1]), /The database rejected it: .*no_such_function/i);
  });

  it('stops after maxRepairAttempts and reports the remaining problem', async () => {
    const wrong = answer('SELECT * FROM shop.refunds');
    llm.script(wrong, wrong, wrong, wrong);
    const r = await askForSql({ question: 'refunds', connection: conn, router: router(), catalog, maxRepairAttempts: 2 });
    assert.equal(r.valid, false);
    assert.equal(r.attempts, 3);
    assert.equal(llm.requests.length, 3);
    assert.deepEqual(r.problems, ['Unknown table shop.refunds.']);
  });

  it('asks again when the answer has no SQL', async () => {
    llm.script({ kind: 'text', text: 'I would need more details about your tables.' }, answer('SELECT count(*) AS n FROM shop.customers'));
    const r = await askForSql({ question: 'customers?', connection: conn, router: router(), catalog });
    assert.equal(r.valid, true);
    assert.equal(r.attempts, 2);
    assert.match(lastUser(llm.requests[1]), /no SQL.*JSON object/);
  });

  it('refuses a second statement', async () => {
    llm.script(answer('SELECT 1; SELECT 2'), answer('SELECT 1 AS one'));
    const r = await askForSql({ question: 'one', connection: conn, router: router(), catalog });
    assert.equal(r.attempts, 2);
    assert.match(lastUser(llm.requests[1]), /exactly one statement, not 2/);
  });

  it('replays earlier turns so follow-ups keep their context', async () => {
    llm.script(answer("SELECT count(*) AS n FROM shop.orders WHERE status = 'returned'"));
    await askForSql({
      question: 'and only returned ones?',
      connection: conn,
      router: router(),
      catalog,
      history: [{ question: 'How many orders?', sql: 'SELECT count(*) AS n FROM shop.orders', explanation: 'all orders' }],
    });
    const roles = llm.requests[0].body.messages.map((m: any) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'user']);
    assert.equal(llm.requests[0].body.messages[1].content, 'How many orders?');
    assert.match(llm.requests[0].body.messages[2].content, /SELECT count\(\*\) AS n FROM shop\.orders/);
  });

  it('adds sample values only when allowed', async () => {
    llm.script(answer("SELECT count(*) AS n FROM shop.orders WHERE status = 'returned'"), answer('SELECT 1 AS x'));
    await askForSql({ question: 'returned orders by status', connection: conn, router: router(), catalog: await loadCatalog(conn), includeSampleValues: true });
    assert.match(llm.requests[0].body.messages[0].content, /status VARCHAR -- e\.g\. .*'returned'|status VARCHAR -- e\.g\. .*'completed'/);
    await askForSql({ question: 'returned orders by status', connection: conn, router: router(), catalog: await loadCatalog(conn) });
    assert.doesNotMatch(llm.requests[1].body.messages[0].content, /e\.g\./);
  });
});
