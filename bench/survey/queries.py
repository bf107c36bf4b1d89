#!/usr/bin/env python3
"""Survey of real projects' checked queries: our description against PostgreSQL's.

    bench/survey/queries.py [--mirrors DIR] [--cache DIR] [--only NAME ...] [--json OUT]
                            [--markdown OUT]

For every project of bench/survey/queries.tsv (pinned commits): its migrations folder is
applied to a fresh PostgreSQL database (SURVEY_PG_URL, default
postgres://postgres@127.0.0.1:5432/test; each up file with psql in one transaction, in sqlx's
order; a file that fails is reported and skipped), every checked query (`query!`, `query_as!`,
`query_scalar!` and their `_file` forms; not the `_unchecked` ones) is extracted from the
project's Rust files, and `cargo run -p migrate-tests --example describe_queries` describes
each: ours (`migrate_core::query::describe` over the replayed folder) and the server's (the
statement prepared through sqlx: names, type names, parameter types, and `attnotnull` of a
result column that is a plain table column).

Per project: queries, those the server prepares, those we describe, names and types agreeing,
nullability (ours nullable where the server says NOT NULL: counted; ours NOT NULL where the
server says nullable: counted and listed, expected 0), parameters agreeing, and our failures
grouped by cause. Repositories come as in survey.py (DIR/<owner>+<name>/repo bare git
directories, else a blobless clone under --cache); nothing fetched is committed. Only the
standard library is used.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import survey  # noqa: E402  (git_dir, export, tool_steps, apply order, databases)

ROOT = Path(__file__).resolve().parents[2]
MACRO = re.compile(r"\b(query(?:_file)?(?:_as|_scalar)?)!\s*\(")


# ---------------------------------------------------------------- extracting the queries


def rust_string(text, i):
    """The Rust string literal at text[i:] (after whitespace and comments): (value, end) or
    None."""
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("//", i):
            i = text.find("\n", i) % (len(text) + 1)
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 2 if "*/" in text[i:] else len(text)
        else:
            break
    m = re.match(r'r(#*)"', text[i:])
    if m:
        close = '"' + m.group(1)
        start = i + len(m.group(0))
        end = text.find(close, start)
        return (text[start:end], end + len(close)) if end >= 0 else None
    if i >= len(text) or text[i] != '"':
        return None
    out, j = [], i + 1
    escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
    while j < len(text):
        c = text[j]
        if c == '"':
            return "".join(out), j + 1
        if c == "\\":
            nxt = text[j + 1]
            if nxt == "\n":  # a line continuation skips the next line's indentation
                j += 2
                while j < len(text) and text[j] in " \t\n\r":
                    j += 1
                continue
            out.append(escapes.get(nxt, nxt))
            j += 2
            continue
        out.append(c)
        j += 1
    return None


def crate_root(path, top):
    d = path.parent
    while d != top.parent:
        if (d / "Cargo.toml").is_file():
            return d
        d = d.parent
    return top


def extract(tree, folders):
    """[(id, macro, sql)] of every checked query in the .rs files under `folders`."""
    found = []
    for folder in folders:
        base = tree / folder
        if not base.exists():
            continue
        for f in sorted(base.rglob("*.rs")):
            text = f.read_text(errors="replace")
            for m in MACRO.finditer(text):
                macro = m.group(1)
                line_start = text.rfind("\n", 0, m.start()) + 1
                if text[line_start:m.start()].lstrip().startswith("//"):
                    continue  # in a comment or a doc example
                i = m.end()
                if macro.endswith("_as"):  # the record type comes first
                    comma = text.find(",", i)
                    if comma < 0:
                        continue
                    i = comma + 1
                lit = rust_string(text, i)
                if lit is None:
                    continue
                sql = lit[0]
                if "_file" in macro:
                    p = crate_root(f, tree) / sql
                    if not p.is_file():
                        continue
                    sql = p.read_text()
                line = text.count("\n", 0, m.start()) + 1
                found.append((f"{f.relative_to(tree)}:{line}", macro + "!", sql))
    return found


# ---------------------------------------------------------------- comparing


def pg_name(ours):
    """Our type name as sqlx names the server's (bigint -> INT8, text[] -> TEXT[])."""
    if ours.endswith("[]"):
        return pg_name(ours[:-2]) + "[]"
    base = ours.split("(")[0].strip()
    return {
        "bigint": "INT8", "integer": "INT4", "smallint": "INT2", "text": "TEXT",
        "character varying": "VARCHAR", "character": "CHAR", "numeric": "NUMERIC",
        "boolean": "BOOL", "real": "FLOAT4", "double precision": "FLOAT8",
        "timestamp with time zone": "TIMESTAMPTZ", "timestamp without time zone": "TIMESTAMP",
        "date": "DATE", "time without time zone": "TIME", "interval": "INTERVAL",
        "uuid": "UUID", "json": "JSON", "jsonb": "JSONB", "bytea": "BYTEA", "inet": "INET",
    }.get(base, base.rsplit(".", 1)[-1])


