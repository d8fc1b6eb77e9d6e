-- Reference queries for people who look at Job Hunter's data by hand, in psql:
--
--   psql "$JH_DATABASE_URL" -v login=alice -v query='python разработчик' -f sql/queries.sql
--
-- (with the embedded server: `.venv/bin/jobhunter db status` prints where it is). Every query
-- reads only; the schema is `jh` unless JH_DB_SCHEMA says otherwise. A user's data is always
-- reached through t08_jh_user_vacancies: vacancies are shared, favourites and bans are not.
-- tests/test_sql_reference.py runs each of them against a real database.

SET search_path = jh, public;

-- 1. The last 20 harvest runs: one audit row per run and saved search.
SELECT run_id, search_name, trigger, status, window_from, window_to,
       http_requests, found, received, new, updated, unchanged, details_fetched, retries,
       finished_at - started_at AS took, error
FROM t02_jh_etl
ORDER BY started_at DESC, id DESC
LIMIT 20;

-- 2. What the newest run brought a user: vacancies first matched by it.
SELECT v.id, v.name, v.employer_name, v.area_name, v.salary_from_rub, v.salary_to_rub, v.url
FROM t08_jh_user_vacancies AS uv
JOIN t05_jh_users AS u ON u.id = uv.user_id
JOIN t01_jh_vacancies AS v ON v.id = uv.vacancy_id
WHERE u.login = :'login'
  AND uv.run_id = (SELECT e.run_id FROM t02_jh_etl AS e WHERE e.user_id = u.id
                   ORDER BY e.started_at DESC LIMIT 1)
ORDER BY v.published_at DESC;

-- 3. A user's favourites, best paid first (salaries in monthly roubles).
SELECT v.name, v.employer_name, v.area_name, v.salary_from_rub, v.salary_to_rub,
       v.closed_at IS NOT NULL AS closed, v.url
FROM t08_jh_user_vacancies AS uv
JOIN t05_jh_users AS u ON u.id = uv.user_id
JOIN t01_jh_vacancies AS v ON v.id = uv.vacancy_id
WHERE u.login = :'login' AND uv.is_favourite
ORDER BY coalesce(v.salary_to_rub, v.salary_from_rub) DESC NULLS LAST;

-- 4. The employers with most open vacancies for a user, without the ones they hid.
SELECT v.employer_name, count(*) AS vacancies,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.salary_from_rub) AS median_salary_from_rub
FROM t08_jh_user_vacancies AS uv
JOIN t05_jh_users AS u ON u.id = uv.user_id
JOIN t01_jh_vacancies AS v ON v.id = uv.vacancy_id
WHERE u.login = :'login' AND NOT uv.is_banned AND v.closed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM t11_jh_banned_employers AS b
                  WHERE b.user_id = u.id AND b.employer_id = v.employer_id)
GROUP BY v.employer_name
ORDER BY vacancies DESC, v.employer_name
LIMIT 20;

-- 5. Monthly salary in roubles by region for a user's open vacancies.
SELECT v.area_name, count(*) AS vacancies,
       count(v.salary_from_rub) AS with_salary,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.salary_from_rub) AS median_from,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY v.salary_from_rub) AS p90_from
FROM t08_jh_user_vacancies AS uv
JOIN t05_jh_users AS u ON u.id = uv.user_id
JOIN t01_jh_vacancies AS v ON v.id = uv.vacancy_id
WHERE u.login = :'login' AND v.closed_at IS NULL
GROUP BY v.area_name
ORDER BY vacancies DESC
LIMIT 20;

-- 6. The web app's quick search in SQL: Russian full text over title, employer and snippets.
--    The expression is exactly the one ix_t01_jh_vacancies_search_document indexes.
SELECT v.id, v.name, v.employer_name, v.published_at
FROM t08_jh_user_vacancies AS uv
JOIN t05_jh_users AS u ON u.id = uv.user_id
JOIN t01_jh_vacancies AS v ON v.id = uv.vacancy_id
WHERE u.login = :'login'
  AND to_tsvector('russian'::regconfig,
        coalesce(v.name, '') || ' ' || coalesce(v.employer_name, '') || ' '
        || coalesce(v.snippet_requirement, '') || ' ' || coalesce(v.snippet_responsibility, ''))
      @@ websearch_to_tsquery('russian'::regconfig, :'query')
ORDER BY v.published_at DESC
LIMIT 50;

-- 7. Vacancies hh.ru closed (archived or removed) in the last 7 days, for a user.
SELECT v.name, v.employer_name, v.closed_at, uv.is_favourite
FROM t08_jh_user_vacancies AS uv
JOIN t05_jh_users AS u ON u.id = uv.user_id
JOIN t01_jh_vacancies AS v ON v.id = uv.vacancy_id
WHERE u.login = :'login' AND v.closed_at > now() - interval '7 days'
ORDER BY v.closed_at DESC;

-- 8. How big each table is, indexes included.
SELECT c.relname AS table_name, c.reltuples::bigint AS rows_estimate,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r'
ORDER BY pg_total_relation_size(c.oid) DESC;
