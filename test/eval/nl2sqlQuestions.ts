/**
 * The nl2sql evaluation set: questions a data analyst asks of the demo warehouse (src/core/demo: shop.customers,
 * orders, order_items, products, payments, monthly_revenue) with hand-written reference SQL. Scored by execution
 * accuracy: the model's SQL must return the same rows (order matters only when the reference has ORDER BY).
 * References break ties explicitly so "top N" questions have one right answer.
 */
export interface EvalQuestion {
  id: string;
  question: string;
  sql: string;
  /** easy: one table; medium: a join or grouping; hard: several joins, windows, subqueries. */
  level: 'easy' | 'medium' | 'hard';
}

export const QUESTIONS: EvalQuestion[] = [
  { id: 'q01', level: 'easy', question: 'How many customers are there?', sql: 'SELECT count(*) FROM shop.customers' },
  { id: 'q02', level: 'easy', question: 'How many products are in the catalogue?', sql: 'SELECT count(*) FROM shop.products' },
  { id: 'q03', level: 'easy', question: 'How many orders have the status cancelled?', sql: "SELECT count(*) FROM shop.orders WHERE status = 'cancelled'" },
  { id: 'q04', level: 'easy', question: 'List the distinct product categories in alphabetical order.', sql: 'SELECT DISTINCT category FROM shop.products ORDER BY category' },
  { id: 'q05', level: 'easy', question: 'What is the most expensive product list price?', sql: 'SELECT max(unit_price) FROM shop.products' },
  { id: 'q06', level: 'easy', question: 'What is the average list price of products in the Books category?', sql: "SELECT avg(unit_price) FROM shop.products WHERE category = 'Books'" },
  { id: 'q07', level: 'easy', question: 'How many customers are there per country?', sql: 'SELECT country, count(*) FROM shop.customers GROUP BY country' },
  { id: 'q08', level: 'easy', question: 'How many orders were placed through each channel?', sql: 'SELECT channel, count(*) FROM shop.orders GROUP BY channel' },
  { id: 'q09', level: 'easy', question: 'What is the total amount of all payments?', sql: 'SELECT sum(amount) FROM shop.payments' },
  { id: 'q10', level: 'easy', question: 'How many payments were made with each payment method?', sql: 'SELECT payment_method, count(*) FROM shop.payments GROUP BY payment_method' },
  { id: 'q11', level: 'easy', question: 'How many customers signed up in 2023?', sql: 'SELECT count(*) FROM shop.customers WHERE signup_date >= DATE \'2023-01-01\' AND signup_date < DATE \'2024-01-01\'' },
  { id: 'q12', level: 'easy', question: 'What is the earliest and the latest order timestamp?', sql: 'SELECT min(ordered_at), max(ordered_at) FROM shop.orders' },
  { id: 'q13', level: 'easy', question: 'How many customers are in each segment?', sql: 'SELECT segment, count(*) FROM shop.customers GROUP BY segment' },
  { id: 'q14', level: 'easy', question: 'Which products cost more than 300? Give their names.', sql: 'SELECT name FROM shop.products WHERE unit_price > 300' },
  { id: 'q15', level: 'easy', question: 'What is the average payment amount?', sql: 'SELECT avg(amount) FROM shop.payments' },
  { id: 'q16', level: 'easy', question: 'How many orders are there per status?', sql: 'SELECT status, count(*) FROM shop.orders GROUP BY status' },
  { id: 'q17', level: 'medium', question: 'How many orders were placed in each year? Order by year.', sql: 'SELECT year(ordered_at) AS y, count(*) FROM shop.orders GROUP BY y ORDER BY y' },
  { id: 'q18', level: 'medium', question: 'What was the total payment amount per year of payment, by year?', sql: 'SELECT year(paid_at) AS y, sum(amount) FROM shop.payments GROUP BY y ORDER BY y' },
  { id: 'q19', level: 'medium', question: 'How many order lines (order items) are there per product category?', sql: 'SELECT p.category, count(*) FROM shop.order_items i JOIN shop.products p ON p.product_id = i.product_id GROUP BY p.category' },
  { id: 'q20', level: 'medium', question: 'What is the total quantity sold per product category?', sql: 'SELECT p.category, sum(i.quantity) FROM shop.order_items i JOIN shop.products p ON p.product_id = i.product_id GROUP BY p.category' },
  { id: 'q21', level: 'medium', question: 'Which 5 customers placed the most orders? Give customer id and order count, ties broken by the lower customer id.', sql: 'SELECT customer_id, count(*) AS n FROM shop.orders GROUP BY customer_id ORDER BY n DESC, customer_id LIMIT 5' },
  { id: 'q22', level: 'medium', question: 'What is the total payment amount per customer country?', sql: 'SELECT c.country, sum(p.amount) FROM shop.payments p JOIN shop.orders o ON o.order_id = p.order_id JOIN shop.customers c ON c.customer_id = o.customer_id GROUP BY c.country' },
  { id: 'q23', level: 'medium', question: 'How many distinct customers have at least one returned order?', sql: "SELECT count(DISTINCT customer_id) FROM shop.orders WHERE status = 'returned'" },
  { id: 'q24', level: 'medium', question: 'What is the average number of lines per order?', sql: 'SELECT avg(n) FROM (SELECT order_id, count(*) AS n FROM shop.order_items GROUP BY order_id)' },
  { id: 'q25', level: 'medium', question: 'How many customers have never placed an order?', sql: 'SELECT count(*) FROM shop.customers c WHERE NOT EXISTS (SELECT 1 FROM shop.orders o WHERE o.customer_id = c.customer_id)' },
  { id: 'q26', level: 'medium', question: 'What is the revenue (sum of quantity times unit price of order items) per product category?', sql: 'SELECT p.category, sum(i.quantity * i.unit_price) FROM shop.order_items i JOIN shop.products p ON p.product_id = i.product_id GROUP BY p.category' },
  { id: 'q27', level: 'medium', question: 'Which 3 products sold the largest total quantity? Give product name and quantity, ties broken by product id.', sql: 'SELECT p.name, sum(i.quantity) AS q FROM shop.order_items i JOIN shop.products p ON p.product_id = i.product_id GROUP BY p.product_id, p.name ORDER BY q DESC, p.product_id LIMIT 3' },
  { id: 'q28', level: 'medium', question: 'How many orders did enterprise customers place?', sql: "SELECT count(*) FROM shop.orders o JOIN shop.customers c ON c.customer_id = o.customer_id WHERE c.segment = 'enterprise'" },
  { id: 'q29', level: 'medium', question: 'What is the number of payments and the total amount per month in 2024, from the monthly revenue view, by month?', sql: "SELECT month, payments, revenue FROM shop.monthly_revenue WHERE month >= DATE '2024-01-01' AND month < DATE '2025-01-01' ORDER BY month" },
  { id: 'q30', level: 'medium', question: 'What share of orders (as a fraction between 0 and 1) were cancelled?', sql: "SELECT avg(CASE WHEN status = 'cancelled' THEN 1.0 ELSE 0.0 END) FROM shop.orders" },
  { id: 'q31', level: 'medium', question: 'How many orders were placed on each day of the week (0 = Sunday)?', sql: 'SELECT dayofweek(ordered_at) AS d, count(*) FROM shop.orders GROUP BY d' },
  { id: 'q32', level: 'medium', question: 'What is the average payment amount per payment method?', sql: 'SELECT payment_method, avg(amount) FROM shop.payments GROUP BY payment_method' },
  { id: 'q33', level: 'medium', question: 'How many orders have no payment?', sql: 'SELECT count(*) FROM shop.orders o WHERE NOT EXISTS (SELECT 1 FROM shop.payments p WHERE p.order_id = o.order_id)' },
  { id: 'q34', level: 'medium', question: 'How many products were launched in each category in 2022?', sql: "SELECT category, count(*) FROM shop.products WHERE launched_on >= DATE '2022-01-01' AND launched_on < DATE '2023-01-01' GROUP BY category" },
  { id: 'q35', level: 'hard', question: 'Which 5 customers paid the most in total? Give customer id, first name, last name and total, ties broken by customer id.', sql: 'SELECT c.customer_id, c.first_name, c.last_name, sum(p.amount) AS total FROM shop.payments p JOIN shop.orders o ON o.order_id = p.order_id JOIN shop.customers c ON c.customer_id = o.customer_id GROUP BY c.customer_id, c.first_name, c.last_name ORDER BY total DESC, c.customer_id LIMIT 5' },
  { id: 'q36', level: 'hard', question: 'For each customer segment, what is the average total paid per paying customer?', sql: 'SELECT segment, avg(total) FROM (SELECT c.customer_id, c.segment, sum(p.amount) AS total FROM shop.payments p JOIN shop.orders o ON o.order_id = p.order_id JOIN shop.customers c ON c.customer_id = o.customer_id GROUP BY c.customer_id, c.segment) GROUP BY segment' },
  { id: 'q37', level: 'hard', question: 'What is the order id of the single largest payment, with its amount? Ties broken by the lower order id.', sql: 'SELECT order_id, amount FROM shop.payments ORDER BY amount DESC, order_id LIMIT 1' },
  { id: 'q38', level: 'hard', question: 'How many customers placed orders through more than one channel?', sql: 'SELECT count(*) FROM (SELECT customer_id FROM shop.orders GROUP BY customer_id HAVING count(DISTINCT channel) > 1)' },
  { id: 'q39', level: 'hard', question: 'For each product category, which product has the highest list price? Give category and product name, ties broken by product id, ordered by category.', sql: 'SELECT category, name FROM (SELECT category, name, row_number() OVER (PARTITION BY category ORDER BY unit_price DESC, product_id) AS rn FROM shop.products) WHERE rn = 1 ORDER BY category' },
  { id: 'q40', level: 'hard', question: 'What is the total payment amount per month of 2023, computed from the payments table, ordered by month?', sql: "SELECT date_trunc('month', paid_at) AS m, sum(amount) FROM shop.payments WHERE paid_at >= TIMESTAMP '2023-01-01' AND paid_at < TIMESTAMP '2024-01-01' GROUP BY m ORDER BY m" },
  { id: 'q41', level: 'hard', question: 'How many customers placed their first order in the same year they signed up?', sql: 'SELECT count(*) FROM (SELECT c.customer_id FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.customer_id GROUP BY c.customer_id, c.signup_date HAVING year(min(o.ordered_at)) = year(c.signup_date))' },
  { id: 'q42', level: 'hard', question: 'Which country has the highest average order value (total payment amount per paid order)? Give the country and the average.', sql: 'SELECT c.country, avg(p.amount) AS aov FROM shop.payments p JOIN shop.orders o ON o.order_id = p.order_id JOIN shop.customers c ON c.customer_id = o.customer_id GROUP BY c.country ORDER BY aov DESC, c.country LIMIT 1' },
  { id: 'q43', level: 'hard', question: 'How many orders contain at least one Electronics product?', sql: "SELECT count(DISTINCT i.order_id) FROM shop.order_items i JOIN shop.products p ON p.product_id = i.product_id WHERE p.category = 'Electronics'" },
  { id: 'q44', level: 'hard', question: 'What is the number of days between signup and first order, averaged over customers who ordered?', sql: 'SELECT avg(d) FROM (SELECT date_diff(\'day\', c.signup_date, min(o.ordered_at)::DATE) AS d FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.customer_id GROUP BY c.customer_id, c.signup_date)' },
];