def cause(message):
    """An error message without its position and names: the kind of failure."""
    m = re.sub(r"^\d+:\d+: ", "", message)
    m = re.sub(r"`[^`]*`", "`…`", m)
    m = re.sub(r"(column|relation|function|reference) [\w.\"]+", r"\1 X", m)
    return m.split(";")[0].split(" (")[0][:110]


def compare(rows):
    s = Counter()
    stricter, causes, server_errors = [], Counter(), []
    for r in rows:
        s["queries"] += 1
        ours, server = r["ours"], r["server"]
        if "error" in server:
            s["server_rejects"] += 1
            server_errors.append(f"{r['id']}: {server['error'][:150]}")
            continue
        s["server_ok"] += 1
        if "error" in ours:
            causes[cause(ours["error"])] += 1
            continue
        s["described"] += 1
        oc, sc = ours["columns"], server["columns"]
        if len(oc) != len(sc):
            s["column_count_differs"] += 1
            continue
        names_ok = types_ok = True
        for o, t in zip(oc, sc):
            s["columns"] += 1
            if o["name"] == t["name"]:
                s["names_agree"] += 1
            else:
                names_ok = False
            if o["type"] is None:
                s["types_unknown"] += 1
                r.setdefault("unknown", []).append(f"{t['name']} (server {t['type']})")
            else:
                s["types_compared"] += 1
                if pg_name(o["type"]) == t["type"]:
                    s["types_agree"] += 1
                else:
                    types_ok = False
                    r.setdefault("type_diffs", []).append(f"{t['name']}: ours {o['type']}, server {t['type']}")
            if t["not_null"] is None:
                continue
            s["null_compared"] += 1
            if o["not_null"] == t["not_null"]:
                s["null_agree"] += 1
            elif t["not_null"]:
                s["null_looser"] += 1
                r.setdefault("looser", []).append(o["name"])
            else:
                s["null_stricter"] += 1
                stricter.append(f"{r['id']}: column {o['name']}")
        s["queries_names_agree"] += names_ok
        s["queries_types_agree"] += types_ok
        op, sp = ours["params"], server["params"]
        if len(op) != len(sp):
            s["param_count_differs"] += 1
        else:
            for n, (o, t) in enumerate(zip(op, sp), 1):
                if o is None:
                    s["params_unknown"] += 1
                else:
                    s["params_compared"] += 1
                    s["params_agree"] += pg_name(o) == t
                    if pg_name(o) != t:
                        r.setdefault("param_diffs", []).append(f"${n}: ours {o}, server {t}")
    type_diffs = [f"{r['id']}: {d}" for r in rows for d in r.get("type_diffs", [])]
    type_diffs += [f"{r['id']}: {d}" for r in rows for d in r.get("param_diffs", [])]
    unknown = [f"{r['id']}: {u}" for r in rows for u in r.get("unknown", [])]
    looser = [f"{r['id']}: {u}" for r in rows for u in r.get("looser", [])]
    return dict(s), stricter, dict(causes), server_errors, type_diffs, unknown, looser


# ---------------------------------------------------------------- running


def describe_binary():
    r = survey.run(["cargo", "build", "-q", "-p", "migrate-tests", "--example", "describe_queries"], cwd=ROOT)
    if r.returncode != 0:
        sys.exit(r.stderr)
    return ROOT / "target" / "debug" / "examples" / "describe_queries"


