#!/usr/bin/env bash
# `cargo check` cost of 200 checked queries: migrate_runtime's `query!`/`query_as!` (no
# database, the migrations replayed) against sqlx's `query!`/`query_as!` offline
# (`SQLX_OFFLINE=true` and a `.sqlx` cache), each against a baseline of the same code through
# sqlx's unchecked `query`/`query_as` functions, which isolates what the macros cost.
#
#   bench/query-macros.sh [RUNS=5]
#
# Needs a PostgreSQL server (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
# with rights to create databases, and psql: only to prepare sqlx's `.sqlx` once (sqlx's
# macros, run online with `SQLX_OFFLINE_DIR` set, write their query data there; no sqlx-cli).
# The measured runs use no database. The first run builds the crates' dependencies (sqlx,
# tokio, migrate-runtime) into target/bench-query/target: minutes, not measured.
#
# Three crates under target/bench-query, one table per migration (10 tables, PostgreSQL), the
# same 200 queries (20 shapes per table: joins, outer joins, aggregates, GROUP BY/HAVING, CASE,
# COALESCE, CTE, UNION, subquery, window function, `= ANY`, INSERT/UPDATE … RETURNING,
# DELETE, `query_as!` into structs), each in its own `async fn` that runs it:
#   ours  `migrate_runtime::query!` / `query_as!`
#   sqlx  `sqlx::query!` / `query_as!`, SQLX_OFFLINE=true
#   base  `sqlx::query(…).bind(…)` / `sqlx::query_as::<_, T>(…)` (structs derive FromRow)
# All three enable the same sqlx features, so they share one build of the dependencies.
#
# Measured, RUNS times each, the crates taking turns within a run (the machine's load drifts):
#   cold    `cargo check` after `cargo clean -p <crate>` (dependencies built, no incremental data)
#   touched `cargo check` after touching src/lib.rs (every macro expands again)
#   edited  `cargo check` after editing one query's SQL (two variants, alternating; both are in
#           the `.sqlx` cache)
# Prints medians in milliseconds, the ratios ours/sqlx and (ours-base)/(sqlx-base), and each
# measure's range. The crates stay in target/bench-query for a closer look (CARGO_TARGET_DIR
# target/bench-query/target, SQLX_OFFLINE=true for the sqlx one).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
root=$(pwd)
RUNS=${1:-5}
BASE_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
DB=bench_query_macros
work=$root/target/bench-query
export CARGO_TARGET_DIR=$work/target
unset DATABASE_URL SQLX_OFFLINE SQLX_OFFLINE_DIR
rm -rf "$work/ours" "$work/sqlx" "$work/base" "$work/migrations"
mkdir -p "$work/migrations"

# --- Migrations: 10 tables, then a column added to each. ---------------------------------
for i in $(seq 0 9); do
    parent=$(( i == 0 ? 9 : i - 1 ))
    fk=$([ "$i" -gt 0 ] && echo " REFERENCES t$parent (id)" || true)
    cat > "$work/migrations/$(printf '%04d' $((i + 1)))_t$i.sql" <<SQL
CREATE TABLE t$i (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    email VARCHAR(80),
    score INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT true,
    ratio DOUBLE PRECISION,
    parent_id BIGINT$fk
);
CREATE INDEX t${i}_name ON t$i (name);
SQL
    echo "ALTER TABLE t$i ADD COLUMN rank SMALLINT;" \
        > "$work/migrations/$(printf '%04d' $((i + 11)))_t${i}_rank.sql"
done

