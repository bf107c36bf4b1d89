#!/usr/bin/env bash
# Deploy benchmarks on PostgreSQL: cargo-migrate vs sqlx-cli vs a `psql -f` floor.
#
#   bench/deploy.sh [N_MIGRATIONS=1000] [N_STATUS=10000] [RUNS=5]
#
# Needs: a PostgreSQL server (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
# with rights to create databases; psql; sqlx-cli on PATH or in $SQLX, installed with
#   cargo install sqlx-cli --no-default-features --features postgres,sqlite
# (without it the sqlx columns are skipped). BENCH_PROFILE=debug uses the debug build.
# Prints medians in milliseconds.
#
# What is measured, each on a fresh database per run:
#   deploy   applying N small migrations (a table and a row each), one transaction each
#   floor    psql -f of the same files concatenated, each wrapped in BEGIN/COMMIT
#   noop     a deploy with all N already applied (connect, lock, read history, exit)
#   status   `status` over N_STATUS files, all applied
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
N=${1:-1000}
N_STATUS=${2:-10000}
RUNS=${3:-5}
BASE_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
SQLX=${SQLX:-$(command -v sqlx || true)}

build_migrate "${BENCH_PROFILE:-release}"
make_work

db_url() { echo "${BASE_URL%/*}/$1"; }
admin() { psql -q -X -d "$BASE_URL" -c "$1" >/dev/null; }
fresh_db() { admin "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; admin "CREATE DATABASE $1"; }

make_project "$WORK/p" "$N" postgres
for f in "$WORK"/p/migrations/*.sql; do printf 'BEGIN;\n'; cat "$f"; printf 'COMMIT;\n'; done > "$WORK/floor.sql"

declare -A results
bench_deploy() { # name command-builder
    local name=$1; shift
    local samples=()
    for r in $(seq 1 "$RUNS"); do
        fresh_db bench_deploy
        samples+=("$("$@" "$(db_url bench_deploy)")")
    done
    results[$name]=$(printf '%s\n' "${samples[@]}" | median)
}
ours_deploy() { (cd "$WORK/p" && time_cmd "$MIGRATE" migrate deploy --database-url "$1"); }
sqlx_deploy() { time_cmd "$SQLX" migrate run --source "$WORK/p/migrations" --database-url "$1"; }
floor_deploy() { time_cmd psql -q -X -v ON_ERROR_STOP=1 -d "$1" -f "$WORK/floor.sql"; }

bench_deploy floor floor_deploy
bench_deploy ours ours_deploy
[ -n "$SQLX" ] && bench_deploy sqlx sqlx_deploy

# No-op deploys: everything applied already.
noop_deploys "$WORK/p"

# Status over N_STATUS files, all applied.
make_project "$WORK/s" "$N_STATUS" postgres
fresh_db bench_status
(cd "$WORK/s" && "$MIGRATE" migrate deploy --database-url "$(db_url bench_status)" 2>/dev/null)
cd "$WORK/s"
repeat status_ours "$MIGRATE" migrate status --database-url "$(db_url bench_status)"
if [ -n "$SQLX" ]; then
    fresh_db bench_status_sqlx
    "$SQLX" migrate run --source "$WORK/s/migrations" --database-url "$(db_url bench_status_sqlx)" >/dev/null
    repeat status_sqlx "$SQLX" migrate info --source "$WORK/s/migrations" --database-url "$(db_url bench_status_sqlx)"
fi
cd - >/dev/null
for db in bench_deploy bench_noop_ours bench_noop_sqlx bench_status bench_status_sqlx; do admin "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done

echo "PostgreSQL, median of $RUNS runs (no-op and status: $((RUNS * 4)) runs), milliseconds"
printf '%-34s %10s %10s %10s\n' "" "cargo-migrate" "sqlx-cli" "psql floor"
printf '%-34s %10s %10s %10s\n' "deploy $N migrations" "${results[ours]}" "${results[sqlx]:--}" "${results[floor]}"
printf '%-34s %10s %10s\n' "  vs floor" "$(ratio "${results[ours]}" "${results[floor]}")" "$(ratio "${results[sqlx]:-0}" "${results[floor]}")"
printf '%-34s %10s %10s\n' "no-op deploy, $N applied" "${results[noop_ours]}" "${results[noop_sqlx]:--}"
printf '%-34s %10s %10s\n' "status, $N_STATUS files applied" "${results[status_ours]}" "${results[status_sqlx]:--}"
