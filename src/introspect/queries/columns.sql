-- Live columns of the tables of tables.sql, in attnum (declaration) order,
-- with type, collation, default or generation expression, identity and comment.
-- type_schema / type_name / is_array describe the element type: for an
-- array of a user type, the element; otherwise the type itself.
SELECT a.attrelid AS table_oid,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_text,
       en.nspname::text AS type_schema,
       e.typname::text AS type_name,
       (e.oid <> t.oid) AS is_array,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       d.description AS comment,
       coll_n.nspname::text AS collation_schema,
       coll.collname::text AS collation_name
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type e
  ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1
                  THEN t.typelem ELSE t.oid END
JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
-- the collation, when it is not the type's own (none for types without one)
LEFT JOIN pg_catalog.pg_collation coll
       ON coll.oid = a.attcollation AND a.attcollation <> t.typcollation
LEFT JOIN pg_catalog.pg_namespace coll_n ON coll_n.oid = coll.collnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
       ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.objoid = a.attrelid
      AND d.objsubid = a.attnum
WHERE n.nspname = ANY($1::text[])
  AND c.relkind IN ('r', 'p')
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
ORDER BY a.attrelid, a.attnum
