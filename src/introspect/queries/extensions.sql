-- Installed extensions (database-wide, so not filtered by namespace) with
-- their version and the namespace of their objects, except plpgsql, which
-- every database has.
SELECT e.extname::text AS name,
       e.extversion::text AS version,
       n.nspname::text AS schema
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1