# --- The 200 queries, one per line: kind|struct|sql|args (`;`-separated)|run ----------------
# kind: q (query!) or as (query_as!); run: all (fetch_all) or exec (execute).
queries() {
    local i p
    for i in $(seq 0 9); do
        p=$(( i == 0 ? 9 : i - 1 ))
        cat <<Q
q||SELECT id, name, email FROM t$i WHERE id = \$1 LIMIT 1|1_i64|all
q||SELECT * FROM t$i WHERE name = \$1 AND active|"x"|all
q||SELECT a.id, a.name, b.name AS parent FROM t$i a JOIN t$p b ON b.id = a.parent_id WHERE a.score > \$1|10_i32|all
q||SELECT a.id, b.email, b.rank FROM t$i a LEFT JOIN t$p b ON b.id = a.parent_id ORDER BY a.id LIMIT \$1|20_i64|all
q||SELECT active, count(*) AS n, sum(score) AS total, max(ratio) AS best FROM t$i GROUP BY active||all
q||SELECT name, avg(ratio) AS mean FROM t$i GROUP BY name HAVING count(*) > \$1|1_i64|all
q||INSERT INTO t$i (name, email, score) VALUES (\$1, \$2, \$3) RETURNING id|"n";"e@example.com";3_i32|all
q||UPDATE t$i SET score = score + \$1 WHERE id = \$2 RETURNING id, score|1_i32;1_i64|all
q||DELETE FROM t$i WHERE id = \$1|1_i64|exec
q||SELECT id, CASE WHEN score > \$1 THEN 'high' ELSE 'low' END AS band FROM t$i|5_i32|all
q||SELECT id, COALESCE(parent_id, id) AS root FROM t$i WHERE active = \$1|true|all
q||WITH recent AS (SELECT id, name FROM t$i ORDER BY id DESC LIMIT 10) SELECT r.id, r.name FROM recent r||all
q||SELECT id, score FROM t$i WHERE id = ANY(\$1)|&vec![1_i64, 2]|all
q||SELECT id, name, row_number() OVER (ORDER BY score DESC) AS pos FROM t$i||all
q||SELECT id, lower(name) AS lname, length(name) AS len FROM t$i WHERE email IS NOT NULL AND id > \$1::bigint|0_i64|all
q||SELECT id FROM t$i WHERE score BETWEEN \$1 AND \$2 UNION SELECT id FROM t$p WHERE active|1_i32;9_i32|all
q||SELECT a.id, (SELECT count(*) FROM t$p b WHERE b.id = a.parent_id) AS parents FROM t$i a||all
as|Row$i|SELECT id, name, email, score FROM t$i WHERE id = \$1|1_i64|all
as|Row$i|SELECT id, name, email, score FROM t$i WHERE name LIKE \$1 ORDER BY id LIMIT \$2|"a%";10_i64|all
as|Stat$i|SELECT active, count(*) AS "n!" FROM t$i GROUP BY active||all
Q
    done
}

