WITH events AS (
  SELECT user_pseudo_id AS unit,
         event_name AS name,
         CAST(event_timestamp AS FLOAT64) / 1000 AS time_ms,
         (SELECT value.string_value FROM UNNEST(event_params) WHERE key = 'vitrine_kind') AS kind,
         (SELECT value.string_value FROM UNNEST(event_params) WHERE key = 'vitrine_id') AS experiment,
         (SELECT value.string_value FROM UNNEST(event_params) WHERE key = 'vitrine_variant') AS variant,
         (SELECT COALESCE(value.double_value, CAST(value.int_value AS FLOAT64), value.float_value) FROM UNNEST(event_params) WHERE key = 'value') AS value
  FROM `shop-analytics.analytics_123456.events_*`
  WHERE event_name IN ('vitrine_exposure', 'purchase', 'signup')
    AND _TABLE_SUFFIX >= '20261101'
    AND _TABLE_SUFFIX <= '20261130'
),
goals AS (
  SELECT 'purchase' AS goal
  UNION ALL SELECT 'signup' AS goal
),
valued_goals AS (
  SELECT DISTINCT name AS goal FROM events WHERE name IN ('purchase', 'signup') AND value IS NOT NULL
),
ranked AS (
  SELECT experiment, unit, variant, time_ms,
         ROW_NUMBER() OVER (PARTITION BY experiment, unit ORDER BY time_ms, variant) AS n
  FROM events
  WHERE name = 'vitrine_exposure' AND kind = 'experiment' AND experiment IS NOT NULL AND variant IS NOT NULL AND unit IS NOT NULL
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
ORDER BY experiment, goal, CASE WHEN variant = 'control' THEN 0 ELSE 1 END, variant, day;
