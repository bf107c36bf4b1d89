#!/usr/bin/env python3
"""Writes PostgreSQL's built-in functions, operators, casts and types, as the checked-query
inference reads them (migrate-core/src/query/pg_catalog.rs), from a real server's catalog.

    PGURL=postgres://postgres@127.0.0.1:5432/test python3 migrate-core/catalog/postgres/generate.py

Needs `psql` on PATH and nothing else. Writes functions.tsv, operators.tsv, casts.tsv and
types.tsv beside this script; the files are committed (the build never connects to a server).
Types are spelled as `format_type(oid, NULL)` does, the schema model's spelling.
"""

import datetime
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PGURL = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432/test")

# Pseudo-types no value of a query has: a function taking or returning one cannot be called
# from a checked query's SQL (or returns nothing to type). Polymorphic ones (any*) and "any"
# stay.
UNUSABLE = (
    "'cstring','internal','trigger','event_trigger','language_handler','fdw_handler',"
    "'index_am_handler','tsm_handler','table_am_handler','pg_ddl_command','void','record',"
    "'record[]','unknown'"
)

FUNCTIONS = f"""
SELECT p.proname, p.prokind, CASE WHEN p.proisstrict THEN 't' ELSE 'f' END,
       CASE WHEN p.proretset THEN 't' ELSE 'f' END,
       CASE WHEN p.provariadic <> 0 THEN 't' ELSE 'f' END,
       p.pronargdefaults, format_type(p.prorettype, NULL),
       coalesce((SELECT string_agg(format_type(t, NULL), ',' ORDER BY i)
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '')
FROM pg_proc p
WHERE p.pronamespace = 'pg_catalog'::regnamespace
  AND p.prokind IN ('f', 'a', 'w')
  AND format_type(p.prorettype, NULL) NOT IN ({UNUSABLE})
  AND NOT EXISTS (SELECT FROM unnest(p.proargtypes::oid[]) t
                  WHERE format_type(t, NULL) IN ({UNUSABLE}))
  -- The functions behind operators stay: int4pl(1, 2) is a call too, array_cat a common one.
  AND p.proname NOT LIKE '\\_%'
ORDER BY 1, 8, 7
"""

OPERATORS = f"""
SELECT o.oprname, coalesce(format_type(NULLIF(o.oprleft, 0), NULL), ''),
       format_type(o.oprright, NULL), format_type(o.oprresult, NULL),
       CASE WHEN p.proisstrict THEN 't' ELSE 'f' END
FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode
WHERE o.oprnamespace = 'pg_catalog'::regnamespace
  AND format_type(o.oprresult, NULL) NOT IN ({UNUSABLE})
  AND coalesce(format_type(NULLIF(o.oprleft, 0), NULL), '') NOT IN ({UNUSABLE})
  AND format_type(o.oprright, NULL) NOT IN ({UNUSABLE})
ORDER BY 1, 2, 3
"""

CASTS = """
SELECT format_type(castsource, NULL), format_type(casttarget, NULL), castcontext, castmethod
FROM pg_cast
ORDER BY 1, 2
"""

# The built-in types (not arrays, not row types): each one's category and whether it is the
# preferred type of its category (the function and operator resolution rules use both), and
# its internal name (`int4(x)` is a cast to `integer` when no function int4 fits exactly).
TYPES = f"""
SELECT format_type(t.oid, NULL), t.typcategory, CASE WHEN t.typispreferred THEN 't' ELSE 'f' END,
       t.typname
FROM pg_type t
WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typrelid = 0 AND t.typcategory <> 'A'
  AND format_type(t.oid, NULL) NOT IN ({UNUSABLE})
ORDER BY 1
"""


def rows(sql):
    out = subprocess.run(
        ["psql", PGURL, "-X", "-At", "-F", "\t", "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def write(name, columns, lines, version):
    today = datetime.date.today().isoformat()
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        f.write(f"# {version}, {today}; regenerate: migrate-core/catalog/postgres/generate.py\n")
        f.write("# " + "\t".join(columns) + "\n")
        for line in lines:
            f.write(line + "\n")
    print(f"{name}: {len(lines)} rows, {os.path.getsize(path)} bytes", file=sys.stderr)


def main():
    version = "PostgreSQL " + rows("SHOW server_version")[0]
    write("functions.tsv",
          ["name", "kind", "strict", "set", "variadic", "defaults", "returns", "arguments"],
          rows(FUNCTIONS), version)
    write("operators.tsv", ["name", "left", "right", "returns", "strict"], rows(OPERATORS),
          version)
    write("casts.tsv", ["source", "target", "context", "method"], rows(CASTS), version)
    write("types.tsv", ["name", "category", "preferred", "typname"], rows(TYPES), version)


if __name__ == "__main__":
    main()