# write_crate NAME: the crate's manifest and src/lib.rs, the queries in NAME's flavour.
write_crate() {
    local name=$1 dir=$work/$1 n=0 kind target sql args run macro call
    mkdir -p "$dir/src"
    cp "$root/Cargo.lock" "$dir/Cargo.lock" # the workspace's versions of sqlx and the rest
    {
        printf '[package]\nname = "bench-%s"\nversion = "0.0.0"\nedition = "2024"\n' "$name"
        printf '[package.metadata.migrate]\ndialect = "postgres"\n[dependencies]\n'
        printf 'sqlx = { version = "0.9", default-features = false, features = ["postgres", "macros", "derive", "runtime-tokio"] }\n'
        if [ "$name" = ours ]; then
            printf 'migrate-runtime = { path = "%s/migrate-runtime", default-features = false, features = ["postgres"] }\n' "$root"
        fi
        printf '[workspace]\n'
    } > "$dir/Cargo.toml"
    if [ "$name" = ours ]; then cp -r "$work/migrations" "$dir/migrations"; fi
    macro=$([ "$name" = ours ] && echo migrate_runtime || echo sqlx)
    derive() { if [ "$name" = base ]; then echo '#[derive(sqlx::FromRow)]'; fi; }
    {
        echo '#![allow(dead_code)]'
        for i in $(seq 0 9); do
            derive
            echo "pub struct Row$i { pub id: i64, pub name: String, pub email: Option<String>, pub score: i32 }"
            derive
            echo "pub struct Stat$i { pub active: Option<bool>, pub n: i64 }"
        done
        while IFS='|' read -r kind target sql args run; do
            n=$((n + 1))
            sql=${sql//\"/\\\"}
            if [ "$name" = base ]; then
                if [ "$kind" = as ]; then call="sqlx::query_as::<_, $target>(\"$sql\")"; else call="sqlx::query(\"$sql\")"; fi
                if [ -n "$args" ]; then call=$(bind_each "$call" "$args"); fi
            else
                local rest=${args:+, ${args//;/, }}
                if [ "$kind" = as ]; then call="$macro::query_as!($target, \"$sql\"$rest)"; else call="$macro::query!(\"$sql\"$rest)"; fi
            fi
            if [ "$run" = exec ]; then run=execute; else run=fetch_all; fi
            printf 'pub async fn q%d(pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {\n    let _ = %s\n        .%s(pool)\n        .await?;\n    Ok(())\n}\n' \
                "$n" "$call" "$run"
        done < <(queries)
    } > "$dir/src/lib.rs"
}
# bind_each CALL ARGS: CALL followed by `.bind(arg)` per `;`-separated argument.
bind_each() {
    local call=$1 arg IFS=';'
    for arg in $2; do call+=".bind($arg)"; done
    echo "$call"
}
for c in ours sqlx base; do write_crate "$c"; done
[ "$(grep -c '^pub async fn' "$work/ours/src/lib.rs")" = 200 ] || { echo "expected 200 queries" >&2; exit 1; }

# One query, two variants: the edit of the `edit` measure.
EDIT_A='FROM t0 WHERE id = $1 LIMIT 1"'
EDIT_B='FROM t0 WHERE id = $1 LIMIT 2"'
edit_to() { sed -i "s/${1//$/\\$}/${2//$/\\$}/" "$3/src/lib.rs"; }

# --- sqlx's cache: its macros run online once per variant, writing into .sqlx. -------------
db_url() { echo "${BASE_URL%/*}/$1"; }
psql -q -X -d "$BASE_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
for f in "$work"/migrations/*.sql; do psql -q -X -v ON_ERROR_STOP=1 -d "$(db_url $DB)" -f "$f" >/dev/null; done
mkdir -p "$work/sqlx/.sqlx"
echo "building the dependencies and preparing sqlx's .sqlx (not measured)…" >&2
prepare() { (cd "$work/sqlx" && DATABASE_URL=$(db_url $DB) SQLX_OFFLINE_DIR=$work/sqlx/.sqlx cargo check -q); }
prepare
edit_to "$EDIT_A" "$EDIT_B" "$work/sqlx"; prepare; edit_to "$EDIT_B" "$EDIT_A" "$work/sqlx"
psql -q -X -d "$BASE_URL" -c "DROP DATABASE $DB WITH (FORCE)" >/dev/null
[ "$(ls "$work/sqlx/.sqlx" | wc -l)" = 201 ] || { echo "expected 201 files in .sqlx" >&2; exit 1; }
export SQLX_OFFLINE=true
for c in ours base; do (cd "$work/$c" && cargo check -q); done # warm: dependencies built

# --- Measures. ------------------------------------------------------------------------------
declare -A samples=() results=()
check() { (cd "$work/$1" && cargo check -q); }
cold() { (cd "$work/$1" && cargo clean -q -p "bench-$1"); time_cmd check "$1"; }
touched() { touch "$work/$1/src/lib.rs"; time_cmd check "$1"; }
edited() { # alternates the edited query between its two variants
    if grep -qF "$EDIT_A" "$work/$1/src/lib.rs"; then edit_to "$EDIT_A" "$EDIT_B" "$work/$1"; else edit_to "$EDIT_B" "$EDIT_A" "$work/$1"; fi
    time_cmd check "$1"
}
for _ in $(seq 1 "$RUNS"); do
    for measure in cold touched edited; do
        for c in ours sqlx base; do samples[$measure.$c]+="$($measure "$c") "; done
    done
done
for key in "${!samples[@]}"; do results[$key]=$(printf '%s\n' ${samples[$key]} | median); done
spread() { printf '%s\n' ${samples[$1]} | sort -n | sed -n '1p;$p' | paste -sd-; }

echo "cargo check of 200 queries (10 tables, PostgreSQL), median of $RUNS runs, milliseconds"
printf '%-8s %8s %8s %8s %10s %18s\n' "" ours sqlx base ours/sqlx "(ours-b)/(sqlx-b)"
for measure in cold touched edited; do
    o=${results[$measure.ours]} s=${results[$measure.sqlx]} b=${results[$measure.base]}
    printf '%-8s %8s %8s %8s %10s %18s\n' "$measure" "$o" "$s" "$b" "$(ratio "$o" "$s")" "$(ratio $((o - b)) $((s - b)))"
done
echo "min-max:"
for measure in cold touched edited; do
    printf '%-8s %16s %16s %16s\n' "$measure" "$(spread "$measure.ours")" "$(spread "$measure.sqlx")" "$(spread "$measure.base")"
done
