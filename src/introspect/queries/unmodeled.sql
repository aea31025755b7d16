-- Objects in the asked-for namespaces that the model does not cover yet, as
-- (kind, schema, name): graft reports them (pull, diff, drift, apply) instead
-- of dropping them silently. Objects that belong to an extension (pg_depend
-- deptype 'e'), and the sub-objects of its tables, are the extension's and
-- are left out, as everywhere.
--
-- THE ONE PLACE TO EDIT when the model learns a kind: delete that kind's
-- branch (or condition) below, so that it is no longer reported; nothing
-- else lists the kinds. Sub-objects name their table (`table.trigger`),
-- functions their argument types. Every branch is filtered by
-- `nspname = ANY($1::text[])`.
SELECT u.kind, u.schema, u.name
FROM (
  -- relations other than tables, views, materialized views, sequences,
  -- composite types and their indexes
  SELECT 'foreign table' AS kind,
         n.nspname::text AS schema, c.relname::text AS name
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind = 'f'
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- aggregates and window functions (functions and procedures are modelled)
  SELECT CASE p.prokind
           WHEN 'a' THEN 'aggregate'
           ELSE 'window function'
         END,
         n.nspname::text,
         p.proname::text || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = ANY($1::text[])
    AND p.prokind IN ('a', 'w')
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
            AND dep.objid = p.oid
            -- 'i': the constructors made with a range type
            AND dep.deptype IN ('e', 'i'))
  UNION ALL
  -- types other than enums, domains, composite types and the row and array
  -- types made with relations
  SELECT CASE t.typtype
           WHEN 'r' THEN 'range type'
           ELSE 'base type'
         END,
         n.nspname::text, t.typname::text
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = ANY($1::text[])
    AND t.typtype IN ('b', 'r')
    AND t.typrelid = 0
    -- the array type made with every type (`_name`)
    AND NOT (t.typcategory = 'A' AND t.typelem <> 0 AND EXISTS (
          SELECT 1 FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
            AND dep.objid = t.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- rules
  SELECT 'rule', n.nspname::text, c.relname::text || '.' || r.rulename::text
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[]) AND r.rulename <> '_RETURN'
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- properties of tables the model leaves out
  SELECT p.kind, n.nspname::text, c.relname::text
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (VALUES
      ('unlogged table', c.relpersistence = 'u'),
      ('partition key', c.relkind = 'p'),
      ('partition of a table', c.relispartition),
      ('table storage parameters', c.reloptions IS NOT NULL),
      ('privileges', c.relacl IS NOT NULL)) AS p(kind, present)
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p')
    AND p.present
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'table inheritance', n.nspname::text, c.relname::text
  FROM pg_catalog.pg_inherits i
  JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[]) AND NOT c.relispartition
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- constraints the model does not cover: exclusion, constraint triggers
  -- (their trigger is listed above), NOT VALID checks and foreign keys
  SELECT CASE WHEN con.contype = 'x' THEN 'exclusion constraint'
              ELSE 'not valid constraint' END,
         n.nspname::text, c.relname::text || '.' || con.conname::text
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND (con.contype = 'x' OR (con.contype IN ('c', 'f') AND NOT con.convalidated))
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- columns with a collation other than their type's
  SELECT 'column collation', n.nspname::text, c.relname::text || '.' || a.attname::text
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    AND a.attcollation <> t.typcollation
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'statistics object', n.nspname::text, s.stxname::text
  FROM pg_catalog.pg_statistic_ext s
  JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
  WHERE n.nspname = ANY($1::text[])
  UNION ALL
  SELECT 'collation', n.nspname::text, co.collname::text
  FROM pg_catalog.pg_collation co
  JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
  WHERE n.nspname = ANY($1::text[])
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_collation'::pg_catalog.regclass
            AND dep.objid = co.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'operator', n.nspname::text, o.oprname::text
  FROM pg_catalog.pg_operator o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
  WHERE n.nspname = ANY($1::text[])
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass
            AND dep.objid = o.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'text search configuration', n.nspname::text, ts.cfgname::text
  FROM pg_catalog.pg_ts_config ts
  JOIN pg_catalog.pg_namespace n ON n.oid = ts.cfgnamespace
  WHERE n.nspname = ANY($1::text[])
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_ts_config'::pg_catalog.regclass
            AND dep.objid = ts.oid
            AND dep.deptype = 'e')
) u
ORDER BY 1, 2, 3
