-- Functions and procedures (not aggregates or window functions, not C
-- functions, not those of an extension), with their arguments as parallel
-- arrays in order (OUT and TABLE ones included: proallargtypes), each
-- argument's default (pg_get_function_arg_default), the result type, the
-- body (prosrc, or the SQL-standard body as printed), attributes, settings
-- and comment. Argument and result types are described like column types:
-- the element type's namespace and name, and format_type's text.
SELECT n.nspname::text AS schema,
       p.proname::text AS name,
       p.prokind::text AS kind,
       l.lanname::text AS language,
       p.prosrc AS source,
       CASE WHEN p.prosqlbody IS NOT NULL
            THEN pg_catalog.pg_get_function_sqlbody(p.oid) END AS sql_body,
       p.provolatile::text AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proleakproof AS leakproof,
       p.proparallel::text AS parallel,
       p.proconfig AS config,
       p.proretset AS setof,
       pg_catalog.format_type(p.prorettype, NULL) AS ret_text,
       ren.nspname::text AS ret_schema,
       re.typname::text AS ret_name,
       (re.oid <> rt.oid) AS ret_is_array,
       coalesce(p.proargmodes::text[], '{}') AS arg_modes,
       coalesce(p.proargnames, '{}') AS arg_names,
       ARRAY(SELECT pg_catalog.format_type(a.t, NULL)
             FROM pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS a(t, ord)
             ORDER BY a.ord) AS arg_texts,
       ARRAY(SELECT en.nspname::text
             FROM pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS a(t, ord)
             JOIN pg_catalog.pg_type t ON t.oid = a.t
             JOIN pg_catalog.pg_type e
               ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1
                               THEN t.typelem ELSE t.oid END
             JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
             ORDER BY a.ord) AS arg_schemas,
       ARRAY(SELECT e.typname::text
             FROM pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS a(t, ord)
             JOIN pg_catalog.pg_type t ON t.oid = a.t
             JOIN pg_catalog.pg_type e
               ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1
                               THEN t.typelem ELSE t.oid END
             ORDER BY a.ord) AS arg_type_names,
       ARRAY(SELECT (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1)
             FROM pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS a(t, ord)
             JOIN pg_catalog.pg_type t ON t.oid = a.t
             ORDER BY a.ord) AS arg_is_array,
       ARRAY(SELECT pg_catalog.pg_get_function_arg_default(p.oid, a.ord::integer)
             FROM pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[]))
                  WITH ORDINALITY AS a(t, ord)
             ORDER BY a.ord) AS arg_defaults,
       d.description AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
JOIN pg_catalog.pg_type rt ON rt.oid = p.prorettype
JOIN pg_catalog.pg_type re
  ON re.oid = CASE WHEN rt.typcategory = 'A' AND rt.typelem <> 0 AND rt.typlen = -1
                   THEN rt.typelem ELSE rt.oid END
JOIN pg_catalog.pg_namespace ren ON ren.oid = re.typnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass
      AND d.objoid = p.oid
      AND d.objsubid = 0
WHERE n.nspname = ANY($1::text[])
  AND p.prokind IN ('f', 'p')
  AND l.lanname <> 'c'
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND dep.objid = p.oid
          -- 'i': the constructors made with a range or multirange type
          AND dep.deptype IN ('e', 'i'))
  -- not on a base, range or multirange type of the user's (not modelled:
  -- listed by unmodeled.sql)
  AND NOT EXISTS (
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
