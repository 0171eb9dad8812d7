// The reduction of raw events to per-variant sufficient statistics, as SQL, so it
// runs where the events are: DuckDB (embedded, npm `@duckdb/node-api`) straight over
// NDJSON, CSV or Parquet files, or BigQuery over a GA4 export's `events_*` tables,
// whose billions of rows never leave the warehouse. Its result has the columns of
// `vitrine report --aggregates` (experiment, goal, variant, units, sum, sum_squares),
// so BigQuery's answer, saved as CSV, is read by the CLI as it is; a row per day
// (`day`: days since 1970 of the units' first exposure, a cohort), which the CLI adds
// up, so a day's units, conversions and sums can also be read on their own.
//
// The attribution is GrowthBook's, as `aggregateEvents` (js/report.js) does it in
// JavaScript: a unit is in the variant of its first exposure to the experiment;
// a conversion counts from that moment on; a goal with values also gives the value
// per unit (0 for units without). One core query, written in the SQL both engines
// speak (CTEs, ROW_NUMBER, LEFT JOIN, CASE), is shared by the two dialects; only
// the `events` source differs (`sources` below). The CLI test runs the core on
// DuckDB and holds the BigQuery text to a golden file (tests/cases/bigquery-report.sql).

/** Goal and event names as SQL string literals: only ids reach the query. */
function literal(name, what) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(name)) throw new Error(`${what} ${JSON.stringify(name)} is not a valid name (letters, digits, . _ : - only)`);
  return `'${name}'`;
}

/**
 * The core query over `events(unit, name, time_ms, kind, experiment, variant, value)`,
 * given as the first CTE.
 */
export function coreQuery(source, { goals, exposureEvent = 'vitrine_exposure' }) {
  if (!Array.isArray(goals) || goals.length === 0) throw new Error('at least one goal');
  const goalList = goals.map((g) => literal(g, 'goal'));
  const exposure = literal(exposureEvent, 'exposure event');
  return `WITH events AS (
${source}
),
goals AS (
  ${goalList.map((g) => `SELECT ${g} AS goal`).join('\n  UNION ALL ')}
),
valued_goals AS (
  SELECT DISTINCT name AS goal FROM events WHERE name IN (${goalList.join(', ')}) AND value IS NOT NULL
),
ranked AS (
  SELECT experiment, unit, variant, time_ms,
         ROW_NUMBER() OVER (PARTITION BY experiment, unit ORDER BY time_ms, variant) AS n
  FROM events
  WHERE name = ${exposure} AND kind = 'experiment' AND experiment IS NOT NULL AND variant IS NOT NULL AND unit IS NOT NULL
),
exposed AS (
  SELECT experiment, unit, variant, time_ms AS first_ms FROM ranked WHERE n = 1
),
per_unit AS (
  SELECT x.experiment, x.variant, x.unit, g.goal,
         FLOOR(x.first_ms / 86400000) AS day,
         COUNT(c.unit) AS conversions,
         COALESCE(SUM(c.value), 0) AS value
  FROM exposed x
  CROSS JOIN goals g
  LEFT JOIN events c ON c.unit = x.unit AND c.name = g.goal AND c.time_ms >= x.first_ms
  GROUP BY x.experiment, x.variant, x.unit, g.goal, x.first_ms
),
results AS (
  SELECT experiment, goal, variant, day, COUNT(*) AS units,
         SUM(CASE WHEN conversions > 0 THEN 1 ELSE 0 END) AS sum,
         CAST(NULL AS FLOAT64) AS sum_squares
  FROM per_unit
  GROUP BY experiment, goal, variant, day
  UNION ALL
  SELECT experiment, CONCAT(goal, ' value') AS goal, variant, day, COUNT(*) AS units,
         SUM(value) AS sum,
         SUM(value * value) AS sum_squares
  FROM per_unit
  WHERE goal IN (SELECT goal FROM valued_goals)
  GROUP BY experiment, goal, variant, day
)
SELECT experiment, goal, variant, day, units, sum, sum_squares
FROM results
ORDER BY experiment, goal, CASE WHEN variant = 'control' THEN 0 ELSE 1 END, variant, day`;
}

const GA4_PARAM = {
  bigquery: (key) => `(SELECT value.string_value FROM UNNEST(event_params) WHERE key = '${key}')`,
  duckdb: (key) => `list_extract(list_filter(event_params, lambda p: p.key = '${key}'), 1).value.string_value`,
};
const GA4_VALUE = {
  bigquery: "(SELECT COALESCE(value.double_value, CAST(value.int_value AS FLOAT64), value.float_value) FROM UNNEST(event_params) WHERE key = 'value')",
  duckdb: `COALESCE(${['double_value', 'CAST(int_value AS DOUBLE)', 'float_value'].map((f) => f.replace(/^(CAST\()?(\w+)/, (_, cast, field) => `${cast ?? ''}list_extract(list_filter(event_params, lambda p: p.key = 'value'), 1).value.${field}`)).join(', ')})`,
};

