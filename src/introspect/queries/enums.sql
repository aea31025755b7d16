-- Enum types with their labels in sort order (extension-owned types excluded).
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       ARRAY(SELECT e.enumlabel::text
             FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder) AS labels
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY($1::text[])
  AND t.typtype = 'e'
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
          AND dep.objid = t.oid
          AND dep.deptype = 'e')
