/**
 * Realistic statements of the kind analytics engineers write — dbt models, Snowflake/BigQuery/Spark/DuckDB/T-SQL
 * transformations — with the tables and column edges each one means, written by hand from the SQL. Every dialect the
 * issue lists appears with at least one construct specific to it.
 */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';

interface Case {
  name: string;
  dialect: string;
  sql: string;
  sources: string[];
  targets: string[];
  /** Exact column edges `source -> target`; omitted when only the tables are asserted. */
  edges?: string[];
}

const CASES: Case[] = [
  // ---- dbt models (Jinja rendered by the engine) -------------------------------------------------------------------
  {
    name: 'dbt staging model: rename and cast from a source',
    dialect: 'snowflake',
    sql: `{{ config(materialized='view') }}
with source as (
    select * from {{ source('stripe', 'payments') }}
),
renamed as (
    select
        id as payment_id,
        orderid as order_id,
        paymentmethod as payment_method,
        status,
        amount / 100 as amount,
        created as created_at
    from source
)
select * from renamed`,
    sources: ['stripe.payments'],
    targets: [],
    edges: [
      'stripe.payments.amount -> amount', 'stripe.payments.created -> created_at', 'stripe.payments.id -> payment_id',
      'stripe.payments.orderid -> order_id', 'stripe.payments.paymentmethod -> payment_method', 'stripe.payments.status -> status',
    ],
  },
  {
    name: 'dbt mart model: CTEs over refs, aggregates and a left join',
    dialect: 'postgres',
    sql: `with customers as (
    select * from {{ ref('stg_customers') }}
),
orders as (
    select * from {{ ref('stg_orders') }}
),
customer_orders as (
    select
        customer_id,
        min(order_date) as first_order,
        max(order_date) as most_recent_order,
        count(order_id) as number_of_orders
    from orders
    group by customer_id
),
final as (
    select
        customers.customer_id,
        customers.first_name,
        customer_orders.first_order,
        customer_orders.most_recent_order,
        coalesce(customer_orders.number_of_orders, 0) as number_of_orders
    from customers
    left join customer_orders using (customer_id)
)
select * from final`,
    sources: ['stg_customers', 'stg_orders'],
    targets: [],
    // `select *` from a ref without a schema passes named columns through: customers.first_name ← stg_customers.first_name.
    edges: [
      'stg_customers.customer_id -> customer_id', 'stg_customers.first_name -> first_name',
      'stg_orders.order_date -> first_order', 'stg_orders.order_date -> most_recent_order', 'stg_orders.order_id -> number_of_orders',
    ],
  },
  {
    name: 'dbt incremental model: is_incremental block and {{ this }}',
    dialect: 'snowflake',
    sql: `{{ config(materialized='incremental', unique_key='event_id') }}
select event_id, user_id, event_type, occurred_at
from {{ ref('stg_events') }}
{% if is_incremental() %}
where occurred_at > (select max(occurred_at) from {{ this }})
{% endif %}`,
    sources: ['stg_events', 'fct_events'],
    targets: [],
    // {{ this }} is read only to filter rows: it feeds no output column.
    edges: ['stg_events.event_id -> event_id', 'stg_events.event_type -> event_type', 'stg_events.occurred_at -> occurred_at', 'stg_events.user_id -> user_id'],
  },
  {
    name: 'dbt model with a package ref and var()',
    dialect: 'bigquery',
    sql: `select d.date_day, s.revenue
from {{ ref('dbt_date', 'dates') }} d
left join {{ ref('daily_revenue') }} s on s.day = d.date_day
where d.date_day >= '{{ var("start_date") }}'`,
    sources: ['dates', 'daily_revenue'],
    targets: [],
    edges: ['daily_revenue.revenue -> revenue', 'dates.date_day -> date_day'],
  },
  // ---- Snowflake -----------------------------------------------------------------------------------------------------
  {
    name: 'Snowflake: QUALIFY keeps the latest row per key',
    dialect: 'snowflake',
    sql: 'CREATE OR REPLACE TABLE analytics.latest_orders AS SELECT order_id, status, updated_at FROM raw.order_events QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) = 1',
    sources: ['raw.order_events'],
    targets: ['analytics.latest_orders'],
    edges: ['raw.order_events.order_id -> analytics.latest_orders.order_id', 'raw.order_events.status -> analytics.latest_orders.status', 'raw.order_events.updated_at -> analytics.latest_orders.updated_at'],
  },
  {
    name: 'Snowflake: IFF, :: casts and a JSON path',
    dialect: 'snowflake',
    sql: "INSERT INTO mart.signups (user_id, plan, is_paid) SELECT payload:user_id::number, payload:plan::string, IFF(payload:price::number > 0, TRUE, FALSE) FROM raw.webhooks WHERE kind = 'signup'",
    sources: ['raw.webhooks'],
    targets: ['mart.signups'],
    // A path inside a VARIANT column is lineage of the column itself.
    edges: ['raw.webhooks.payload -> mart.signups.is_paid', 'raw.webhooks.payload -> mart.signups.plan', 'raw.webhooks.payload -> mart.signups.user_id'],
  },
  {
    name: 'Snowflake: CREATE TRANSIENT TABLE … CLONE',
    dialect: 'snowflake',
    sql: 'CREATE TRANSIENT TABLE dev.orders CLONE prod.orders',
    sources: ['prod.orders'],
    targets: ['dev.orders'],
    edges: ['prod.orders.* -> dev.orders.*'],
  },
  {
    name: 'Snowflake: LATERAL FLATTEN over a VARIANT array',
    dialect: 'snowflake',
    sql: 'CREATE TABLE mart.order_items AS SELECT o.id AS order_id, i.value:sku::string AS sku FROM raw.orders o, LATERAL FLATTEN(input => o.items) i',
    sources: ['raw.orders'],
    targets: ['mart.order_items'],
    edges: ['raw.orders.id -> mart.order_items.order_id', 'raw.orders.items -> mart.order_items.sku'],
  },
  // ---- BigQuery ------------------------------------------------------------------------------------------------------
  {
    name: 'BigQuery: SAFE_CAST, backticked project.dataset.table, date functions',
    dialect: 'bigquery',
    sql: 'CREATE OR REPLACE TABLE `acme.mart.daily_users` AS SELECT DATE(created_at) AS day, COUNT(DISTINCT user_id) AS users, SUM(SAFE_CAST(amount AS NUMERIC)) AS revenue FROM `acme.raw.events` GROUP BY day',
    sources: ['acme.raw.events'],
    targets: ['acme.mart.daily_users'],
    edges: ['acme.raw.events.amount -> acme.mart.daily_users.revenue', 'acme.raw.events.created_at -> acme.mart.daily_users.day', 'acme.raw.events.user_id -> acme.mart.daily_users.users'],
  },
  {
    name: 'BigQuery: SELECT * EXCEPT',
    dialect: 'bigquery',
    sql: 'CREATE VIEW `p.d.v_users` AS SELECT * EXCEPT (password_hash) FROM `p.d.users`',
    sources: ['p.d.users'],
    targets: ['p.d.v_users'],
    edges: ['p.d.users.* -> p.d.v_users.*'],
  },
  {
    name: 'BigQuery: UNNEST of a repeated record',
    dialect: 'bigquery',
    sql: 'INSERT INTO shop.line_items (order_id, sku, qty) SELECT o.id, li.sku, li.qty FROM shop.orders o, UNNEST(o.lines) AS li',
    sources: ['shop.orders'],
    targets: ['shop.line_items'],
    edges: ['shop.orders.id -> shop.line_items.order_id', 'shop.orders.lines -> shop.line_items.qty', 'shop.orders.lines -> shop.line_items.sku'],
  },
  {
    name: 'BigQuery: MERGE into a dimension',
    dialect: 'bigquery',
    sql: 'MERGE dw.dim_product T USING staging.products S ON T.sku = S.sku WHEN MATCHED THEN UPDATE SET name = S.name, price = S.price WHEN NOT MATCHED THEN INSERT (sku, name, price) VALUES (S.sku, S.name, S.price)',
    sources: ['staging.products'],
    targets: ['dw.dim_product'],
    edges: ['staging.products.name -> dw.dim_product.name', 'staging.products.price -> dw.dim_product.price', 'staging.products.sku -> dw.dim_product.sku'],
  },
  // ---- Spark / Databricks / Hive -------------------------------------------------------------------------------------
  {
    name: 'Spark: CREATE TABLE … USING delta AS SELECT with a window',
    dialect: 'sparksql',
    sql: 'CREATE TABLE gold.sessions USING delta AS SELECT user_id, ts, sum(is_new) OVER (PARTITION BY user_id ORDER BY ts) AS session_no FROM silver.clicks',
    sources: ['silver.clicks'],
    targets: ['gold.sessions'],
    edges: ['silver.clicks.is_new -> gold.sessions.session_no', 'silver.clicks.ts -> gold.sessions.session_no', 'silver.clicks.ts -> gold.sessions.ts', 'silver.clicks.user_id -> gold.sessions.session_no', 'silver.clicks.user_id -> gold.sessions.user_id'],
  },
  {
    name: 'Hive: INSERT OVERWRITE … PARTITION with LATERAL VIEW explode',
    dialect: 'hive',
    sql: "INSERT OVERWRITE TABLE dw.page_tags PARTITION (ds='2024-06-01') SELECT p.page_id, tag FROM ods.pages p LATERAL VIEW explode(p.tags) t AS tag WHERE p.ds = '2024-06-01'",
    sources: ['ods.pages'],
    targets: ['dw.page_tags'],
    edges: ['ods.pages.page_id -> dw.page_tags.page_id', 'ods.pages.tags -> dw.page_tags.tag'],
  },
  {
    name: 'Databricks: MERGE with UPDATE SET * / INSERT *',
    dialect: 'databricks',
    sql: 'MERGE INTO main.silver.customers AS tgt USING main.bronze.customers_cdc AS src ON tgt.id = src.id WHEN MATCHED AND src.op = \'D\' THEN DELETE WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *',
    sources: ['main.bronze.customers_cdc'],
    targets: ['main.silver.customers'],
    edges: ['main.bronze.customers_cdc.* -> main.silver.customers.*'],
  },
  {
    name: 'Spark: LEFT ANTI JOIN finds new rows',
    dialect: 'sparksql',
    sql: 'INSERT INTO dw.customers SELECT s.id, s.name FROM staging.customers s LEFT ANTI JOIN dw.customers d ON s.id = d.id',
    sources: ['staging.customers', 'dw.customers'],
    targets: ['dw.customers'],
    edges: ['staging.customers.id -> dw.customers.id', 'staging.customers.name -> dw.customers.name'],
  },
  // ---- DuckDB --------------------------------------------------------------------------------------------------------
  {
    name: 'DuckDB: read_parquet and SELECT * EXCLUDE',
    dialect: 'duckdb',
    sql: "CREATE TABLE trips AS SELECT * EXCLUDE (store_and_fwd_flag) FROM read_parquet('s3://nyc/yellow_2024-01.parquet')",
    sources: ['path:s3://nyc/yellow_2024-01.parquet'],
    targets: ['trips'],
    edges: ['path:s3://nyc/yellow_2024-01.parquet.* -> trips.*'],
  },
  {
    name: 'DuckDB: COPY a query to a Parquet file',
    dialect: 'duckdb',
    sql: "COPY (SELECT vendor_id, avg(fare) AS avg_fare FROM trips GROUP BY vendor_id) TO 'out/fares.parquet' (FORMAT parquet)",
    sources: ['trips'],
    targets: ['path:out/fares.parquet'],
    edges: ['trips.fare -> path:out/fares.parquet.avg_fare', 'trips.vendor_id -> path:out/fares.parquet.vendor_id'],
  },
  // ---- MySQL / MariaDB -----------------------------------------------------------------------------------------------
  {
    name: 'MySQL: INSERT … SELECT … ON DUPLICATE KEY UPDATE with IFNULL',
    dialect: 'mysql',
    sql: 'INSERT INTO `report`.`daily_totals` (`day`, `total`) SELECT DATE(`created_at`), IFNULL(SUM(`amount`), 0) FROM `shop`.`orders` GROUP BY DATE(`created_at`) ON DUPLICATE KEY UPDATE `total` = VALUES(`total`)',
    sources: ['shop.orders'],
    targets: ['report.daily_totals'],
    edges: ['shop.orders.amount -> report.daily_totals.total', 'shop.orders.created_at -> report.daily_totals.day'],
  },
  {
    name: 'MariaDB: CREATE TABLE … SELECT with a join',
    dialect: 'mariadb',
    sql: 'CREATE TABLE top_customers SELECT c.id, c.email, SUM(o.total) AS spent FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.email',
    sources: ['customers', 'orders'],
    targets: ['top_customers'],
    edges: ['customers.email -> top_customers.email', 'customers.id -> top_customers.id', 'orders.total -> top_customers.spent'],
  },
  // ---- T-SQL ---------------------------------------------------------------------------------------------------------
  {
    name: 'T-SQL: SELECT TOP … INTO #temp with ISNULL',
    dialect: 'tsql',
    sql: 'SELECT TOP 100 c.CustomerID, ISNULL(c.Region, \'n/a\') AS Region INTO #top_customers FROM Sales.Customers c ORDER BY c.Revenue DESC',
    sources: ['Sales.Customers'],
    targets: ['#top_customers'],
    edges: ['Sales.Customers.CustomerID -> #top_customers.CustomerID', 'Sales.Customers.Region -> #top_customers.Region'],
  },
  {
    name: 'T-SQL: UPDATE … FROM a join',
    dialect: 'tsql',
    sql: 'UPDATE p SET p.ListPrice = s.NewPrice FROM Production.Product p INNER JOIN Staging.PriceList s ON s.ProductID = p.ProductID',
    sources: ['Staging.PriceList'],
    targets: ['Production.Product'],
    edges: ['Staging.PriceList.NewPrice -> Production.Product.ListPrice'],
  },
  {
    name: 'T-SQL: CROSS APPLY a table-valued function',
    dialect: 'tsql',
    sql: 'INSERT INTO dbo.OrderLines (OrderID, Item) SELECT o.OrderID, s.value FROM dbo.Orders o CROSS APPLY STRING_SPLIT(o.Items, \',\') s',
    sources: ['dbo.Orders'],
    targets: ['dbo.OrderLines'],
    edges: ['dbo.Orders.Items -> dbo.OrderLines.Item', 'dbo.Orders.OrderID -> dbo.OrderLines.OrderID'],
  },
  // ---- Redshift ------------------------------------------------------------------------------------------------------
  {
    name: 'Redshift: CTAS with DISTKEY/SORTKEY and NVL',
    dialect: 'redshift',
    sql: 'CREATE TABLE mart.users DISTKEY (user_id) SORTKEY (signup_date) AS SELECT user_id, NVL(country, \'XX\') AS country, signup_date FROM stage.users',
    sources: ['stage.users'],
    targets: ['mart.users'],
    edges: ['stage.users.country -> mart.users.country', 'stage.users.signup_date -> mart.users.signup_date', 'stage.users.user_id -> mart.users.user_id'],
  },
  {
    name: 'Redshift: UNLOAD a query to S3',
    dialect: 'redshift',
    sql: "UNLOAD ('SELECT event_id, user_id FROM analytics.events WHERE event_date = ''2024-01-01''') TO 's3://exports/events/' IAM_ROLE 'arn:aws:iam::123:role/unload' FORMAT AS PARQUET",
    sources: ['analytics.events'],
    targets: ['path:s3://exports/events/'],
    edges: ['analytics.events.event_id -> path:s3://exports/events/.event_id', 'analytics.events.user_id -> path:s3://exports/events/.user_id'],
  },
  // ---- Trino / Athena ------------------------------------------------------------------------------------------------
  {
    name: 'Trino: CTAS across catalogs with TRY_CAST',
    dialect: 'trino',
    sql: "CREATE TABLE iceberg.mart.orders WITH (format = 'PARQUET') AS SELECT o.orderkey, try_cast(o.totalprice AS decimal(12, 2)) AS price, c.name FROM tpch.sf1.orders o JOIN tpch.sf1.customer c ON c.custkey = o.custkey",
    sources: ['tpch.sf1.orders', 'tpch.sf1.customer'],
    targets: ['iceberg.mart.orders'],
    edges: ['tpch.sf1.customer.name -> iceberg.mart.orders.name', 'tpch.sf1.orders.orderkey -> iceberg.mart.orders.orderkey', 'tpch.sf1.orders.totalprice -> iceberg.mart.orders.price'],
  },
  {
    name: 'Athena: CROSS JOIN UNNEST with column aliases',
    dialect: 'athena',
    sql: 'INSERT INTO logs.request_headers SELECT r.request_id, h.name, h.value FROM logs.requests r CROSS JOIN UNNEST(r.headers) AS h (name, value)',
    sources: ['logs.requests'],
    targets: ['logs.request_headers'],
    edges: ['logs.requests.headers -> logs.request_headers.name', 'logs.requests.headers -> logs.request_headers.value', 'logs.requests.request_id -> logs.request_headers.request_id'],
  },
  // ---- PostgreSQL ----------------------------------------------------------------------------------------------------
  {
    name: 'PostgreSQL: WITH … INSERT … ON CONFLICT, jsonb ->> and FILTER',
    dialect: 'postgres',
    sql: `WITH agg AS (
  SELECT account_id, count(*) FILTER (WHERE kind = 'login') AS logins, max(payload ->> 'ip') AS last_ip
  FROM audit.events GROUP BY account_id
)
INSERT INTO reporting.account_activity (account_id, logins, last_ip)
SELECT account_id, logins, last_ip FROM agg
ON CONFLICT (account_id) DO UPDATE SET logins = EXCLUDED.logins`,
    sources: ['audit.events'],
    targets: ['reporting.account_activity'],
    edges: ['audit.events.account_id -> reporting.account_activity.account_id', 'audit.events.kind -> reporting.account_activity.logins', 'audit.events.payload -> reporting.account_activity.last_ip'],
  },
  {
    name: 'PostgreSQL: DISTINCT ON and a :: cast',
    dialect: 'postgres',
    sql: 'CREATE MATERIALIZED VIEW latest_price AS SELECT DISTINCT ON (product_id) product_id, price::numeric(10,2) AS price, valid_from FROM price_history ORDER BY product_id, valid_from DESC',
    sources: ['price_history'],
    targets: ['latest_price'],
    edges: ['price_history.price -> latest_price.price', 'price_history.product_id -> latest_price.product_id', 'price_history.valid_from -> latest_price.valid_from'],
  },
  {
    name: 'PostgreSQL: UPDATE … FROM a subquery',
    dialect: 'postgres',
    sql: 'UPDATE accounts a SET balance = s.total FROM (SELECT account_id, sum(amount) AS total FROM ledger GROUP BY account_id) s WHERE s.account_id = a.id',
    sources: ['ledger'],
    targets: ['accounts'],
    edges: ['ledger.amount -> accounts.balance'],
  },
  // ---- Oracle, Db2, SQLite -------------------------------------------------------------------------------------------
  {
    name: 'Oracle: INSERT ALL into two tables',
    dialect: 'oracle',
    sql: 'INSERT ALL INTO sales_eu (id, amount) VALUES (id, amount) INTO sales_audit (sale_id) VALUES (id) SELECT id, amount FROM sales WHERE region = \'EU\'',
    sources: ['sales'],
    targets: ['sales_eu', 'sales_audit'],
    edges: ['sales.amount -> sales_eu.amount', 'sales.id -> sales_audit.sale_id', 'sales.id -> sales_eu.id'],
  },
  {
    name: 'Db2: INSERT … SELECT with FETCH FIRST',
    dialect: 'db2',
    sql: 'INSERT INTO top_emp (empno, salary) SELECT empno, salary FROM employee ORDER BY salary DESC FETCH FIRST 10 ROWS ONLY',
    sources: ['employee'],
    targets: ['top_emp'],
    edges: ['employee.empno -> top_emp.empno', 'employee.salary -> top_emp.salary'],
  },
  {
    name: 'SQLite: INSERT OR REPLACE … SELECT',
    dialect: 'sqlite',
    sql: 'INSERT OR REPLACE INTO cache_totals (k, v) SELECT k, sum(v) FROM facts GROUP BY k',
    sources: ['facts'],
    targets: ['cache_totals'],
    edges: ['facts.k -> cache_totals.k', 'facts.v -> cache_totals.v'],
  },
  // ---- scripts -------------------------------------------------------------------------------------------------------
  {
    name: 'Hive: LOAD DATA then transform',
    dialect: 'hive',
    sql: "LOAD DATA INPATH '/landing/users.csv' OVERWRITE INTO TABLE ods.users",
    sources: ['path:/landing/users.csv'],
    targets: ['ods.users'],
    edges: ['path:/landing/users.csv.* -> ods.users.*'],
  },
  {
    name: 'Snowflake: COPY INTO a table from an external stage with a column list',
    dialect: 'snowflake',
    sql: "COPY INTO raw.customers (id, email) FROM 's3://acme/customers/' FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1)",
    sources: ['path:s3://acme/customers/'],
    targets: ['raw.customers'],
    edges: ['path:s3://acme/customers/.email -> raw.customers.email', 'path:s3://acme/customers/.id -> raw.customers.id'],
  },
  // ---- more constructs seen in real projects ------------------------------------------------------------------------
  {
    name: 'Snowflake: dynamic table with TARGET_LAG',
    dialect: 'snowflake',
    sql: "CREATE OR REPLACE DYNAMIC TABLE mart.orders_dt TARGET_LAG = '1 hour' WAREHOUSE = transform_wh AS SELECT id, amount FROM raw.orders",
    sources: ['raw.orders'],
    targets: ['mart.orders_dt'],
    edges: ['raw.orders.amount -> mart.orders_dt.amount', 'raw.orders.id -> mart.orders_dt.id'],
  },
  {
    name: 'Snowflake: INSERT OVERWRITE INTO',
    dialect: 'snowflake',
    sql: 'INSERT OVERWRITE INTO mart.snapshot SELECT id, status FROM raw.tickets',
    sources: ['raw.tickets'],
    targets: ['mart.snapshot'],
    edges: ['raw.tickets.id -> mart.snapshot.id', 'raw.tickets.status -> mart.snapshot.status'],
  },
  {
    name: 'Snowflake: positional columns of a staged file',
    dialect: 'snowflake',
    sql: 'INSERT INTO raw.rates (ccy, rate) SELECT $1, $2::number(10, 4) FROM @fx_stage/rates.csv',
    sources: ['path:@fx_stage/rates.csv'],
    targets: ['raw.rates'],
    edges: ['path:@fx_stage/rates.csv.$1 -> raw.rates.ccy', 'path:@fx_stage/rates.csv.$2 -> raw.rates.rate'],
  },
  {
    name: 'BigQuery: CTAS with PARTITION BY / CLUSTER BY and IF()',
    dialect: 'bigquery',
    sql: 'CREATE TABLE ds.sessions PARTITION BY DATE(started_at) CLUSTER BY user_id AS SELECT user_id, started_at, IF(duration_s > 1800, 1, 0) AS is_long FROM ds.raw_sessions',
    sources: ['ds.raw_sessions'],
    targets: ['ds.sessions'],
    edges: ['ds.raw_sessions.duration_s -> ds.sessions.is_long', 'ds.raw_sessions.started_at -> ds.sessions.started_at', 'ds.raw_sessions.user_id -> ds.sessions.user_id'],
  },
  {
    name: 'BigQuery: ARRAY_AGG(STRUCT(…)) nests columns into one',
    dialect: 'bigquery',
    sql: 'CREATE TABLE ds.orders_nested AS SELECT order_id, ARRAY_AGG(STRUCT(sku, qty)) AS items FROM ds.lines GROUP BY order_id',
    sources: ['ds.lines'],
    targets: ['ds.orders_nested'],
    edges: ['ds.lines.order_id -> ds.orders_nested.order_id', 'ds.lines.qty -> ds.orders_nested.items', 'ds.lines.sku -> ds.orders_nested.items'],
  },
  {
    name: 'dbt: dbt_utils.generate_surrogate_key over named columns',
    dialect: 'postgres',
    sql: "select {{ dbt_utils.generate_surrogate_key(['order_id', 'line_no']) }} as order_line_sk, order_id, line_no, amount from {{ ref('stg_order_lines') }}",
    sources: ['stg_order_lines'],
    targets: [],
    edges: [
      'stg_order_lines.amount -> amount', 'stg_order_lines.line_no -> line_no', 'stg_order_lines.line_no -> order_line_sk',
      'stg_order_lines.order_id -> order_id', 'stg_order_lines.order_id -> order_line_sk',
    ],
  },
  {
    name: 'dbt: dbt_utils.star with a relation alias, and an unknown macro that is no column',
    dialect: 'snowflake',
    sql: "select {{ dbt_utils.star(from=ref('stg_users'), relation_alias='u') }}, {{ cents_to_dollars('a.amount') }} as amount from {{ ref('stg_users') }} u join {{ ref('accounts') }} a on a.user_id = u.id",
    sources: ['stg_users', 'accounts'],
    targets: [],
    edges: ['stg_users.* -> *'],
  },
  {
    name: 'Spark: WITH before INSERT OVERWRITE',
    dialect: 'sparksql',
    sql: 'WITH latest AS (SELECT id, max(ts) AS ts FROM bronze.events GROUP BY id) INSERT OVERWRITE TABLE silver.latest_events SELECT id, ts FROM latest',
    sources: ['bronze.events'],
    targets: ['silver.latest_events'],
    edges: ['bronze.events.id -> silver.latest_events.id', 'bronze.events.ts -> silver.latest_events.ts'],
  },
  {
    name: 'Spark: INSERT INTO … TABLE source',
    dialect: 'sparksql',
    sql: 'INSERT INTO archive.events TABLE staging.events',
    sources: ['staging.events'],
    targets: ['archive.events'],
    edges: ['staging.events.* -> archive.events.*'],
  },
  {
    name: 'Spark: temp view with if() and a LEFT SEMI JOIN',
    dialect: 'databricks',
    sql: "CREATE OR REPLACE TEMP VIEW active_users AS SELECT u.id, if(u.plan = 'pro', 1, 0) AS is_pro FROM users u LEFT SEMI JOIN events e ON e.user_id = u.id",
    sources: ['users', 'events'],
    targets: ['active_users'],
    edges: ['users.id -> active_users.id', 'users.plan -> active_users.is_pro'],
  },
  {
    name: 'PostgreSQL: INSERT … SELECT … RETURNING',
    dialect: 'postgres',
    sql: 'INSERT INTO archive.orders (id, total) SELECT id, total FROM public.orders WHERE closed RETURNING id',
    sources: ['public.orders'],
    targets: ['archive.orders'],
    edges: ['public.orders.id -> archive.orders.id', 'public.orders.total -> archive.orders.total'],
  },
  {
    name: 'PostgreSQL: JOIN LATERAL subquery',
    dialect: 'postgres',
    sql: 'CREATE VIEW customer_totals AS SELECT c.id, l.total FROM customers c JOIN LATERAL (SELECT sum(amount) AS total FROM orders o WHERE o.cid = c.id) l ON true',
    sources: ['customers', 'orders'],
    targets: ['customer_totals'],
    edges: ['customers.id -> customer_totals.id', 'orders.amount -> customer_totals.total'],
  },
  {
    name: 'PostgreSQL: moving average window frame and GROUPING SETS',
    dialect: 'postgres',
    sql: 'CREATE TABLE rollup_sales AS SELECT region, product, sum(sales) AS sales FROM fact_sales GROUP BY GROUPING SETS ((region), (product), ())',
    sources: ['fact_sales'],
    targets: ['rollup_sales'],
    edges: ['fact_sales.product -> rollup_sales.product', 'fact_sales.region -> rollup_sales.region', 'fact_sales.sales -> rollup_sales.sales'],
  },
  {
    name: 'PostgreSQL: CASE … END::int and date_trunc(…)::date',
    dialect: 'postgres',
    sql: "INSERT INTO monthly (month, big_orders) SELECT date_trunc('month', created_at)::date, sum((CASE WHEN amount > 100 THEN 1 ELSE 0 END)::int) FROM orders GROUP BY 1",
    sources: ['orders'],
    targets: ['monthly'],
    edges: ['orders.amount -> monthly.big_orders', 'orders.created_at -> monthly.month'],
  },
  {
    name: 'T-SQL: CTE then SELECT … INTO #temp',
    dialect: 'tsql',
    sql: 'WITH recent AS (SELECT CustomerID, OrderDate FROM Sales.Orders WHERE OrderDate > DATEADD(day, -30, GETDATE())) SELECT CustomerID, MAX(OrderDate) AS LastOrder INTO #recent FROM recent GROUP BY CustomerID',
    sources: ['Sales.Orders'],
    targets: ['#recent'],
    edges: ['Sales.Orders.CustomerID -> #recent.CustomerID', 'Sales.Orders.OrderDate -> #recent.LastOrder'],
  },
  {
    name: 'T-SQL: bracketed names and a NOLOCK hint',
    dialect: 'tsql',
    sql: 'INSERT INTO [rpt].[OrderLines] ([OrderID], [Qty]) SELECT o.[OrderID], l.[Qty] FROM [dbo].[Orders] o WITH (NOLOCK) JOIN [dbo].[Lines] l ON l.[OrderID] = o.[OrderID]',
    sources: ['dbo.Orders', 'dbo.Lines'],
    targets: ['rpt.OrderLines'],
    edges: ['dbo.Lines.Qty -> rpt.OrderLines.Qty', 'dbo.Orders.OrderID -> rpt.OrderLines.OrderID'],
  },
  {
    name: 'Redshift: LISTAGG … WITHIN GROUP into a temp table',
    dialect: 'redshift',
    sql: "CREATE TEMP TABLE cart_skus AS SELECT cart_id, LISTAGG(sku, ',') WITHIN GROUP (ORDER BY added_at) AS skus FROM cart_items GROUP BY cart_id",
    sources: ['cart_items'],
    targets: ['cart_skus'],
    edges: ['cart_items.added_at -> cart_skus.skus', 'cart_items.cart_id -> cart_skus.cart_id', 'cart_items.sku -> cart_skus.skus'],
  },
  {
    name: 'MySQL: multi-table UPDATE … JOIN … SET',
    dialect: 'mysql',
    sql: 'UPDATE customers c JOIN customer_stats s ON s.customer_id = c.id SET c.lifetime_value = s.total_spent',
    sources: ['customer_stats'],
    targets: ['customers'],
    edges: ['customer_stats.total_spent -> customers.lifetime_value'],
  },
  {
    name: 'DuckDB: CREATE TABLE … AS FROM a CSV file',
    dialect: 'duckdb',
    sql: "CREATE TABLE raw_users AS FROM 'data/users.csv'",
    sources: ['path:data/users.csv'],
    targets: ['raw_users'],
    edges: ['path:data/users.csv.* -> raw_users.*'],
  },
  {
    name: 'DuckDB: INSERT … BY NAME',
    dialect: 'duckdb',
    sql: 'INSERT INTO users BY NAME SELECT name AS full_name, id FROM staging_users',
    sources: ['staging_users'],
    targets: ['users'],
    edges: ['staging_users.id -> users.id', 'staging_users.name -> users.full_name'],
  },
  {
    name: 'Trino: CTAS … WITH NO DATA',
    dialect: 'trino',
    sql: 'CREATE TABLE IF NOT EXISTS hive.tmp.orders_shape AS SELECT orderkey, totalprice FROM tpch.tiny.orders WITH NO DATA',
    sources: ['tpch.tiny.orders'],
    targets: ['hive.tmp.orders_shape'],
    edges: ['tpch.tiny.orders.orderkey -> hive.tmp.orders_shape.orderkey', 'tpch.tiny.orders.totalprice -> hive.tmp.orders_shape.totalprice'],
  },
  {
    name: 'Athena: CTAS with a correlated scalar subquery',
    dialect: 'athena',
    sql: "CREATE TABLE analytics.top_pages WITH (format = 'PARQUET') AS SELECT p.url, (SELECT count(*) FROM logs.hits h WHERE h.url = p.url) AS hits FROM logs.pages p",
    sources: ['logs.pages', 'logs.hits'],
    targets: ['analytics.top_pages'],
    edges: ['logs.pages.url -> analytics.top_pages.url'],
  },
  {
    name: 'Spark: DISTRIBUTE BY / SORT BY when writing a partitioned table',
    dialect: 'sparksql',
    sql: 'INSERT OVERWRITE TABLE dw.events PARTITION (ds) SELECT user_id, event, ds FROM staging.events DISTRIBUTE BY ds SORT BY user_id',
    sources: ['staging.events'],
    targets: ['dw.events'],
    edges: ['staging.events.ds -> dw.events.ds', 'staging.events.event -> dw.events.event', 'staging.events.user_id -> dw.events.user_id'],
  },
  {
    name: 'Spark: CTAS from a Parquet path with TABLESAMPLE',
    dialect: 'sparksql',
    sql: 'CREATE TABLE sample_events AS SELECT user_id, ts FROM parquet.`/lake/events/` TABLESAMPLE (10 PERCENT) e',
    sources: ['path:/lake/events/'],
    targets: ['sample_events'],
    edges: ['path:/lake/events/.ts -> sample_events.ts', 'path:/lake/events/.user_id -> sample_events.user_id'],
  },
  {
    name: 'Oracle: CTAS with NVL, TO_CHAR and ROWNUM',
    dialect: 'oracle',
    sql: "CREATE TABLE emp_hist AS SELECT e.empno, NVL(e.comm, 0) AS comm, TO_CHAR(e.hiredate, 'YYYY') AS hire_year FROM scott.emp e WHERE ROWNUM <= 100",
    sources: ['scott.emp'],
    targets: ['emp_hist'],
    edges: ['scott.emp.comm -> emp_hist.comm', 'scott.emp.empno -> emp_hist.empno', 'scott.emp.hiredate -> emp_hist.hire_year'],
  },
  {
    name: 'SQLite: CREATE TABLE IF NOT EXISTS … AS with date() and group_concat()',
    dialect: 'sqlite',
    sql: 'CREATE TABLE IF NOT EXISTS daily AS SELECT date(ts) AS day, count(*) AS n, group_concat(user_id) AS users FROM events GROUP BY date(ts)',
    sources: ['events'],
    targets: ['daily'],
    edges: ['events.ts -> daily.day', 'events.user_id -> daily.users'],
  },
  {
    name: 'MariaDB: backticked INSERT … SELECT … GROUP BY',
    dialect: 'mariadb',
    sql: 'INSERT INTO `stats` (`k`, `v`) SELECT `key`, COUNT(*) FROM `log` GROUP BY `key`',
    sources: ['log'],
    targets: ['stats'],
    edges: ['log.key -> stats.k'],
  },
  {
    name: 'ANSI: INSERT with an expression over a join',
    dialect: 'ansi',
    sql: 'INSERT INTO summary (id, total) SELECT o.id, SUM(l.qty * l.price) FROM orders o JOIN lines l ON l.order_id = o.id GROUP BY o.id',
    sources: ['orders', 'lines'],
    targets: ['summary'],
    edges: ['lines.price -> summary.total', 'lines.qty -> summary.total', 'orders.id -> summary.id'],
  },
  {
    name: 'Redshift: SELECT … INTO TEMP with DATEDIFF',
    dialect: 'redshift',
    sql: 'SELECT user_id, DATEDIFF(day, first_seen, last_seen) AS tenure_days INTO TEMP tenure FROM users',
    sources: ['users'],
    targets: ['tenure'],
    edges: ['users.first_seen -> tenure.tenure_days', 'users.last_seen -> tenure.tenure_days', 'users.user_id -> tenure.user_id'],
  },
  {
    name: 'DuckDB: read_csv_auto over a glob',
    dialect: 'duckdb',
    sql: "CREATE TABLE sales AS SELECT region, amount FROM read_csv_auto('data/sales_*.csv') WHERE amount > 0",
    sources: ['path:data/sales_*.csv'],
    targets: ['sales'],
    edges: ['path:data/sales_*.csv.amount -> sales.amount', 'path:data/sales_*.csv.region -> sales.region'],
  },
];

describe('lineage: realistic statements per dialect', () => {
  for (const c of CASES) {
    it(`${c.name} [${c.dialect}]`, () => {
      const r = analyzeScript(c.sql, { dialect: c.dialect, thisName: 'fct_events' });
      assert.equal(r.statements.length, 1);
      const st = r.statements[0];
      assert.deepEqual([...st.sources].sort(), [...c.sources].sort(), 'sources');
      assert.deepEqual([...st.targets].sort(), [...c.targets].sort(), 'targets');
      if (c.edges) {
        assert.equal(st.error, undefined, `partial: ${st.error}`);
        assert.deepEqual(st.columnLineage.map((e) => `${e.source} -> ${e.target}`).sort(), [...c.edges].sort(), 'column edges');
      }
    });
  }

  it('covers every dialect the issue names', () => {
    const seen = new Set(CASES.map((c) => c.dialect));
    for (const d of ['postgres', 'snowflake', 'bigquery', 'duckdb', 'mysql', 'mariadb', 'tsql', 'redshift', 'hive', 'sparksql', 'databricks', 'trino', 'athena', 'sqlite', 'db2', 'oracle', 'ansi']) {
      assert.ok(seen.has(d), d);
    }
  });
});
