/**
 * `node dist/scale-postgres.js`: latency of the PostgreSQL store's `get` at 1,000 rows and at
 * 1,000,000 rows (`BENCH_ROWS`), one call at a time on random existing sessions, p50 and p99 of
 * `BENCH_GETS` calls each, after as many warm-up calls. The rows are inserted by the database
 * (`generate_series`) into a table of their own, `sess_scale_sessions`, dropped at the end; the
 * query plan of the lookup is printed to show that it is an index scan at both sizes.
 */
import pg from 'pg';
import { PostgresStore } from '@sess/store-postgres';

const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'sess_scale_sessions';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const GETS = Number(process.env.BENCH_GETS ?? 5000);
const DATA = '{"userId":"u_8f3a2c19","name":"Ada Lovelace","roles":["admin"],"count":7}';

const pool = new pg.Pool({ connectionString: URL, max: 1 });
const store = new PostgresStore({ url: URL, tableName: TABLE });
/** The store ID of row `n`, in SQL: 32 hex characters, spread over the index as hashed IDs are. */
const idOf = (n: number) => `md5('${n}')`;

async function insert(from: number, to: number): Promise<void> {
  const expiresAt = Date.now() + 24 * 3600 * 1000;
  await pool.query(
    `INSERT INTO ${TABLE} (id, data, created_at, expires_at, owner)
     SELECT md5(n::text), $1::jsonb, $2, $3, NULL FROM generate_series($4::int, $5::int) AS n`,
    [DATA, Date.now(), expiresAt, from, to],
  );
  await pool.query(`VACUUM ANALYZE ${TABLE}`);
}

async function measure(rows: number): Promise<string> {
  const { rows: [{ id }] } = await pool.query(`SELECT ${idOf(rows)} AS id`);
  const plan = await pool.query(`EXPLAIN SELECT data::text AS data, created_at, expires_at, owner FROM ${TABLE} WHERE id = $1 AND expires_at > $2`, [id, Date.now()]);
  const ids = (await pool.query(`SELECT md5((1 + floor(random() * $1))::int::text) AS id FROM generate_series(1, $2)`, [rows, GETS * 2])).rows.map((row: { id: string }) => row.id);
  const times: number[] = [];
  for (const [index, sample] of ids.entries()) {
    const started = process.hrtime.bigint();
    const record = await store.get(sample);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (record === undefined) throw new Error(`row ${sample} not found`);
    if (index >= GETS) times.push(elapsed);
  }
  // The server's own work, which the machine's other jobs disturb far less: execution time and
  // pages touched of the lookup, from EXPLAIN ANALYZE on 200 of the IDs.
  const executions: number[] = [];
  const pages: number[] = [];
  for (const sample of ids.slice(0, 200)) {
    const explained = await pool.query(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT data::text AS data, created_at, expires_at, owner FROM ${TABLE} WHERE id = $1 AND expires_at > $2`,
      [sample, Date.now()],
    );
    const [report] = explained.rows[0]['QUERY PLAN'] as Array<{ 'Execution Time': number; Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }>;
    executions.push(report!['Execution Time']);
    pages.push(report!.Plan['Shared Hit Blocks'] + report!.Plan['Shared Read Blocks']);
  }
  executions.sort((a, b) => a - b);
  pages.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
  const size = (await pool.query(`SELECT pg_size_pretty(pg_total_relation_size('${TABLE}')) AS size`)).rows[0].size;
  const scan = plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join(' / ').split(' / ')[0];
  const server = `${executions[100]!.toFixed(3)} ms, ${pages[100]} pages`;
  return `| ${rows.toLocaleString('en-US')} | ${at(0.5)} ms | ${at(0.99)} ms | ${server} | ${size} | ${scan} |`;
}

const lines: string[] = [];
try {
  // The store creates its table (and indexes) on first use.
  await store.get('scale-bench-warmup-id');
  await pool.query(`TRUNCATE ${TABLE}`);
  await insert(1, 1000);
  lines.push(await measure(1000));
  const started = Date.now();
  await insert(1001, ROWS);
  const insertSeconds = ((Date.now() - started) / 1000).toFixed(1);
  lines.push(await measure(ROWS));
  const version = (await pool.query('SHOW server_version')).rows[0].server_version;
  console.log(`PostgreSQL ${version}: store.get on random existing sessions, one at a time, ${GETS} timed after ${GETS} warm-up (inserting ${ROWS - 1000} rows: ${insertSeconds} s)`);
  console.log('| rows | p50 | p99 | in the server (median of EXPLAIN ANALYZE) | table + indexes | plan |');
  console.log('| --: | --: | --: | --: | --: | --- |');
  for (const line of lines) console.log(line);
} finally {
  await pool.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await store.close?.();
  await pool.end();
}
