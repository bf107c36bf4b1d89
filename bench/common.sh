# Shared by the bench scripts (source it): build the binary, time runs, take a median.

# setup [N=1000] [RUNS=5] [PROFILE=release]: sets N, RUNS and PROFILE, builds the binary
# (MIGRATE) and makes a temporary folder WORK, removed on exit.
setup() {
    N=${1:-1000}
    RUNS=${2:-5}
    PROFILE=${3:-release}
    build_migrate "$PROFILE"
    make_work
}

# build_migrate PROFILE: builds cargo-migrate in PROFILE (release or debug) and sets MIGRATE.
build_migrate() {
    if [ "$1" = release ]; then
        cargo build --release -q -p cargo-migrate
    else
        cargo build -q -p cargo-migrate
    fi
    MIGRATE=$PWD/target/$1/cargo-migrate
}

# make_work: a temporary folder WORK, removed on exit.
make_work() {
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
}

now_ms() { date +%s%3N; }

# median: the median of the numbers on stdin, one a line (the mean of the middle two for an
# even count).
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# time_cmd CMD…: runs CMD once and prints its wall time in ms. A failure prints CMD's stderr
# and stops the benchmark (a failed command's time means nothing).
time_cmd() {
    local t0 err
    t0=$(now_ms)
    if ! err=$("$@" 2>&1 >/dev/null); then
        printf '%s\n' "$err" >&2
        exit 1
    fi
    echo $(($(now_ms) - t0))
}

# ratio A B: A/B as `1.23x`, or `-` when either is missing or zero.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }'; }

# median_ms RUNS DIR ARGS…: the median wall time in ms of RUNS runs of `cargo-migrate migrate
# ARGS…` in DIR (its output and exit code ignored: lint and compat exit non-zero on findings).
median_ms() {
    local runs=$1 dir=$2 start times=()
    shift 2
    for _ in $(seq 1 "$runs"); do
        start=$(now_ms)
        (cd "$dir" && "$MIGRATE" migrate "$@" >/dev/null 2>&1) || true
        times+=($(($(now_ms) - start)))
    done
    printf '%s\n' "${times[@]}" | median
}

# --- Deploy benchmarks (deploy.sh, deploy-mysql.sh). They define `fresh_db NAME` and
# `db_url NAME` for their server, and set RUNS, MIGRATE, SQLX (empty without sqlx-cli) and
# the array `results`.

# make_project DIR COUNT DIALECT: a project folder with COUNT migrations (a table and a row
# each) and the manifest cargo-migrate reads its config from.
make_project() {
    local dir=$1 count=$2 dialect=$3
    mkdir -p "$dir/migrations"
    printf '[package]\nname = "bench"\nversion = "0.1.0"\n\n[package.metadata.migrate]\ndialect = "%s"\n' "$dialect" > "$dir/Cargo.toml"
    for i in $(seq 1 "$count"); do
        printf 'CREATE TABLE t_%d (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO t_%d VALUES (1, '"'"'x'"'"');\n' "$i" "$i" \
            > "$dir/migrations/$(printf '%014d' "$i")_m$i.sql"
    done
}

# repeat NAME CMD…: results[NAME] = the median of RUNS*4 runs of CMD (short commands).
repeat() {
    local name=$1 samples=()
    shift
    for _ in $(seq 1 $((RUNS * 4))); do samples+=("$(time_cmd "$@")"); done
    results[$name]=$(printf '%s\n' "${samples[@]}" | median)
}

# noop_deploys DIR: results[noop_ours] (and noop_sqlx with sqlx-cli) = a deploy of DIR's
# migrations with all of them applied already (connect, lock, read history, exit).
noop_deploys() {
    local dir=$1
    fresh_db bench_noop_ours
    (cd "$dir" && "$MIGRATE" migrate deploy --database-url "$(db_url bench_noop_ours)" 2>/dev/null)
    cd "$dir"
    repeat noop_ours "$MIGRATE" migrate deploy --database-url "$(db_url bench_noop_ours)"
    if [ -n "$SQLX" ]; then
        fresh_db bench_noop_sqlx
        "$SQLX" migrate run --source "$dir/migrations" --database-url "$(db_url bench_noop_sqlx)" >/dev/null
        repeat noop_sqlx "$SQLX" migrate run --source "$dir/migrations" --database-url "$(db_url bench_noop_sqlx)"
    fi
    cd - >/dev/null
}
