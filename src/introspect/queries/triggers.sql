-- User triggers (not internal ones such as foreign key triggers, not
-- constraint triggers) on tables and views of the namespaces: tgtype's
-- bits, the UPDATE OF columns by name in tgattr order, the function,
-- arguments (tgargs, NUL-terminated each), transition tables, enabled
-- state, comment, and pg_get_triggerdef's text for the WHEN condition.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       tg.tgname::text AS name,
       tg.tgtype::integer AS type_bits,
       tg.tgenabled::text AS enabled,
       ARRAY(SELECT a.attname::text
             FROM pg_catalog.unnest(tg.tgattr::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = tg.tgrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS update_of,
       fn.nspname::text AS function_schema,
       f.proname::text AS function_name,
       tg.tgnargs::integer AS nargs,
       tg.tgargs AS args,
       tg.tgoldtable::text AS old_table,
       tg.tgnewtable::text AS new_table,
       (tg.tgqual IS NOT NULL) AS has_when,
       CASE WHEN tg.tgqual IS NOT NULL
            THEN pg_catalog.pg_get_triggerdef(tg.oid, true) END AS definition,
       d.description AS comment
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc f ON f.oid = tg.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass
      AND d.objoid = tg.oid
      AND d.objsubid = 0
WHERE n.nspname = ANY($1::text[])
  AND NOT tg.tgisinternal
  AND tg.tgconstraint = 0
  AND c.relkind IN ('r', 'p', 'v')
