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
      ('table storage parameters', c.reloptions IS NOT NULL)) AS p(kind, present)
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
  -- constraints the model does not cover: exclusion, NOT VALID checks and
  -- foreign keys, deferrable primary keys and uniques, NO INHERIT checks
  SELECT CASE WHEN con.contype = 'x' THEN 'exclusion constraint'
              WHEN NOT con.convalidated THEN 'not valid constraint'
              WHEN con.contype = 'c' THEN 'no inherit constraint'
              ELSE 'deferrable constraint' END,
         n.nspname::text, c.relname::text || '.' || con.conname::text
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND (con.contype = 'x'
         OR (con.contype IN ('c', 'f') AND NOT con.convalidated)
         OR (con.contype = 'c' AND con.connoinherit)
         OR (con.contype IN ('p', 'u') AND con.condeferrable))
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- privileges on types (those on namespaces, relations, columns,
  -- sequences and functions are modelled)
  SELECT 'type privileges', n.nspname::text, t.typname::text
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = ANY($1::text[])
    AND t.typacl IS NOT NULL
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
            AND dep.objid = t.oid
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
  UNION ALL
  -- constraint triggers (plain triggers are modelled; the internal ones of
  -- foreign keys are not triggers of their own)
  SELECT 'constraint trigger', n.nspname::text, c.relname::text || '.' || t.tgname::text
  FROM pg_catalog.pg_trigger t
  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND t.tgconstraint <> 0 AND NOT t.tgisinternal
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- C-language functions and procedures (the introspection leaves them out)
  SELECT 'C function', n.nspname::text,
         p.proname::text || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  WHERE n.nspname = ANY($1::text[])
    AND p.prokind IN ('f', 'p') AND l.lanname = 'c'
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
            AND dep.objid = p.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- functions and procedures on a base, range or multirange type of the
  -- user's (the introspection leaves them out with the type)
  SELECT 'function on an unmodelled type', n.nspname::text,
         p.proname::text || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  WHERE n.nspname = ANY($1::text[])
    AND p.prokind IN ('f', 'p') AND l.lanname <> 'c'
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
            AND dep.objid = p.oid
            AND dep.deptype IN ('e', 'i'))
    AND EXISTS (
          SELECT 1
          FROM pg_catalog.pg_type ut
          LEFT JOIN pg_catalog.pg_type ue ON ue.oid = ut.typelem AND ut.typcategory = 'A'
          JOIN pg_catalog.pg_namespace un ON un.oid = COALESCE(ue.typnamespace, ut.typnamespace)
          WHERE ut.oid = ANY (p.prorettype
                              || coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
            AND COALESCE(ue.typtype, ut.typtype) IN ('b', 'r', 'm')
            AND un.nspname <> 'pg_catalog'
            AND NOT EXISTS (
                  SELECT 1 FROM pg_catalog.pg_depend dep
                  WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                    AND dep.objid = COALESCE(ue.oid, ut.oid)
                    AND dep.deptype = 'e'))
  UNION ALL
  -- properties of indexes the model leaves out (on tables and materialized
  -- views): storage parameters, operator classes other than the type's
  -- default, a key column's collation other than the column's, NULLS NOT
  -- DISTINCT (read through to_jsonb: the column is new in PostgreSQL 15)
  SELECT p.kind, n.nspname::text, ic.relname::text
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (VALUES
      ('index storage parameters', ic.reloptions IS NOT NULL),
      ('index operator class', EXISTS (
          SELECT 1 FROM pg_catalog.pg_opclass opc
          WHERE opc.oid = ANY (i.indclass::pg_catalog.oid[]) AND NOT opc.opcdefault)),
      ('index collation', EXISTS (
          SELECT 1
          FROM ROWS FROM (pg_catalog.unnest(i.indkey::pg_catalog.int2[]),
                          pg_catalog.unnest(i.indcollation::pg_catalog.oid[])) AS k(attnum, coll)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE k.attnum > 0 AND k.coll <> 0 AND k.coll <> a.attcollation)),
      ('index nulls not distinct',
          (pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct') = 'true')) AS p(kind, present)
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p', 'm')
    AND p.present
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- properties of table columns the model leaves out, and replica identity
  SELECT p.kind, n.nspname::text, c.relname::text || '.' || a.attname::text
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  CROSS JOIN LATERAL (VALUES
      ('column statistics target', a.attstattarget IS NOT NULL AND a.attstattarget <> -1),
      ('column storage', a.attstorage <> t.typstorage)) AS p(kind, present)
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p')
    AND a.attnum > 0 AND NOT a.attisdropped
    AND p.present
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'replica identity', n.nspname::text, c.relname::text
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p') AND c.relreplident <> 'd'
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  -- comments on what the model keeps without its comment: namespaces
  -- (but public's own), types, constraints, policies, indexes, columns of
  -- views and composite types
  SELECT o.kind, o.schema, o.name
  FROM pg_catalog.pg_description d
  CROSS JOIN LATERAL (
      SELECT 'comment on namespace'::text AS kind, n.nspname::text AS schema,
             n.nspname::text AS name
      FROM pg_catalog.pg_namespace n
      WHERE d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND n.oid = d.objoid
        AND NOT (n.nspname = 'public' AND d.description = 'standard public schema')
      UNION ALL
      SELECT 'comment on type', n.nspname::text, t.typname::text
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      WHERE d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = d.objoid
      UNION ALL
      SELECT 'comment on constraint', n.nspname::text,
             COALESCE(c.relname::text || '.', '') || con.conname::text
      FROM pg_catalog.pg_constraint con
      JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace
      LEFT JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
      WHERE d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND con.oid = d.objoid
      UNION ALL
      SELECT 'comment on policy', n.nspname::text, c.relname::text || '.' || pol.polname::text
      FROM pg_catalog.pg_policy pol
      JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND pol.oid = d.objoid
      UNION ALL
      SELECT CASE WHEN c.relkind IN ('i', 'I') THEN 'comment on index'
                  ELSE 'comment on column' END,
             n.nspname::text,
             CASE WHEN c.relkind IN ('i', 'I') THEN c.relname::text
                  ELSE c.relname::text || '.' || a.attname::text END
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
      WHERE d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.objoid
        AND ((c.relkind IN ('i', 'I') AND d.objsubid = 0)
             OR (c.relkind IN ('v', 'm', 'c') AND d.objsubid > 0))) AS o
  WHERE o.schema = ANY($1::text[])
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = d.classoid
            AND dep.objid = d.objoid
            AND dep.deptype = 'e')
  UNION ALL
  -- default privileges for objects created later in a namespace
  SELECT 'default privileges', n.nspname::text,
         pg_catalog.pg_get_userbyid(da.defaclrole)::text || ' on '
         || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                                  WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types'
                                  ELSE 'schemas' END
  FROM pg_catalog.pg_default_acl da
  JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace
  WHERE n.nspname = ANY($1::text[])
  UNION ALL
  -- the other namespaced objects: operator classes and families,
  -- conversions, text search dictionaries, parsers and templates
  SELECT o.kind, n.nspname::text, o.name
  FROM (
      SELECT 'operator class'::text AS kind, opc.opcnamespace AS ns,
             opc.opcname::text || ' using ' || am.amname::text AS name,
             'pg_catalog.pg_opclass'::pg_catalog.regclass AS classid, opc.oid AS objid
      FROM pg_catalog.pg_opclass opc JOIN pg_catalog.pg_am am ON am.oid = opc.opcmethod
      UNION ALL
      SELECT 'operator family', opf.opfnamespace,
             opf.opfname::text || ' using ' || am.amname::text,
             'pg_catalog.pg_opfamily'::pg_catalog.regclass, opf.oid
      FROM pg_catalog.pg_opfamily opf JOIN pg_catalog.pg_am am ON am.oid = opf.opfmethod
      UNION ALL
      SELECT 'conversion', co.connamespace, co.conname::text,
             'pg_catalog.pg_conversion'::pg_catalog.regclass, co.oid
      FROM pg_catalog.pg_conversion co
      UNION ALL
      SELECT 'text search dictionary', td.dictnamespace, td.dictname::text,
             'pg_catalog.pg_ts_dict'::pg_catalog.regclass, td.oid
      FROM pg_catalog.pg_ts_dict td
      UNION ALL
      SELECT 'text search parser', tp.prsnamespace, tp.prsname::text,
             'pg_catalog.pg_ts_parser'::pg_catalog.regclass, tp.oid
      FROM pg_catalog.pg_ts_parser tp
      UNION ALL
      SELECT 'text search template', tt.tmplnamespace, tt.tmplname::text,
             'pg_catalog.pg_ts_template'::pg_catalog.regclass, tt.oid
      FROM pg_catalog.pg_ts_template tt) o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.ns
  WHERE n.nspname = ANY($1::text[])
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = o.classid
            AND dep.objid = o.objid
            AND dep.deptype = 'e')
) u
ORDER BY 1, 2, 3
