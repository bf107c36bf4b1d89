#!/usr/bin/env python3
"""Writes functions.tsv: SQLite's built-in functions, as the SQLite that runs this script lists
them (`PRAGMA function_list`), each with its result class and NULL behaviour.

SQLite's catalog has no result types: CLASSES below is the committed table of each function's
result, read from SQLite's documentation (https://sqlite.org/lang_corefunc.html,
lang_aggfunc.html, lang_datefunc.html, json1.html, lang_mathfunc.html, windowfunctions.html)
and checked on the server (migrate-tests' query corpus calls every scalar function of the file
and compares the storage classes and NULLs it returns). A function the server lists and the
table does not classify stops the script: classify it (from the documentation) and rerun.

The catalog must describe the SQLite that sqlx links: libsqlite3-sys's bundled amalgamation
(the version Cargo.lock pins), built with libsqlite3-sys's flags. Python's `sqlite3` module
loads the system's libsqlite3.so.0, so build the bundled one as a shared library and point
the loader at it:

    SRC=~/.cargo/registry/src/*/libsqlite3-sys-<version>/sqlite3
    gcc -shared -fPIC -o /tmp/sqlite/libsqlite3.so.0 $SRC/sqlite3.c -lm -lpthread \\
        -DSQLITE_CORE -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_API_ARMOR \\
        -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_FTS3 \\
        -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1 \\
        -DSQLITE_ENABLE_LOAD_EXTENSION=1 -DSQLITE_ENABLE_MEMORY_MANAGEMENT \\
        -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_STAT4 -DSQLITE_SOUNDEX -DSQLITE_THREADSAFE=1 \\
        -DSQLITE_USE_URI -DSQLITE_ENABLE_UNLOCK_NOTIFY
    LD_LIBRARY_PATH=/tmp/sqlite python3 migrate-core/catalog/sqlite/generate.py

The committed functions.tsv is of libsqlite3-sys 0.37.0 (Cargo.lock), which bundles SQLite
3.51.3, built without SQLITE_ENABLE_MATH_FUNCTIONS: no sqrt, ln, pi… (CLASSES classifies them
all the same, for a SQLite that has them; Debian's 3.40.1 does). migrate-tests checks that
the file lists what the linked SQLite lists
(query_corpus::the_sqlite_catalog_is_the_linked_sqlites_and_the_corpus_calls_each_function).

Only the built-in functions are listed (`builtin` = 1); FTS3/FTS5/R*Tree's functions
(`snippet`, `bm25`, …) are application-defined to SQLite and left out.

Columns of functions.tsv: name, kind (s scalar, a aggregate, w aggregate usable as a window
function), narg (as SQLite counts it: n exactly n arguments, -1 any number, -3 at least one,
-4 at least two), flags (SQLite's function flags, hex), returns, nulls:

returns  INTEGER, REAL, TEXT, BLOB: that storage class;
         NUMERIC: an INTEGER or a REAL, depending on the values;
         first: the first argument's (its declared type);
         number: by the first argument's affinity: INTEGER for INTEGER, REAL for REAL,
                 otherwise NUMERIC (abs, sum, ceil);
         common: one of the arguments (coalesce, scalar max): their common type;
         text_or_blob: BLOB when the first argument is declared BLOB, otherwise TEXT (substr);
         unknown: depends on the values (json_extract, iif).
nulls    never: never NULL;
         strict: NOT NULL whenever every argument is NOT NULL (NULL in, NULL out);
         allnull: NULL only when every argument is (coalesce, ifnull);
         maybe: may be NULL whatever the arguments (aggregates over no row, nullif, a date
                that does not parse, a JSON path that does not exist).
"""

import os
import sqlite3
import sys

