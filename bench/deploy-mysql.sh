#!/usr/bin/env bash
# Deploy benchmarks on MariaDB/MySQL: cargo-migrate vs sqlx-cli vs the `mariadb` client (floor).
#
#   bench/deploy-mysql.sh [N_MIGRATIONS=1000] [RUNS=5]
#
# Needs: a MariaDB or MySQL server (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306/test)
# whose user may create databases, without a password (the client runs as --user only);
# the `mariadb` (or `mysql`) client; sqlx-cli on PATH or in $SQLX, installed with
#   cargo install sqlx-cli --no-default-features --features mysql
# (without it the sqlx columns are skipped). BENCH_PROFILE=debug uses the debug build.
# Prints medians in milliseconds and same-run ratios (the tools take turns within each run).
#
# What is measured, each on a fresh database per run:
#   deploy   applying N small migrations (a table and a row each). MySQL commits DDL
#            implicitly, so cargo-migrate records progress per statement: the row is
#            written as running, counts each statement, then is finished (4 writes each)
#   floor    the `mariadb` client running the same files concatenated, nothing recorded
#   noop     a deploy with all N already applied (connect, lock, read history, exit)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
N=${1:-1000}
RUNS=${2:-5}
BASE_URL=${BENCH_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}
SQLX=${SQLX:-$(command -v sqlx || true)}
PROFILE=${BENCH_PROFILE:-release}
CLIENT=$(command -v mariadb || command -v mysql)

build_migrate "$PROFILE"
make_work

# host, port and user of the URL, for the client.
hostport=${BASE_URL#*://}; hostport=${hostport%%/*}
USER_PART=root
case $hostport in *@*) USER_PART=${hostport%@*}; hostport=${hostport#*@} ;; esac
HOST=${hostport%:*}; PORT=3306
case $hostport in *:*) PORT=${hostport##*:} ;; esac
client() { "$CLIENT" --host="$HOST" --port="$PORT" --user="$USER_PART" "$@"; }

db_url() { echo "${BASE_URL%/*}/$1"; }
admin() { client -e "$1"; }
fresh_db() { admin "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1"; }

make_project "$WORK/p" "$N" mysql
cat "$WORK"/p/migrations/*.sql > "$WORK/floor.sql"

declare -A results
# The tools take turns within each run (floor, ours, sqlx, floor, …): on a shared machine the
# server's speed drifts with the load, and interleaving exposes every tool to the same drift.
bench_deploys() { # name=command ...
    declare -A samples=()
    for _ in $(seq 1 "$RUNS"); do
        for pair in "$@"; do
            fresh_db bench_deploy
            samples[${pair%%=*}]+="$("${pair#*=}" bench_deploy) "
        done
    done
    for pair in "$@"; do
        results[${pair%%=*}]=$(printf '%s\n' ${samples[${pair%%=*}]} | median)
    done
}
ours_deploy() { (cd "$WORK/p" && time_cmd "$MIGRATE" migrate deploy --database-url "$(db_url "$1")"); }
sqlx_deploy() { time_cmd "$SQLX" migrate run --source "$WORK/p/migrations" --database-url "$(db_url "$1")"; }
floor_deploy() { time_cmd client --database="$1" -e "source $WORK/floor.sql"; }

if [ -n "$SQLX" ]; then
    bench_deploys floor=floor_deploy ours=ours_deploy sqlx=sqlx_deploy
else
    bench_deploys floor=floor_deploy ours=ours_deploy
fi

noop_deploys "$WORK/p"
for db in bench_deploy bench_noop_ours bench_noop_sqlx; do admin "DROP DATABASE IF EXISTS $db"; done

echo "MariaDB/MySQL ($("$CLIENT" --version | head -c 60)), $PROFILE build, median of $RUNS runs (no-op: $((RUNS * 4)) runs), milliseconds"
printf '%-34s %13s %10s %14s\n' "" "cargo-migrate" "sqlx-cli" "mariadb floor"
printf '%-34s %13s %10s %14s\n' "deploy $N migrations" "${results[ours]}" "${results[sqlx]:--}" "${results[floor]}"
printf '%-34s %13s %10s\n' "  vs floor" "$(ratio "${results[ours]}" "${results[floor]}")" "$(ratio "${results[sqlx]:-0}" "${results[floor]}")"
printf '%-34s %13s %10s\n' "no-op deploy, $N applied" "${results[noop_ours]}" "${results[noop_sqlx]:--}"
