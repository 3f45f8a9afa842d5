/**
 * Generates the demo workspace: a DuckDB warehouse with related shop tables over three years, the same data as
 * CSV / Parquet / JSON Lines files, a small dbt-style project using ref()/source(), and example queries.
 * Deterministic: every value derives from hash() of row numbers, so two runs produce identical data.
 */
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, throwIfAborted } from '../errors';

export interface DemoOptions {
  /** Number of customers; orders ≈ 6× this. Default 2,000. */
  customers?: number;
  /** Replace an existing demo in the folder. */
  force?: boolean;
  signal?: AbortSignal;
}

export interface DemoResult {
  dir: string;
  warehouse: string;
  files: string[];
  tables: Record<string, number>;
}

// A stable pseudo-random integer in [0, n) from a row number and a salt.
const r = (expr: string, salt: number, n: number) => `(hash(${expr}, ${salt}) % ${n})::BIGINT`;

function warehouseSql(customers: number): string[] {
  const orders = customers * 6;
  const firstNames = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Edsger', 'Barbara', 'Ken', 'Frances', 'Dennis', 'Katherine', 'Guido', 'Radia', 'Tim', 'Hedy', 'John', 'Sophie', 'Yukihiro', 'Anita', 'Bjarne'];
  const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Dijkstra', 'Liskov', 'Thompson', 'Allen', 'Ritchie', 'Johnson', 'van Rossum', 'Perlman', 'Berners-Lee', 'Lamarr', 'McCarthy', 'Wilson', 'Matsumoto', 'Borg', 'Stroustrup'];
  const countries = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'NL', 'CA', 'AU', 'JP', 'BR', 'IN'];
  const list = (xs: string[]) => `[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;
  return [
    `CREATE SCHEMA IF NOT EXISTS shop`,
    `CREATE TABLE shop.products AS
     SELECT p AS product_id,
            cat.name || ' ' || (['Basic', 'Pro', 'Plus', 'Mini', 'Max'])[1 + ${r('p', 1, 5)}] || ' ' || p AS name,
            cat.name AS category,
            round(cat.base * (0.6 + ${r('p', 2, 100)} / 50.0), 2)::DECIMAL(10,2) AS unit_price,
            DATE '2022-01-01' + ${r('p', 3, 365)}::INTEGER AS launched_on
     FROM range(1, 61) t(p)
     JOIN (VALUES (0, 'Books', 18.0), (1, 'Electronics', 240.0), (2, 'Garden', 45.0), (3, 'Kitchen', 60.0), (4, 'Toys', 25.0), (5, 'Sports', 80.0)) cat(k, name, base)
       ON cat.k = p % 6`,
    `CREATE TABLE shop.customers AS
     SELECT c AS customer_id,
            (${list(firstNames)})[1 + ${r('c', 11, firstNames.length)}] AS first_name,
            (${list(lastNames)})[1 + ${r('c', 12, lastNames.length)}] AS last_name,
            lower((${list(firstNames)})[1 + ${r('c', 11, firstNames.length)}]) || '.' || c || '@example.com' AS email,
            (${list(countries)})[1 + ${r('c', 13, countries.length)}] AS country,
            (['consumer', 'consumer', 'consumer', 'small_business', 'enterprise'])[1 + ${r('c', 14, 5)}] AS segment,
            DATE '2022-01-01' + ${r('c', 15, 1000)}::INTEGER AS signup_date
     FROM range(1, ${customers + 1}) t(c)`,
    `CREATE TABLE shop.orders AS
     SELECT o AS order_id,
            c.customer_id,
            (c.signup_date + ${r('o', 22, 400)}::INTEGER)::TIMESTAMP + INTERVAL (${r('o', 23, 86400)}) SECOND AS ordered_at,
            (['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'shipped', 'returned', 'cancelled', 'placed'])[1 + ${r('o', 24, 10)}] AS status,
            (['web', 'web', 'mobile', 'mobile', 'store', 'partner'])[1 + ${r('o', 25, 6)}] AS channel
     FROM range(1, ${orders + 1}) t(o)
     JOIN shop.customers c ON c.customer_id = 1 + ${r('o', 21, customers)}
     WHERE (c.signup_date + ${r('o', 22, 400)}::INTEGER) <= DATE '2024-12-31'`,
    `CREATE TABLE shop.order_items AS
     SELECT o.order_id,
            l AS line_number,
            p.product_id,
            (1 + ${r('o.order_id * 10 + l', 31, 4)})::INTEGER AS quantity,
            p.unit_price
     FROM shop.orders o
     CROSS JOIN range(1, 5) t(l)
     JOIN shop.products p ON p.product_id = 1 + ${r('o.order_id * 10 + l', 32, 60)}
     WHERE l <= 1 + ${r('o.order_id', 33, 4)}`,
    `CREATE TABLE shop.payments AS
     SELECT row_number() OVER (ORDER BY o.order_id) AS payment_id,
            o.order_id,
            (['card', 'card', 'card', 'paypal', 'bank_transfer', 'gift_card'])[1 + ${r('o.order_id', 41, 6)}] AS payment_method,
            round(sum(i.quantity * i.unit_price), 2)::DECIMAL(12,2) AS amount,
            o.ordered_at + INTERVAL (${r('o.order_id', 42, 7200)}) SECOND AS paid_at
     FROM shop.orders o JOIN shop.order_items i USING (order_id)
     WHERE o.status NOT IN ('cancelled', 'placed')
     GROUP BY o.order_id, o.ordered_at`,
    `ALTER TABLE shop.customers ADD PRIMARY KEY (customer_id)`,
    `ALTER TABLE shop.products ADD PRIMARY KEY (product_id)`,
    `ALTER TABLE shop.orders ADD PRIMARY KEY (order_id)`,
    `ALTER TABLE shop.payments ADD PRIMARY KEY (payment_id)`,
    `COMMENT ON TABLE shop.customers IS 'One row per customer who signed up to the shop.'`,
    `COMMENT ON TABLE shop.orders IS 'One row per order; status is the latest known state.'`,
    `COMMENT ON TABLE shop.order_items IS 'Order lines: product, quantity and the unit price at order time.'`,
    `COMMENT ON TABLE shop.payments IS 'One captured payment per completed, shipped or returned order.'`,
    `COMMENT ON TABLE shop.products IS 'Product catalogue with list prices.'`,
    `COMMENT ON COLUMN shop.orders.channel IS 'Where the order was placed: web, mobile, store or partner.'`,
    `COMMENT ON COLUMN shop.payments.amount IS 'Amount captured, in USD.'`,
    `CREATE VIEW shop.monthly_revenue AS
     SELECT date_trunc('month', paid_at)::DATE AS month, sum(amount) AS revenue, count(*) AS payments
     FROM shop.payments GROUP BY 1 ORDER BY 1`,
  ];
}

const dbtFiles: Record<string, string> = {
  'dbt_project.yml': `name: shop_analytics
version: '1.0.0'
config-version: 2
profile: shop
model-paths: ['models']
seed-paths: ['seeds']
models:
  shop_analytics:
    staging:
      +materialized: view
    marts:
      +materialized: table
`,
  'models/staging/sources.yml': `version: 2
sources:
  - name: shop
    schema: shop
    tables:
      - name: customers
      - name: orders
      - name: order_items
      - name: payments
      - name: products
`,
  'models/staging/stg_customers.sql': `{{ config(materialized='view') }}
select
    customer_id,
    first_name || ' ' || last_name as full_name,
    lower(email) as email,
    country,
    segment,
    signup_date
from {{ source('shop', 'customers') }}
`,
  'models/staging/stg_orders.sql': `select
    order_id,
    customer_id,
    cast(ordered_at as date) as order_date,
    status,
    channel
from {{ source('shop', 'orders') }}
{% if var('exclude_cancelled', true) %}
where status <> 'cancelled'
{% endif %}
`,
  'models/staging/stg_payments.sql': `select
    payment_id,
    order_id,
    payment_method,
    amount,
    paid_at
from {{ source('shop', 'payments') }}
`,
  'models/staging/stg_order_items.sql': `select
    i.order_id,
    i.line_number,
    i.product_id,
    p.category,
    i.quantity,
    i.quantity * i.unit_price as line_total
from {{ source('shop', 'order_items') }} as i
join {{ source('shop', 'products') }} as p on p.product_id = i.product_id
`,
  'models/marts/customer_orders.sql': `with orders as (
    select * from {{ ref('stg_orders') }}
),
payments as (
    select order_id, sum(amount) as paid_amount
    from {{ ref('stg_payments') }}
    group by order_id
)
select
    c.customer_id,
    c.full_name,
    c.country,
    min(o.order_date) as first_order_date,
    max(o.order_date) as last_order_date,
    count(o.order_id) as order_count,
    coalesce(sum(p.paid_amount), 0) as lifetime_value
from {{ ref('stg_customers') }} as c
left join orders as o on o.customer_id = c.customer_id
left join payments as p on p.order_id = o.order_id
group by c.customer_id, c.full_name, c.country
`,
  'models/marts/category_revenue.sql': `select
    i.category,
    date_trunc('month', o.order_date) as month,
    sum(i.line_total) as revenue
from {{ ref('stg_order_items') }} as i
join {{ ref('stg_orders') }} as o on o.order_id = i.order_id
where o.status in ('completed', 'shipped')
group by 1, 2
`,
  'models/marts/country_segments.sql': `select
    co.country,
    cc.country_name,
    count(*) as customers,
    avg(co.lifetime_value) as avg_lifetime_value
from {{ ref('customer_orders') }} as co
left join {{ ref('country_codes') }} as cc on cc.code = co.country
group by 1, 2
`,
  'seeds/country_codes.csv': `code,country_name
US,United States
GB,United Kingdom
DE,Germany
FR,France
NL,Netherlands
CA,Canada
AU,Australia
JP,Japan
BR,Brazil
IN,India
`,
};

const exampleQueries = `-- Example queries over the demo warehouse (connection "Demo warehouse", read-only).
-- Click "Run" above a statement, or press Ctrl/Cmd+Enter.

select country, count(*) as customers
from shop.customers
group by country
order by customers desc;

select date_trunc('month', paid_at) as month, sum(amount) as revenue
from shop.payments
group by 1
order by 1;

with lines as (
    select p.category, i.quantity * i.unit_price as line_total
    from shop.order_items i
    join shop.products p using (product_id)
)
select category, round(sum(line_total), 2) as revenue
from lines
group by category
order by revenue desc;

-- Files in the workspace can be queried by path on the "Workspace files" connection:
-- select * from 'data/orders.csv' limit 100;
`;

/** A multi-statement job (staging table, intermediate tables, CTE, INSERT … SELECT) for Show Lineage. */
const reportsScript = `-- A small reporting job over the demo warehouse: a staging table, then report tables built from it.
-- Right-click this file and choose "Show Lineage", or click "Explain lineage" above a statement.
-- (The "Demo warehouse" connection is read-only: this script is here for its lineage; it runs on a writable copy.)

create schema if not exists reports;

create or replace table reports.paid_orders as
select
    o.order_id,
    o.customer_id,
    cast(o.ordered_at as date) as order_date,
    o.channel,
    sum(p.amount) as paid_amount
from shop.orders o
join shop.payments p on p.order_id = o.order_id
where o.status in ('completed', 'shipped')
group by o.order_id, o.customer_id, cast(o.ordered_at as date), o.channel;

create or replace table reports.customer_value as
with firsts as (
    select customer_id, min(order_date) as first_order_date
    from reports.paid_orders
    group by customer_id
)
select
    c.customer_id,
    c.country,
    c.segment,
    f.first_order_date,
    sum(po.paid_amount) as lifetime_value
from shop.customers c
join firsts f on f.customer_id = c.customer_id
join reports.paid_orders po on po.customer_id = c.customer_id
group by c.customer_id, c.country, c.segment, f.first_order_date;

create or replace table reports.channel_revenue as
select channel, date_trunc('month', order_date) as month, sum(paid_amount) as revenue
from reports.paid_orders
group by channel, date_trunc('month', order_date);

create table if not exists reports.country_summary (country varchar, customers bigint, revenue double);

insert into reports.country_summary (country, customers, revenue)
select country, count(*), sum(lifetime_value)
from reports.customer_value
group by country;
`;

const readme = `# iOpsData demo workspace

Generated by \`iopsdata demo\`. Everything here is synthetic.

- \`warehouse.duckdb\`: schema \`shop\` with customers, products, orders, order_items, payments (2022–2024) and a
  \`monthly_revenue\` view. Added as the read-only connection **Demo warehouse**.
- \`data/\`: the same data as files: \`orders.csv\`, \`payments.parquet\`, \`customers.jsonl\`. Right-click one and
  choose **Profile File**.
- \`models/\`, \`seeds/\`, \`dbt_project.yml\`: a small dbt project. Right-click a model and choose **Show Lineage**.
- \`queries/examples.sql\`: statements to run with the **Run** CodeLens.
- \`queries/build_reports.sql\`: a multi-statement reporting job; **Show Lineage** draws its tables and columns.
`;

export async function generateDemo(dir: string, options: DemoOptions = {}): Promise<DemoResult> {
  const customers = options.customers ?? 2000;
  if (!Number.isInteger(customers) || customers < 10 || customers > 5_000_000) {
    throw new UserError('The number of demo customers must be a whole number between 10 and 5,000,000.');
  }
  const warehouse = join(dir, 'warehouse.duckdb');
  if (existsSync(warehouse)) {
    if (!options.force) throw new UserError(`A demo already exists in ${dir}; pass --force to replace it.`);
    rmSync(warehouse, { force: true });
    rmSync(warehouse + '.wal', { force: true });
  }
  mkdirSync(join(dir, 'data'), { recursive: true });
  const files: string[] = [];
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files.push(rel);
  };

  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(warehouse);
  const conn = await instance.connect();
  const tables: Record<string, number> = {};
  try {
    for (const sql of warehouseSql(customers)) {
      throwIfAborted(options.signal);
      await conn.run(sql);
    }
    for (const t of ['customers', 'products', 'orders', 'order_items', 'payments']) {
      const res = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM shop.${t}`);
      tables[t] = Number(res.getRows()[0][0]);
    }
    const q = (p: string) => `'${join(dir, p).replace(/'/g, "''")}'`;
    await conn.run(`COPY (SELECT * FROM shop.orders ORDER BY order_id) TO ${q('data/orders.csv')} (HEADER, DELIMITER ',')`);
    await conn.run(`COPY (SELECT * FROM shop.payments ORDER BY payment_id) TO ${q('data/payments.parquet')} (FORMAT PARQUET)`);
    await conn.run(`COPY (SELECT * FROM shop.customers ORDER BY customer_id) TO ${q('data/customers.jsonl')} (FORMAT JSON)`);
    files.push('warehouse.duckdb', 'data/orders.csv', 'data/payments.parquet', 'data/customers.jsonl');
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }

  for (const [rel, text] of Object.entries(dbtFiles)) write(rel, text);
  write('queries/examples.sql', exampleQueries);
  write('queries/build_reports.sql', reportsScript);
  write('README.md', readme);
  write(
    '.vscode/settings.json',
    JSON.stringify(
      {
        'iopsdata.connections': [
          { id: 'demo-warehouse', name: 'Demo warehouse', kind: 'duckdb', path: 'warehouse.duckdb', allowWrites: false },
        ],
      },
      null,
      2,
    ) + '\n',
  );
  return { dir, warehouse, files, tables };
}
