-- Privileges from the ACLs (aclexplode, with PostgreSQL's default ACL for
-- the kind where none is stored), one row per grantee and privilege, for
-- every role but the object's owner: the namespaces asked for (but
-- `public`), their tables, views and materialized views and those
-- relations' columns, sequences, and functions and procedures (identity
-- types as parallel arrays, described as in columns.sql). `public` is
-- PUBLIC (grantee 0). Grants on objects the model does not hold (the
-- sequence of an identity or serial column, the columns of a view, C
-- functions, functions of an extension or on an unmodelled type) are left
-- out when assembled.
SELECT x.kind, x.schema, x.name, x.column_name, x.arg_texts, x.arg_schemas,
       x.arg_type_names, x.arg_is_array,
       CASE WHEN a.grantee = 0 THEN 'public'
            ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END AS grantee,
       a.privilege_type::text AS privilege,
       a.is_grantable AS grant_option
FROM (
  SELECT 'namespace'::text AS kind, n.nspname::text AS schema, NULL::text AS name,
         NULL::text AS column_name, NULL::text[] AS arg_texts, NULL::text[] AS arg_schemas,
         NULL::text[] AS arg_type_names, NULL::boolean[] AS arg_is_array,
         n.nspowner AS owner, coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname = ANY($1::text[]) AND n.nspname <> 'public'
  UNION ALL
  SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END,
         n.nspname::text, c.relname::text, NULL, NULL, NULL, NULL, NULL,
         c.relowner, c.relacl
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
    AND c.relacl IS NOT NULL
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'column', n.nspname::text, c.relname::text, at.attname::text,
         NULL, NULL, NULL, NULL, c.relowner, at.attacl
  FROM pg_catalog.pg_attribute at
  JOIN pg_catalog.pg_class c ON c.oid = at.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1::text[])
    AND c.relkind IN ('r', 'p', 'v', 'm')
    AND at.attnum > 0 AND NOT at.attisdropped
    AND at.attacl IS NOT NULL
    AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            AND dep.objid = c.oid
            AND dep.deptype = 'e')
  UNION ALL
  SELECT 'function', n.nspname::text, p.proname::text, NULL,
         ARRAY(SELECT pg_catalog.format_type(t.oid, NULL)
               FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS g(t, ord)
               JOIN pg_catalog.pg_type t ON t.oid = g.t
               ORDER BY g.ord),
         ARRAY(SELECT en.nspname::text
               FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS g(t, ord)
               JOIN pg_catalog.pg_type t ON t.oid = g.t
               JOIN pg_catalog.pg_type e
                 ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1
                                 THEN t.typelem ELSE t.oid END
               JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
               ORDER BY g.ord),
         ARRAY(SELECT e.typname::text
               FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS g(t, ord)
               JOIN pg_catalog.pg_type t ON t.oid = g.t
               JOIN pg_catalog.pg_type e
                 ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1
                                 THEN t.typelem ELSE t.oid END
               ORDER BY g.ord),
         ARRAY(SELECT (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1)
               FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS g(t, ord)
               JOIN pg_catalog.pg_type t ON t.oid = g.t
               ORDER BY g.ord),
         p.proowner, coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  -- every function and procedure: which of them the model holds is
  -- functions.sql's to say, and assembly keeps only their grants
  WHERE n.nspname = ANY($1::text[])
    AND p.prokind IN ('f', 'p')
) x
CROSS JOIN LATERAL pg_catalog.aclexplode(x.acl) AS a
WHERE a.grantee <> x.owner