# name -> (returns, nulls) for every row of that name; (name, narg) overrides a row.
CLASSES = {
    # Core scalar functions (lang_corefunc.html).
    "abs": ("number", "strict"),
    "changes": ("INTEGER", "never"),
    "char": ("TEXT", "never"),
    "coalesce": ("common", "allnull"),
    "concat": ("TEXT", "never"),
    # NULL when the separator is.
    "concat_ws": ("TEXT", "maybe"),
    "format": ("TEXT", "maybe"),
    "glob": ("INTEGER", "strict"),
    "hex": ("TEXT", "never"),
    "if": ("unknown", "maybe"),
    "ifnull": ("common", "allnull"),
    "iif": ("unknown", "maybe"),
    "instr": ("INTEGER", "strict"),
    "last_insert_rowid": ("INTEGER", "never"),
    "length": ("INTEGER", "strict"),
    "like": ("INTEGER", "strict"),
    "likelihood": ("first", "strict"),
    "likely": ("first", "strict"),
    "load_extension": ("unknown", "maybe"),
    "lower": ("TEXT", "strict"),
    "ltrim": ("TEXT", "strict"),
    # Scalar max/min of two or more arguments: NULL when any argument is.
    "max": ("common", "strict"),
    "min": ("common", "strict"),
    "nullif": ("first", "maybe"),
    "octet_length": ("INTEGER", "strict"),
    # NULL for a NULL format string.
    "printf": ("TEXT", "maybe"),
    "quote": ("TEXT", "never"),
    "random": ("INTEGER", "never"),
    "randomblob": ("BLOB", "never"),
    "replace": ("TEXT", "strict"),
    "round": ("REAL", "strict"),
    "rtrim": ("TEXT", "strict"),
    # NULL for a string or blob that is no number.
    "sign": ("INTEGER", "maybe"),
    "soundex": ("TEXT", "never"),
    "sqlite_compileoption_get": ("TEXT", "maybe"),
    "sqlite_compileoption_used": ("INTEGER", "strict"),
    "sqlite_log": ("unknown", "maybe"),
    "sqlite_offset": ("INTEGER", "maybe"),
    "sqlite_source_id": ("TEXT", "never"),
    "sqlite_version": ("TEXT", "never"),
    "substr": ("text_or_blob", "strict"),
    "substring": ("text_or_blob", "strict"),
    "subtype": ("INTEGER", "never"),
    "total_changes": ("INTEGER", "never"),
    "trim": ("TEXT", "strict"),
    "typeof": ("TEXT", "never"),
    # NULL for text that is not hexadecimal.
    "unhex": ("BLOB", "maybe"),
    # NULL for an empty string.
    "unicode": ("INTEGER", "maybe"),
    "unistr": ("TEXT", "strict"),
    "unistr_quote": ("TEXT", "never"),
    "unlikely": ("first", "strict"),
    "upper": ("TEXT", "strict"),
    "zeroblob": ("BLOB", "never"),
    # Date and time functions (lang_datefunc.html): NULL for a value that is no date.
    "current_date": ("TEXT", "never"),
    "current_time": ("TEXT", "never"),
    "current_timestamp": ("TEXT", "never"),
    "date": ("TEXT", "maybe"),
    "datetime": ("TEXT", "maybe"),
    "julianday": ("REAL", "maybe"),
    "strftime": ("TEXT", "maybe"),
    "time": ("TEXT", "maybe"),
    "timediff": ("TEXT", "maybe"),
    # An INTEGER, a REAL with the 'subsec' modifier.
    "unixepoch": ("NUMERIC", "maybe"),
    # Aggregate functions (lang_aggfunc.html); min/max of one argument override below.
    "avg": ("REAL", "maybe"),
    "count": ("INTEGER", "never"),
    "group_concat": ("TEXT", "maybe"),
    "string_agg": ("TEXT", "maybe"),
    "sum": ("number", "maybe"),
    "total": ("REAL", "never"),
    "median": ("NUMERIC", "maybe"),
    "percentile": ("NUMERIC", "maybe"),
    "percentile_cont": ("NUMERIC", "maybe"),
    "percentile_disc": ("NUMERIC", "maybe"),
    # Window functions (windowfunctions.html).
    "row_number": ("INTEGER", "never"),
    "rank": ("INTEGER", "never"),
    "dense_rank": ("INTEGER", "never"),
    "ntile": ("INTEGER", "never"),
    "percent_rank": ("REAL", "never"),
    "cume_dist": ("REAL", "never"),
    "lag": ("first", "maybe"),
    "lead": ("first", "maybe"),
    "first_value": ("first", "maybe"),
    "last_value": ("first", "maybe"),
    "nth_value": ("first", "maybe"),
    # JSON (json1.html): text JSON, or JSONB blobs for the jsonb_ forms.
    "->": ("TEXT", "maybe"),
    "->>": ("unknown", "maybe"),
    "json": ("TEXT", "strict"),
    "json_array": ("TEXT", "never"),
    "json_array_length": ("INTEGER", "maybe"),
    "json_error_position": ("INTEGER", "strict"),
    "json_extract": ("unknown", "maybe"),
    "json_group_array": ("TEXT", "maybe"),
    "json_group_object": ("TEXT", "maybe"),
    "json_insert": ("TEXT", "maybe"),
    "json_object": ("TEXT", "never"),
    "json_patch": ("TEXT", "maybe"),
    "json_pretty": ("TEXT", "strict"),
    "json_quote": ("TEXT", "never"),
    "json_remove": ("TEXT", "maybe"),
    "json_replace": ("TEXT", "maybe"),
    "json_set": ("TEXT", "maybe"),
    "json_type": ("TEXT", "maybe"),
    "json_valid": ("INTEGER", "strict"),
    "jsonb": ("BLOB", "strict"),
    "jsonb_array": ("BLOB", "never"),
    "jsonb_extract": ("unknown", "maybe"),
    "jsonb_group_array": ("BLOB", "maybe"),
    "jsonb_group_object": ("BLOB", "maybe"),
    "jsonb_insert": ("BLOB", "maybe"),
    "jsonb_object": ("BLOB", "never"),
    "jsonb_patch": ("BLOB", "maybe"),
    "jsonb_remove": ("BLOB", "maybe"),
    "jsonb_replace": ("BLOB", "maybe"),
    "jsonb_set": ("BLOB", "maybe"),
    # Math functions (lang_mathfunc.html; SQLITE_ENABLE_MATH_FUNCTIONS): NULL for an argument
    # out of the domain (sqrt(-1)) or text that is no number.
    "acos": ("REAL", "maybe"),
    "acosh": ("REAL", "maybe"),
    "asin": ("REAL", "maybe"),
    "asinh": ("REAL", "maybe"),
    "atan": ("REAL", "maybe"),
    "atan2": ("REAL", "maybe"),
    "atanh": ("REAL", "maybe"),
    "ceil": ("number", "maybe"),
    "ceiling": ("number", "maybe"),
    "cos": ("REAL", "maybe"),
    "cosh": ("REAL", "maybe"),
    "degrees": ("REAL", "maybe"),
    "exp": ("REAL", "maybe"),
    "floor": ("number", "maybe"),
    "ln": ("REAL", "maybe"),
    "log": ("REAL", "maybe"),
    "log10": ("REAL", "maybe"),
    "log2": ("REAL", "maybe"),
    "mod": ("REAL", "maybe"),
    "pi": ("REAL", "never"),
    "pow": ("REAL", "maybe"),
    "power": ("REAL", "maybe"),
    "radians": ("REAL", "maybe"),
    "sin": ("REAL", "maybe"),
    "sinh": ("REAL", "maybe"),
    "sqrt": ("REAL", "maybe"),
    "tan": ("REAL", "maybe"),
    "tanh": ("REAL", "maybe"),
    "trunc": ("number", "maybe"),
}

