#!/usr/bin/env bash
# Deploys through PgBouncer (transaction mode) against directly, and the lease takeover time.
#
#   bench/pooler.sh [N_MIGRATIONS=1000] [RUNS=3] [LEASE_SECS=5]
#
# Needs: a PostgreSQL server (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test,
# trust authentication) with rights to create databases; psql; pgbouncer (Debian's package).
# MIGRATE=path/to/cargo-migrate uses that binary instead of a release build. Starts its own
# PgBouncer on a free port and stops it by PID. Prints medians in milliseconds.
#
#   direct/advisory   deploy of N small migrations (a table and a row each), advisory lock
#   direct/lease      the same with --lock lease (the lease, its heartbeat, no session state)
#   pgbouncer         the same through PgBouncer (the lease is chosen by itself)
#   takeover          a deployer holding the lease is SIGKILLed; the time from the kill until
#                     the next deployer reports taking it over (lease-duration = LEASE_SECS)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RUNS=${2:-3}
LEASE=${3:-5}
BASE_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
if [ -z "${MIGRATE:-}" ]; then
    cargo build --release -q -p cargo-migrate
    MIGRATE=$PWD/target/release/cargo-migrate
fi
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
WORK=$(mktemp -d)
chmod 777 "$WORK" # PgBouncer runs as postgres when we are root
BOUNCER_PID=
cleanup() {
    [ -n "$BOUNCER_PID" ] && kill -INT "$BOUNCER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

db_url() { echo "${BASE_URL%/*}/$1"; }
admin() { psql -q -X -d "$BASE_URL" -c "$1" >/dev/null; }
fresh_db() { admin "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; admin "CREATE DATABASE $1"; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# PgBouncer in transaction mode on a free port, in front of BASE_URL's server.
server_host=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.hostname or "127.0.0.1", p.port or 5432, p.username or "postgres")' "$BASE_URL")
read -r SERVER_HOST SERVER_PORT PG_USER <<<"$server_host"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '"%s" ""\n' "$PG_USER" > "$WORK/users.txt"
cat > "$WORK/pgbouncer.ini" <<INI
[databases]
* = host=$SERVER_HOST port=$SERVER_PORT user=$PG_USER
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $WORK/users.txt
pool_mode = transaction
max_client_conn = 100
default_pool_size = 10
ignore_startup_parameters = extra_float_digits,options
pidfile = $WORK/pgbouncer.pid
logfile = $WORK/pgbouncer.log
INI
as_user=()
[ "$(id -u)" = 0 ] && as_user=(-u postgres)
"$PGBOUNCER" -d "${as_user[@]}" "$WORK/pgbouncer.ini"
for _ in $(seq 1 100); do [ -s "$WORK/pgbouncer.pid" ] && break; sleep 0.1; done
BOUNCER_PID=$(cat "$WORK/pgbouncer.pid")
bouncer_url() { echo "postgres://$PG_USER@127.0.0.1:$PORT/$1"; }

mkdir -p "$WORK/p/migrations"
printf '[package]\nname = "bench"\nversion = "0.1.0"\n\n[package.metadata.migrate]\ndialect = "postgres"\nlease-duration = %d\n' "$LEASE" > "$WORK/p/Cargo.toml"
for i in $(seq 1 "$N"); do
    printf 'CREATE TABLE t_%d (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO t_%d VALUES (1, '"'"'x'"'"');\n' "$i" "$i" \
        > "$WORK/p/migrations/$(printf '%014d' "$i")_m$i.sql"
done

declare -A results
bench() { # name url-maker extra-args...
    local name=$1 url_of=$2; shift 2
    local samples=() t0
    for _ in $(seq 1 "$RUNS"); do
        fresh_db bench_pooler
        t0=$(now_ms)
        (cd "$WORK/p" && "$MIGRATE" migrate deploy --database-url "$("$url_of" bench_pooler)" "$@" >/dev/null 2>&1)
        samples+=($(( $(now_ms) - t0 )))
    done
    results[$name]=$(printf '%s\n' "${samples[@]}" | median)
}
bench advisory db_url --lock advisory
bench lease db_url --lock lease
bench bouncer bouncer_url

# Takeover: a slow second migration, the first deployer killed while it runs.
mkdir -p "$WORK/k/migrations"
cp "$WORK/p/Cargo.toml" "$WORK/k/"
echo 'CREATE TABLE k (id INT);' > "$WORK/k/migrations/1_k.sql"
echo 'SELECT pg_sleep(3);' > "$WORK/k/migrations/2_slow.sql"
takeovers=()
for _ in $(seq 1 "$RUNS"); do
    fresh_db bench_pooler
    url=$(bouncer_url bench_pooler)
    (cd "$WORK/k" && exec "$MIGRATE" migrate deploy --database-url "$url" >/dev/null 2>&1) &
    first=$!
    until [ "$(psql -X -At -d "$(db_url bench_pooler)" -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND pid <> pg_backend_pid()")" -gt 0 ]; do sleep 0.05; done
    kill -KILL "$first"; t0=$(now_ms)
    wait "$first" 2>/dev/null || true
    (cd "$WORK/k" && "$MIGRATE" migrate deploy --database-url "$url" --lock-timeout 120 2>&1 >/dev/null) | tee -a "$WORK/second.log" |
        while IFS= read -r line; do
            case $line in *"Took over the lease lock"*) echo $(( $(now_ms) - t0 )) > "$WORK/took" ;; esac
        done
    [ -s "$WORK/took" ] || { echo "no takeover reported:" >&2; cat "$WORK/second.log" >&2; exit 1; }
    takeovers+=("$(cat "$WORK/took")"); rm -f "$WORK/took"
done
results[takeover]=$(printf '%s\n' "${takeovers[@]}" | median)
admin "DROP DATABASE IF EXISTS bench_pooler WITH (FORCE)"

echo "PostgreSQL $(psql -X -At -d "$BASE_URL" -c 'SHOW server_version'), $("$PGBOUNCER" --version | head -1); median of $RUNS runs, milliseconds"
printf '%-44s %8s\n' "deploy $N migrations, direct, advisory lock" "${results[advisory]}"
printf '%-44s %8s\n' "deploy $N migrations, direct, lease lock" "${results[lease]}"
printf '%-44s %8s\n' "deploy $N migrations, through PgBouncer" "${results[bouncer]}"
printf '%-44s %8s\n' "lease takeover after SIGKILL (lease ${LEASE} s)" "${results[takeover]}"
