-- Indexes that do not back a primary key, unique or exclusion constraint of
-- their own table, on tables and materialized views. (A foreign key's conindid names the *referenced* table's
-- index, which stays a plain index of that table.)
-- targets: per indkey entry, the column name, or for an expression key
-- (attnum 0) what pg_get_indexdef prints for that position; entries past
-- key_count are INCLUDE columns. options: indoption bits per key column.
-- Names are looked up by a scalar subquery per key (an index probe), which
-- costs half of a per-index join with its own hash table.
SELECT i.indrelid AS table_oid,
       ic.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       i.indnkeyatts AS key_count,
       i.indkey::pg_catalog.int2[] AS attnums,
       i.indoption::pg_catalog.int2[] AS options,
       ARRAY(SELECT CASE WHEN k.attnum = 0
                         THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::integer, true)
                         ELSE (SELECT a.attname::text
                               FROM pg_catalog.pg_attribute a
                               WHERE a.attrelid = i.indrelid AND a.attnum = k.attnum) END
             FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
             ORDER BY k.ord) AS targets,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[])
  AND c.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_constraint con
        WHERE con.conindid = i.indexrelid
          AND con.conrelid = i.indrelid
          AND con.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
