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
N=${1:-1000}
RUNS=${2:-5}
BASE_URL=${BENCH_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}
SQLX=${SQLX:-$(command -v sqlx || true)}
PROFILE=${BENCH_PROFILE:-release}
CLIENT=$(command -v mariadb || command -v mysql)

if [ "$PROFILE" = release ]; then
    cargo build --release -q -p cargo-migrate
else
    cargo build -q -p cargo-migrate
fi
MIGRATE=$PWD/target/$PROFILE/cargo-migrate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

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
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

make_project() { # dir count
    local dir=$1 count=$2
    mkdir -p "$dir/migrations"
    printf '[package]\nname = "bench"\nversion = "0.1.0"\n\n[package.metadata.migrate]\ndialect = "mysql"\n' > "$dir/Cargo.toml"
    for i in $(seq 1 "$count"); do
        printf 'CREATE TABLE t_%d (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO t_%d VALUES (1, '"'"'x'"'"');\n' "$i" "$i" \
            > "$dir/migrations/$(printf '%014d' "$i")_m$i.sql"
    done
}

make_project "$WORK/p" "$N"
cat "$WORK"/p/migrations/*.sql > "$WORK/floor.sql"

time_cmd() { # runs "$@" once, prints ms; a failure stops the benchmark
    local t0; t0=$(now_ms)
    if ! "$@" >/dev/null 2>"$WORK/err"; then cat "$WORK/err" >&2; exit 1; fi
    echo $(( $(now_ms) - t0 ))
}

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

noop() { # name cmd...
    local name=$1; shift
    local samples=()
    for _ in $(seq 1 $((RUNS * 4))); do samples+=("$(time_cmd "$@")"); done
    results[$name]=$(printf '%s\n' "${samples[@]}" | median)
}
fresh_db bench_noop_ours
(cd "$WORK/p" && "$MIGRATE" migrate deploy --database-url "$(db_url bench_noop_ours)" 2>/dev/null)
cd "$WORK/p"
noop noop_ours "$MIGRATE" migrate deploy --database-url "$(db_url bench_noop_ours)"
if [ -n "$SQLX" ]; then
    fresh_db bench_noop_sqlx
    "$SQLX" migrate run --source "$WORK/p/migrations" --database-url "$(db_url bench_noop_sqlx)" >/dev/null
    noop noop_sqlx "$SQLX" migrate run --source "$WORK/p/migrations" --database-url "$(db_url bench_noop_sqlx)"
fi
cd - >/dev/null
for db in bench_deploy bench_noop_ours bench_noop_sqlx; do admin "DROP DATABASE IF EXISTS $db"; done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }'; }
echo "MariaDB/MySQL ($("$CLIENT" --version | head -c 60)), $PROFILE build, median of $RUNS runs (no-op: $((RUNS * 4)) runs), milliseconds"
printf '%-34s %13s %10s %14s\n' "" "cargo-migrate" "sqlx-cli" "mariadb floor"
printf '%-34s %13s %10s %14s\n' "deploy $N migrations" "${results[ours]}" "${results[sqlx]:--}" "${results[floor]}"
printf '%-34s %13s %10s\n' "  vs floor" "$(ratio "${results[ours]}" "${results[floor]}")" "$(ratio "${results[sqlx]:-0}" "${results[floor]}")"
printf '%-34s %13s %10s\n' "no-op deploy, $N applied" "${results[noop_ours]}" "${results[noop_sqlx]:--}"
