# Shared by the bench scripts (source it): build the binary, time runs, take a median.

# setup [N=1000] [RUNS=5] [PROFILE=release]: sets N, RUNS and PROFILE, builds the binary
# (MIGRATE) and makes a temporary folder WORK, removed on exit.
setup() {
    N=${1:-1000}
    RUNS=${2:-5}
    PROFILE=${3:-release}
    build_migrate "$PROFILE"
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
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

# median_ms RUNS DIR ARGS…: the median wall time in ms of RUNS runs of `cargo-migrate migrate
# ARGS…` in DIR (its output and exit code ignored).
median_ms() {
    local runs=$1 dir=$2 start times=()
    shift 2
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s%3N)
        (cd "$dir" && "$MIGRATE" migrate "$@" >/dev/null 2>&1) || true
        times+=($(( $(date +%s%3N) - start )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
