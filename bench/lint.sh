#!/usr/bin/env bash
# `cargo migrate lint` over N migrations (default 1,000): median wall time of `lint --all`.
#
#   bench/lint.sh [N=1000] [RUNS=5] [PROFILE=release]
#
# The migrations mix what real folders hold: a table per 4 migrations, then on earlier
# tables an added column, an index, a foreign key, so every rule's code runs. No database.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
setup "$@"
mkdir -p "$WORK/migrations"
printf '[package]\nname = "bench"\nversion = "0.1.0"\n\n[package.metadata.migrate]\ndialect = "postgres"\n' > "$WORK/Cargo.toml"
for i in $(seq 1 "$N"); do
    t=$(( (i + 3) / 4 ))
    case $(( i % 4 )) in
    1) sql="CREATE TABLE t$t (id bigint PRIMARY KEY, name text, created timestamptz NOT NULL DEFAULT now());" ;;
    2) sql="ALTER TABLE t$t ADD COLUMN note varchar(40);" ;;
    3) sql="CREATE INDEX t${t}_name ON t$t (name);" ;;
    0) sql="ALTER TABLE t$t ADD COLUMN parent bigint REFERENCES t$t (id);" ;;
    esac
    printf '%s\n' "$sql" > "$WORK/migrations/$(printf '%05d' "$i")_m$i.sql"
done
median=$(median_ms "$RUNS" "$WORK" lint --all)
findings=$(cd "$WORK" && "$MIGRATE" migrate lint --all --format json 2>/dev/null | grep -c '"rule"' || true)
echo "lint --all over $N migrations ($PROFILE): median ${median} ms of $RUNS runs, $findings findings"
