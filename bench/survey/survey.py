#!/usr/bin/env python3
"""Survey of real migration folders: replay, compare with the real catalog, deploy + verify.

    bench/survey/survey.py [--mirrors DIR] [--cache DIR] [--only NAME ...] [--json OUT]
                           [--markdown OUT] [--keep]

For every folder of bench/survey/projects.tsv (pinned commits), on PostgreSQL
(SURVEY_PG_URL, default postgres://postgres@127.0.0.1:5432/test; needs rights to create
databases) and SQLite (the sqlite3 CLI):

  replay   `cargo migrate schema --format json` on the folder as written (exit 0: it replays);
  catalog  the same up files applied in the tool's own order (sqlx: integer version; diesel:
           the text before the first `_`, dashes removed, compared as text) with psql /
           sqlite3, each in one transaction unless the tool would not use one; then
           `cargo migrate baseline <last> --force` records them without running anything and
           `cargo migrate verify --format json` compares the replayed model with the catalog;
           every object of the replayed model counts as matched unless a difference names it;
  deploy   `cargo migrate deploy` on a fresh database, then `verify`: clean or not.

Folders come from a bare git directory per repository: DIR/<owner>+<name>/repo (the layout
the session's `fetch` tool writes), else a blobless clone made under --cache
(default ~/.cache/cargo-migrate-survey). Nothing fetched is committed. Only the standard
library is used; the binary is target/debug/cargo-migrate (`cargo build -p cargo-migrate`).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("SURVEY_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- obtaining the folders


def git_dir(repo, commit, mirrors, cache):
    if mirrors:
        d = Path(mirrors) / repo.replace("/", "+") / "repo"
        if d.is_dir():
            return d
    d = Path(cache) / (repo.replace("/", "+") + ".git")
    if not d.is_dir():
        d.parent.mkdir(parents=True, exist_ok=True)
        url = f"https://github.com/{repo}.git"
        subprocess.run(["git", "clone", "-q", "--bare", "--filter=blob:none", url, str(d)], check=True)
    if run(["git", "--git-dir", str(d), "cat-file", "-e", commit]).returncode != 0:
        subprocess.run(["git", "--git-dir", str(d), "fetch", "-q", "origin", commit], check=True)
    return d


def export(gd, commit, path, dest):
    """Copies `path` at `commit` to `dest` (a fresh directory)."""
    tmp = Path(tempfile.mkdtemp())
    archive = subprocess.run(
        ["git", "--git-dir", str(gd), "archive", "--format=tar", commit, path],
        capture_output=True, check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    shutil.copytree(tmp / path, dest)
    shutil.rmtree(tmp)


# ---------------------------------------------------------------- the tools' own order


def tool_steps(folder, layout):
    """(label, up file, in one transaction) in the order sqlx / diesel apply them."""
    steps = []
    if layout == "sqlx":
        for f in folder.iterdir():
            m = re.match(r"^(\d+)_(.+?)(\.up)?\.sql$", f.name)
            if not f.is_file() or not m or f.name.endswith(".down.sql"):
                continue
            text = f.read_text()
            no_tx = text.lstrip().startswith("-- no-transaction")
            steps.append((int(m.group(1)), f.name, f, not no_tx))
        steps.sort(key=lambda s: s[0])
    else:
        for d in folder.iterdir():
            if not d.is_dir() or d.name.startswith(".") or not (d / "up.sql").is_file():
                continue
            version = d.name.split("_")[0].replace("-", "")
            meta = d / "metadata.toml"
            tx = not (meta.is_file() and re.search(r"run_in_transaction\s*=\s*false", meta.read_text()))
            steps.append((version, d.name, d / "up.sql", tx))
        steps.sort(key=lambda s: s[0])  # diesel compares the version text
    return [(name, path, tx) for _, name, path, tx in steps]


def apply_pg(url, steps):
    for name, path, tx in steps:
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)]
        if tx:
            cmd.insert(1, "-1")
        r = run(cmd)
        if r.returncode != 0:
            return f"{name}: {first_error(r.stderr)}"
    return None


def apply_sqlite(db, steps):
    for name, path, tx in steps:
        text = path.read_text()
        script = f"BEGIN;\n{text}\n;COMMIT;\n" if tx else text
        r = run(["sqlite3", "-bail", str(db)], input=script)
        if r.returncode != 0 or "Error" in r.stderr:
            return f"{name}: {first_error(r.stderr)}"
    return None


def first_error(stderr):
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for l in lines:
        if "error" in l.lower():
            return l[:300]
    return (lines[0] if lines else "(no message)")[:300]


# ---------------------------------------------------------------- databases


def admin(sql):
    subprocess.run(["psql", "-X", "-q", "-d", PG_URL, "-c", sql], check=True, capture_output=True)


def fresh_pg(name):
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    return PG_URL.rsplit("/", 1)[0] + "/" + name


# ---------------------------------------------------------------- cargo migrate


class Project:
    def __init__(self, binary, work, dialect, ignore=()):
        self.binary, self.work = binary, work
        self.configure(dialect, ignore)

    def configure(self, dialect, ignore=()):
        """Cargo.toml: the dialect, and `ignore` patterns (files the tool itself skips)."""
        extra = f"ignore = {json.dumps(list(ignore))}\n" if ignore else ""
        (self.work / "Cargo.toml").write_text(
            '[package]\nname = "survey"\nversion = "0.1.0"\n\n'
            f'[package.metadata.migrate]\ndialect = "{dialect}"\n{extra}'
        )

    def cm(self, *args, url=None):
        cmd = [str(self.binary), "migrate", "--manifest-path", str(self.work / "Cargo.toml")]
        if url:
            cmd += ["--database-url", url]
        return run(cmd + list(args), cwd=self.work, env={**os.environ, "NO_COLOR": "1"})

    def verify(self, url):
        r = self.cm("verify", "--format", "json", url=url)
        try:
            return json.loads(r.stdout), None
        except json.JSONDecodeError:
            return None, first_error(r.stderr)


def replay_errors(stderr):
    """The replay's error lines: `error: …` and, under `cannot replay`, one line per cause."""
    errors = []
    for line in stderr.splitlines():
        if line.startswith("error") and not line.rstrip().endswith(":"):
            errors.append(line.strip())
        elif line.startswith("migrations/"):
            errors.append(line.strip())
    return errors


