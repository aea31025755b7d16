-- Installed extensions (database-wide, so not filtered by namespace), except
-- plpgsql, which every database has.
SELECT e.extname::text AS name
FROM pg_catalog.pg_extension e
WHERE e.extname <> 'plpgsql'
ORDER BY 1
