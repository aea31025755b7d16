-- Standalone composite types (CREATE TYPE … AS (…); not the row types of
-- tables and views), one row per attribute in attnum order, one row with
-- NULL attributes for a type without any. Attribute types as in
-- columns.sql; the collation when it is not the type's.
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       a.attname::text AS attr_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_text,
       en.nspname::text AS type_schema,
       e.typname::text AS type_name,
       (e.oid <> at.oid) AS is_array,
       coll_n.nspname::text AS collation_schema,
       coll.collname::text AS collation_name
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type e
  ON e.oid = CASE WHEN at.typcategory = 'A' AND at.typelem <> 0 AND at.typlen = -1
                  THEN at.typelem ELSE at.oid END
LEFT JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
LEFT JOIN pg_catalog.pg_collation coll
       ON coll.oid = a.attcollation AND a.attcollation <> at.typcollation
LEFT JOIN pg_catalog.pg_namespace coll_n ON coll_n.oid = coll.collnamespace
WHERE n.nspname = ANY($1::text[])
  AND t.typtype = 'c'
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
ORDER BY n.nspname, t.typname, a.attnum