# ---------------------------------------------------------------- counting


def bare(name):
    name = (name or "").replace('"', "")
    return name[len("public."):] if name.startswith("public.") else name


def qual(obj):
    return bare(f"{obj.get('schema', 'public')}.{obj['name']}")


COLUMN_KINDS = {"missing_column", "type", "nullability", "default", "identity", "generated", "sequence_owner"}
KINDS = ["tables", "columns", "primary_keys", "uniques", "foreign_keys", "checks", "indexes", "enums", "views", "domains"]


def compare(schema, differences):
    """Per kind: replayed objects, those a difference names (mismatched), extras in the catalog."""
    by = {}
    for d in differences:
        by.setdefault(d["kind"], []).append(d)
    tables = {qual(t): t for t in schema["tables"]}
    missing_tables = {bare(d["table"]) for d in by.get("missing_table", [])}
    bad_columns = set()
    column_kinds = {}
    for d in differences:
        if d["kind"] in COLUMN_KINDS:
            bad_columns.add((bare(d["table"]), d["column"]))
            column_kinds[d["kind"]] = column_kinds.get(d["kind"], 0) + 1
    n = lambda k: len(by.get(k, []))  # noqa: E731
    out = {}
    out["tables"] = (len(tables), len(missing_tables), n("extra_table"))
    cols = [(t, c["name"]) for t, tab in tables.items() for c in tab["columns"]]
    out["columns"] = (
        len(cols),
        sum(1 for t, c in cols if t in missing_tables or (t, c) in bad_columns),
        n("extra_column"),
    )
    out["column_order"] = (len(tables), n("column_order"), 0)
    pks = [t for t, tab in tables.items() if tab.get("primary_key")]
    bad_pk = {bare(d["table"]) for d in by.get("primary_key", [])} | missing_tables
    out["primary_keys"] = (len(pks), sum(1 for t in pks if t in bad_pk), 0)

    def per_table(key, missing_kind, extra_kind, also=()):
        objs = [(t, o) for t, tab in tables.items() for o in tab.get(key, [])]
        bad = n(missing_kind) + sum(n(k) for k in also)
        bad += sum(1 for t, _ in objs if t in missing_tables)
        return (len(objs), min(bad, len(objs)), n(extra_kind))

    out["uniques"] = per_table("uniques", "missing_unique", "extra_unique")
    out["foreign_keys"] = per_table("foreign_keys", "missing_foreign_key", "extra_foreign_key")
    out["checks"] = per_table("checks", "missing_check", "extra_check", ("check_values",))
    out["indexes"] = (len(schema["indexes"]), n("missing_index") + n("index_shape"), n("extra_index"))
    out["enums"] = (len(schema["enums"]), n("missing_enum") + n("enum_labels"), n("extra_enum"))
    out["views"] = (len(schema["views"]), n("missing_view") + n("view_columns"), n("extra_view"))
    out["domains"] = (len(schema.get("domains", [])), n("missing_domain") + n("domain_type"), n("extra_domain"))
    return out, column_kinds