def survey_project(p, binary, args):
    gd = survey.git_dir(p["repo"], p["commit"], args.mirrors, args.cache)
    work = Path(tempfile.mkdtemp(prefix="survey-queries-"))
    tree = work / "tree"
    tree.mkdir()
    for path in [p["migrations"], *p["sources"]]:
        archive = subprocess.run(
            ["git", "--git-dir", str(gd), "archive", "--format=tar", p["commit"], path],
            capture_output=True,
        )
        if archive.returncode == 0:
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    # Cargo.toml files above the sources, for the _file forms' paths.
    queries = extract(tree, p["sources"])
    folder = tree / p["migrations"]
    url = survey.fresh_pg("survey_q_" + re.sub(r"\W", "_", p["name"]))
    apply_errors = []
    for name, path, tx in survey.tool_steps(folder, "sqlx"):
        err = survey.apply_pg(url, [(name, path, tx)])
        if err:
            apply_errors.append(err)
    payload = json.dumps([{"id": q[0], "sql": q[2]} for q in queries])
    r = survey.run([str(binary), str(folder), url], input=payload)
    if r.returncode != 0:
        sys.exit(f"{p['name']}: describe_queries failed:\n{r.stderr[-2000:]}")
    rows = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    for row, q in zip(rows, queries):
        row["macro"] = q[1]
        row["sql"] = q[2]
    figures, stricter, causes, server_errors, type_diffs, unknown, looser = compare(rows)
    survey.admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    shutil.rmtree(work)
    return {
        "name": p["name"], "repo": p["repo"], "commit": p["commit"],
        "migrations": p["migrations"], "apply_errors": apply_errors,
        "figures": figures, "stricter": stricter, "causes": causes,
        "server_errors": server_errors, "type_diffs": type_diffs,
        "types_unknown": unknown, "nullable_where_server_not_null": looser,
        "failed": [
            {"id": r["id"], "error": r["ours"]["error"]}
            for r in rows if "error" in r["ours"] and "error" not in r["server"]
        ],
    }


def markdown(results):
    out = ["| project | queries | server prepares | described by us | names agree (columns) "
           "| types agree / compared (unknown) | nullability agree / compared | ours nullable, server NOT NULL "
           "| ours NOT NULL, server nullable | parameters agree / compared (unknown) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    total = Counter()
    for r in results:
        f = Counter(r["figures"])
        total.update(f)
        out.append(row(f"[{r['name']}](https://github.com/{r['repo']}/tree/{r['commit'][:12]})", f))
    out.append(row("**total**", total))
    return "\n".join(out)


def row(name, f):
    return (f"| {name} | {f['queries']} | {f['server_ok']} | {f['described']} "
            f"| {f['names_agree']}/{f['columns']} | {f['types_agree']}/{f['types_compared']} ({f['types_unknown']}) "
            f"| {f['null_agree']}/{f['null_compared']} | {f['null_looser']} | {f['null_stricter']} "
            f"| {f['params_agree']}/{f['params_compared']} ({f['params_unknown']}) |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirrors", default=None)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/cargo-migrate-survey"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    ap.add_argument("--describe-binary", help="a describe_queries binary built elsewhere (an "
                    "older commit, for before/after figures) instead of this tree's")
    args = ap.parse_args()
    projects = []
    for line in (Path(__file__).parent / "queries.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, repo, commit, migrations, sources = line.split("\t")
        if args.only and name not in args.only:
            continue
        projects.append({"name": name, "repo": repo, "commit": commit,
                         "migrations": migrations, "sources": sources.split(",")})
    binary = Path(args.describe_binary) if args.describe_binary else describe_binary()
    results = []
    for p in projects:
        r = survey_project(p, binary, args)
        results.append(r)
        f = r["figures"]
        print(f"{p['name']}: {f.get('queries', 0)} queries, {f.get('server_ok', 0)} prepared by "
              f"the server, {f.get('described', 0)} described by us; nullability: "
              f"{f.get('null_looser', 0)} looser, {f.get('null_stricter', 0)} stricter", flush=True)
        for c, n in sorted(r["causes"].items(), key=lambda x: -x[1]):
            print(f"    {n} × {c}")
        for s in r["stricter"]:
            print(f"    STRICTER {s}")
        for e in r["apply_errors"]:
            print(f"    migration not applied: {e}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.markdown:
        Path(args.markdown).write_text(markdown(results) + "\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
