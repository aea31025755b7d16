-- The asked-for namespaces that exist.
SELECT n.nspname::text AS name
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY($1::text[])
ORDER BY 1