# ---------------------------------------------------------------- one project


def survey(p, binary, args):
    work = Path(args.work) / p["name"]
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    gd = git_dir(p["repo"], p["commit"], args.mirrors, args.cache)
    export(gd, p["commit"], p["path"], work / "migrations")
    proj = Project(binary, work, p["dialect"])
    steps = tool_steps(work / "migrations", p["layout"])
    res = {k: p[k] for k in ("name", "repo", "commit", "path", "layout", "dialect", "ignore")}
    res["migrations"] = len(steps)

    # (a) the replay as written: no configuration beyond the dialect
    r = proj.cm("schema", "--format", "json")
    res["replays"] = r.returncode == 0
    res["replay_errors"] = replay_errors(r.stderr) if r.returncode else []
    # the rest with `ignore` for the files the tool itself skips (README.md, …)
    if p["ignore"]:
        proj.configure(p["dialect"], p["ignore"])
        r = proj.cm("schema", "--format", "json")
        res["replays_with_ignore"] = r.returncode == 0
        res["replay_errors_with_ignore"] = replay_errors(r.stderr) if r.returncode else []
    schema = json.loads(r.stdout) if r.returncode == 0 else None
    res["replayed"] = (
        {k: len(schema[k]) for k in ("tables", "enums", "views", "indexes", "domains")} if schema else None
    )

    pg = p["dialect"] == "postgres"
    # (b) the real catalog after the tool's own order of the same files
    if pg:
        url = fresh_pg(f"survey_{p['name']}_psql".replace("-", "_"))
        res["psql_error"] = apply_pg(url, steps)
    else:
        db = work / "catalog.db"
        res["psql_error"] = apply_sqlite(db, steps)
        url = f"sqlite://{db}"
    res["catalog"] = None
    # our order of the files (status on a database without history: all pending)
    st = proj.cm("status", "--format", "json", url=url)
    ours = [m for m in json.loads(st.stdout)["migrations"]] if st.stdout.startswith("{") else []
    versions = [m["version"] for m in ours]
    res["same_order"] = (
        [m["path"].split("/")[1].split(".")[0] for m in ours] == [t.split(".")[0] for t, _, _ in steps]
        if ours else None
    )
    if res["psql_error"] is None and versions and schema is not None:
        b = proj.cm("baseline", str(versions[-1]), "--force", url=url)
        if b.returncode != 0:
            res["catalog_error"] = first_error(b.stderr)
        else:
            report, err = proj.verify(url)
            if report is None:
                res["catalog_error"] = err
            else:
                counts, column_kinds = compare(schema, report["differences"])
                res["catalog"] = counts
                res["catalog_column_kinds"] = column_kinds
                res["catalog_differences"] = report["differences"]

    # (c) deploy on a fresh database, then verify
    if pg:
        url = fresh_pg(f"survey_{p['name']}_deploy".replace("-", "_"))
    else:
        url = f"sqlite://{work / 'deploy.db'}?mode=rwc"
    d = proj.cm("deploy", url=url)
    res["deploy_ok"] = d.returncode == 0
    res["deploy_error"] = None if d.returncode == 0 else first_error(d.stderr)
    res["deploy_verify_clean"] = None
    if d.returncode == 0:
        report, err = proj.verify(url.split("?")[0])
        if report is None:
            res["deploy_verify_error"] = err
        else:
            res["deploy_verify_clean"] = report["clean"]
            res["deploy_differences"] = report["differences"]
    if pg and not args.keep:
        for suffix in ("psql", "deploy"):
            admin(f'DROP DATABASE IF EXISTS "survey_{p["name"]}_{suffix}" WITH (FORCE)'.replace("-", "_"))
    return res


