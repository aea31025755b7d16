-- Sequences with their options, comment and owner (OWNED BY). Identity
-- sequences (an internal dependency on their column) are part of the
-- column and left out. `serial` marks a sequence that a column owns and
-- whose default draws from it: it is modelled as that serial column, not
-- as a standalone sequence. Sequences of an extension are the extension's.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       d.description AS comment,
       own.refobjid AS owner_oid,
       own_n.nspname::text AS owner_schema,
       own_t.relname::text AS owner_table,
       own_a.attname::text AS owner_column,
       EXISTS (
         SELECT 1
         FROM pg_catalog.pg_attrdef ad
         JOIN pg_catalog.pg_depend x
           ON x.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
          AND x.objid = ad.oid
          AND x.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND x.refobjid = c.oid
         WHERE ad.adrelid = own.refobjid
           AND ad.adnum = own.refobjsubid) AS serial
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.objoid = c.oid
      AND d.objsubid = 0
LEFT JOIN pg_catalog.pg_depend own
       ON own.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND own.objid = c.oid
      AND own.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND own.refobjsubid > 0
      AND own.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class own_t ON own_t.oid = own.refobjid
LEFT JOIN pg_catalog.pg_namespace own_n ON own_n.oid = own_t.relnamespace
LEFT JOIN pg_catalog.pg_attribute own_a
       ON own_a.attrelid = own.refobjid
      AND own_a.attnum = own.refobjsubid
WHERE n.nspname = ANY($1::text[])
  AND own.deptype IS DISTINCT FROM 'i'
  AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND dep.objid = c.oid
          AND dep.deptype = 'e')
