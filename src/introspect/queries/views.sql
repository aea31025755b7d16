-- Views and materialized views with their definition as PostgreSQL prints
-- it (pretty), options, comment, and the relations their rewrite rule
-- depends on (pg_depend of the pg_rewrite row), whatever namespace those
-- are in. Views that belong to an extension are the extension's.
SELECT c.oid AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS kind,
       pg_catalog.pg_get_viewdef(c.oid, true) AS definition,
       c.reloptions::text[] AS options,
       d.description AS comment,
       coalesce(deps.schemas, '{}') AS dep_schemas,
       coalesce(deps.names, '{}') AS dep_names
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.objoid = c.oid
      AND d.objsubid = 0
LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(rn.nspname::text ORDER BY rn.nspname, rc.relname) AS schemas,
           pg_catalog.array_agg(rc.relname::text ORDER BY rn.nspname, rc.relname) AS names
    FROM (SELECT DISTINCT dep.refobjid
          FROM pg_catalog.pg_rewrite r
          JOIN pg_catalog.pg_depend dep
            ON dep.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
           AND dep.objid = r.oid
           AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
          WHERE r.ev_class = c.oid
            AND dep.refobjid <> c.oid) x
    JOIN pg_catalog.pg_class rc ON rc.oid = x.refobjid
    JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE rc.relkind IN ('r', 'p', 'v', 'm', 'f')
) deps ON true
WHERE n.nspname = ANY($1::text[])
  AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
