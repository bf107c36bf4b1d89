#!/usr/bin/env bash
# `cargo migrate compat --with v1` over N migrations (default 1,000) and 50 row types: median
# wall time. Release 1 (tagged v1) holds the first N-10 migrations and a #[derive(Table)] struct
# per table for the first 50 tables; release 2 adds 10 migrations, one of which drops a column
# that release 1 reads (so compat reports exactly 1 break). No database.
#
#   bench/compat.sh [N=1000] [RUNS=5] [PROFILE=release]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
setup "$@"
mkdir -p "$WORK/migrations" "$WORK/src"
printf '[package]\nname = "bench"\nversion = "0.1.0"\n\n[package.metadata.migrate]\ndialect = "postgres"\n' > "$WORK/Cargo.toml"
migration() {
    local i=$1 t=$(( ($1 + 3) / 4 ))
    case $(( i % 4 )) in
    1) echo "CREATE TABLE t$t (id bigint PRIMARY KEY, name text, created timestamptz NOT NULL DEFAULT now());" ;;
    2) echo "ALTER TABLE t$t ADD COLUMN note varchar(40);" ;;
    3) echo "CREATE INDEX t${t}_name ON t$t (name);" ;;
    0) echo "ALTER TABLE t$t ADD COLUMN parent bigint REFERENCES t$t (id);" ;;
    esac
}
for i in $(seq 1 $(( N - 10 ))); do
    migration "$i" > "$WORK/migrations/$(printf '%05d' "$i")_m$i.sql"
done
{
    for t in $(seq 1 50); do
        printf '#[derive(migrate_runtime::Table)]\n#[migrate(table = "t%d")]\npub struct T%d {\n    pub id: i64,\n    pub name: Option<String>,\n    pub created: chrono::DateTime<chrono::Utc>,\n    pub note: Option<String>,\n    pub parent: Option<i64>,\n}\n\n' "$t" "$t"
    done
} > "$WORK/src/lib.rs"
git() { command git -C "$WORK" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }
git init -q
git add -A && git commit -qm v1 && git tag v1
for i in $(seq $(( N - 9 )) "$N"); do
    migration "$i" > "$WORK/migrations/$(printf '%05d' "$i")_m$i.sql"
done
echo "ALTER TABLE t1 DROP COLUMN note;" >> "$WORK/migrations/$(printf '%05d' "$N")_m$N.sql"
git add -A && git commit -qm v2
median=$(median_ms "$RUNS" "$WORK" compat --with v1)
breaks=$(cd "$WORK" && "$MIGRATE" migrate compat --with v1 --format json 2>/dev/null | grep -c '"problem"' || true)
echo "compat --with v1 over $N migrations, 50 row types ($PROFILE): median ${median} ms of $RUNS runs, $breaks break(s)"