/** The `events` source over GA4's export rows, in either dialect. */
function ga4Source(dialect, from, names) {
  const param = GA4_PARAM[dialect];
  return `  SELECT user_pseudo_id AS unit,
         event_name AS name,
         CAST(event_timestamp AS FLOAT64) / 1000 AS time_ms,
         ${param('vitrine_kind')} AS kind,
         ${param('vitrine_id')} AS experiment,
         ${param('vitrine_variant')} AS variant,
         ${GA4_VALUE[dialect]} AS value
  FROM ${from}
  WHERE event_name IN (${names.join(', ')})`;
}

/**
 * The query BigQuery runs over a GA4 export (`--sql bigquery --dataset
 * project.dataset`), optionally for the daily tables from..to (YYYYMMDD).
 */
export function bigQuery({ dataset, goals, exposureEvent = 'vitrine_exposure', from, to }) {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/.test(dataset ?? '')) throw new Error('--dataset is project.dataset (letters, digits, _ and - only)');
  const names = [exposureEvent, ...goals].map((g) => literal(g, 'event'));
  let source = ga4Source('bigquery', `\`${dataset}.events_*\``, names);
  for (const [day, op] of [[from, '>='], [to, '<=']]) {
    if (day === undefined) continue;
    if (!/^\d{8}$/.test(day)) throw new Error('--from and --to are days as YYYYMMDD');
    source += `\n    AND _TABLE_SUFFIX ${op} '${day}'`;
  }
  return `${coreQuery(source, { goals, exposureEvent })};\n`;
}

const GA4_COLUMNS = "{'event_name': 'VARCHAR', 'user_pseudo_id': 'VARCHAR', 'event_timestamp': 'BIGINT', 'event_params': 'STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, double_value DOUBLE))[]'}";
const FLAT_COLUMNS = "{'event': 'VARCHAR', 'unit': 'VARCHAR', 'user_pseudo_id': 'VARCHAR', 'time_ms': 'DOUBLE', 'params': 'JSON'}";

/**
 * The `events` source DuckDB reads a file with: NDJSON in GA4's shape or flat (the
 * beacon's rows: event, unit, time_ms, params), Parquet in GA4's shape, or CSV with
 * the flat columns (event, unit, time_ms, value, vitrine_kind, vitrine_id, vitrine_variant).
 */
export function duckdbSource(file, shape, names) {
  const path = `'${file.replaceAll("'", "''")}'`;
  if (shape === 'ga4-json') return ga4Source('duckdb', `read_json(${path}, format = 'newline_delimited', columns = ${GA4_COLUMNS}, ignore_errors = true)`, names);
  if (shape === 'ga4-parquet') return ga4Source('duckdb', `read_parquet(${path})`, names);
  const param = (key) => (shape === 'flat-csv' ? key : `json_extract_string(params, '$.${key}')`);
  const from = shape === 'flat-csv'
    ? `read_csv(${path}, header = true, columns = {'event': 'VARCHAR', 'unit': 'VARCHAR', 'time_ms': 'DOUBLE', 'value': 'DOUBLE', 'vitrine_kind': 'VARCHAR', 'vitrine_id': 'VARCHAR', 'vitrine_variant': 'VARCHAR'})`
    : `read_json(${path}, format = 'newline_delimited', columns = ${FLAT_COLUMNS}, ignore_errors = true)`;
  return `  SELECT ${shape === 'flat-csv' ? 'unit' : 'COALESCE(unit, user_pseudo_id)'} AS unit,
         event AS name,
         time_ms,
         ${param('vitrine_kind')} AS kind,
         ${param('vitrine_id')} AS experiment,
         ${param('vitrine_variant')} AS variant,
         ${shape === 'flat-csv' ? 'value' : "TRY_CAST(json_extract(params, '$.value') AS DOUBLE)"} AS value
  FROM ${from}
  WHERE event IN (${names.join(', ')})`;
}

/**
 * Runs the reduction on DuckDB over `file` and returns rows in the aggregates'
 * shape. DuckDB is an optional dependency of the CLI (`npm install @duckdb/node-api`).
 */
export async function duckdbAggregates(file, shape, { goals, exposureEvent = 'vitrine_exposure' }) {
  let duckdb;
  try {
    duckdb = await import('@duckdb/node-api');
  } catch {
    throw new Error('the DuckDB engine needs the package @duckdb/node-api: npm install @duckdb/node-api');
  }
  const names = [exposureEvent, ...goals].map((g) => literal(g, 'event'));
  // DuckDB's dialect spells FLOAT64 as DOUBLE; the rest of the core is the same text.
  const sql = coreQuery(duckdbSource(file, shape, names), { goals, exposureEvent }).replaceAll('FLOAT64', 'DOUBLE');
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => ({
      experiment: String(r.experiment),
      goal: String(r.goal),
      variant: String(r.variant),
      day: Number(r.day),
      units: Number(r.units),
      sum: Number(r.sum),
      ...(r.sum_squares === null ? {} : { sum_squares: Number(r.sum_squares) }),
    }));
  } finally {
    connection.closeSync?.();
    instance.closeSync?.();
  }
}