# The aggregate max/min (one argument) differ from the scalar ones.
OVERRIDES = {
    ("max", 1): ("first", "maybe"),
    ("min", 1): ("first", "maybe"),
}

KINDS = {"s", "a", "w"}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "functions.tsv")
    conn = sqlite3.connect(":memory:")
    rows = conn.execute("PRAGMA function_list").fetchall()
    listed = set()
    unclassified = []
    lines = []
    for name, builtin, kind, _enc, narg, flags in rows:
        if not builtin:
            continue
        if kind not in KINDS:
            sys.exit(f"generate.py: function {name} has kind {kind!r}, not one of {KINDS}")
        key = (name, kind, narg)
        if key in listed:
            # One row per text encoding.
            continue
        listed.add(key)
        cls = OVERRIDES.get((name, narg)) or CLASSES.get(name)
        if cls is None:
            unclassified.append(f"{name} ({kind}, narg {narg})")
            continue
        lines.append(f"{name}\t{kind}\t{narg}\t{flags:#x}\t{cls[0]}\t{cls[1]}")
    if unclassified:
        sys.exit(
            "generate.py: SQLite "
            + sqlite3.sqlite_version
            + " lists functions CLASSES does not classify: "
            + ", ".join(sorted(unclassified))
            + ". Add each to CLASSES (its result class and NULL behaviour, from"
            + " https://sqlite.org/lang_corefunc.html and the other function pages) and rerun."
        )
    lines.sort()
    header = [
        f"# SQLite {sqlite3.sqlite_version} built-in functions (PRAGMA function_list), "
        "with their result class and NULL behaviour.",
        "# Generated by generate.py (beside this file; its docstring says how to run it "
        "against the SQLite sqlx bundles). Do not edit: regenerate.",
        "name\tkind\tnarg\tflags\treturns\tnulls",
    ]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(header + lines) + "\n")
    names = len({line.split("\t")[0] for line in lines})
    print(
        f"wrote {out}: {names} functions ({len(lines)} name, kind and argument-count rows)"
        f" of SQLite {sqlite3.sqlite_version}"
    )


if __name__ == "__main__":
    main()