# ---------------------------------------------------------------- report


def fmt_kind(c):
    total, bad, extra = c
    s = f"{total - bad}/{total}"
    return s + (f" (+{extra})" if extra else "")


def markdown(results):
    head = ["project", "commit", "layout", "dialect", "files", "replays as written"] + KINDS
    head += ["column order", "verify clean after deploy"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if r["replays"]:
            rep = "yes"
        elif r.get("replays_with_ignore"):
            rep = f"no; yes with `ignore = {json.dumps(r['ignore'])}`"
        else:
            rep = f"no ({len(r.get('replay_errors_with_ignore') or r['replay_errors'])} error(s))"
        if r["catalog"]:
            kinds = [fmt_kind(r["catalog"][k]) for k in KINDS + ["column_order"]]
        else:
            kinds = ["n/a"] * (len(KINDS) + 1)
        if r["deploy_verify_clean"] is None:
            dep = "deploy failed" if not r["deploy_ok"] else "verify failed"
        else:
            dep = "yes" if r["deploy_verify_clean"] else f"no ({len(r['deploy_differences'])} difference(s))"
        row = [r["name"], r["commit"][:10], r["layout"], r["dialect"], str(r["migrations"]), rep]
        lines.append("| " + " | ".join(row + kinds + [dep]) + " |")
    lines.append("")
    for r in results:
        notes = []
        if r["same_order"] is False:
            notes.append("cargo-migrate orders the files differently from the tool")
        if r["psql_error"]:
            notes.append(f"applying the files with the database's own client fails: {r['psql_error']}")
        for key, label in (("catalog_error", "catalog comparison"), ("deploy_error", "deploy")):
            if r.get(key):
                notes.append(f"{label}: {r[key]}")
        errors = r["replay_errors"] + [e for e in r.get("replay_errors_with_ignore") or [] if e not in r["replay_errors"]]
        if errors or notes:
            lines.append(f"- **{r['name']}** ({r['repo']}, `{r['path']}`)")
            lines += [f"  - replay: `` {e} ``" for e in errors]
            lines += [f"  - {n}" for n in notes]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirrors", default=os.environ.get("SURVEY_MIRRORS"))
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/cargo-migrate-survey"))
    ap.add_argument("--work", default=tempfile.mkdtemp(prefix="survey-"))
    ap.add_argument("--binary", default=str(ROOT / "target/debug/cargo-migrate"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    args = ap.parse_args()
    projects = []
    for line in (Path(__file__).parent / "projects.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, repo, commit, path, layout, dialect, *rest = line.split("\t")
            ignore = [g for g in rest[0].split(",") if g] if rest else []
            projects.append(
                dict(name=name, repo=repo, commit=commit, path=path, layout=layout, dialect=dialect, ignore=ignore)
            )
    if args.only:
        projects = [p for p in projects if p["name"] in args.only]
    results = []
    for p in projects:
        print(f"surveying {p['name']} ...", file=sys.stderr)
        results.append(survey(p, args.binary, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    table = markdown(results)
    if args.markdown:
        Path(args.markdown).write_text(table)
    print(table)
    print(f"work directory: {args.work}", file=sys.stderr)


if __name__ == "__main__":
    main()
