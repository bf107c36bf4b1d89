#!/usr/bin/env bash
# Incremental `cargo check` of a crate with 1,000 migrations and 50 checked structs
# (`embed_migrations!` + `#[derive(Table)]`), against the same crate using only
# `sqlx::migrate!` on the same folder (structs with `#[derive(sqlx::FromRow)]` only).
#
# Usage: bench/derives.sh [RUNS]   (default 5). Needs nothing but cargo; no database.
# Prints the median of RUNS incremental checks after touching src/lib.rs, for each crate.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${1:-5}
work=$root/target/bench-derives
export CARGO_TARGET_DIR=$work/target
rm -rf "$work/ours" "$work/sqlx"
mkdir -p "$work/ours/migrations" "$work/sqlx"

# 1,000 migrations: 50 tables, then columns added to them round-robin.
for i in $(seq 1 1000); do
    v=$(printf '2024%010d' "$i")
    t=$(( (i - 1) % 50 ))
    if [ "$i" -le 50 ]; then
        sql="CREATE TABLE t$t (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);"
    else
        sql="ALTER TABLE t$t ADD COLUMN c$i INTEGER;"
    fi
    echo "$sql" > "$work/ours/migrations/${v}_m$i.sql"
done
cp -r "$work/ours/migrations" "$work/sqlx/migrations"

cat > "$work/ours/Cargo.toml" <<TOML
[package]
name = "bench-ours"
version = "0.0.0"
edition = "2024"
[package.metadata.migrate]
dialect = "postgres"
[dependencies]
migrate-runtime = { path = "$root/migrate-runtime", default-features = false, features = ["postgres"] }
sqlx = { version = "0.9", default-features = false, features = ["postgres", "derive", "runtime-tokio"] }
[workspace]
TOML
cat > "$work/sqlx/Cargo.toml" <<TOML
[package]
name = "bench-sqlx"
version = "0.0.0"
edition = "2024"
[dependencies]
sqlx = { version = "0.9", default-features = false, features = ["postgres", "derive", "macros", "migrate", "runtime-tokio"] }
[workspace]
TOML
mkdir -p "$work/ours/src" "$work/sqlx/src"
{
    echo 'pub static MIGRATOR: migrate_runtime::Migrator = migrate_runtime::embed_migrations!();'
    for t in $(seq 0 49); do
        echo "#[derive(sqlx::FromRow, migrate_runtime::Table)] #[migrate(table = \"t$t\")]"
        echo "pub struct T$t { pub id: i64, pub name: String, pub c$((t + 951)): Option<i32> }"
    done
} > "$work/ours/src/lib.rs"
{
    echo 'pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();'
    for t in $(seq 0 49); do
        echo "#[derive(sqlx::FromRow)]"
        echo "pub struct T$t { pub id: i64, pub name: String, pub c$((t + 951)): Option<i32> }"
    done
} > "$work/sqlx/src/lib.rs"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
    local dir=$1
    (cd "$dir" && cargo check -q)            # warm: dependencies built
    for _ in $(seq 1 "$runs"); do
        touch "$dir/src/lib.rs"
        local start end
        start=$(date +%s%N)
        (cd "$dir" && cargo check -q)
        end=$(date +%s%N)
        echo $(( (end - start) / 1000000 ))
    done | median
}
ours=$(measure "$work/ours")
sqlx=$(measure "$work/sqlx")
echo "incremental cargo check, 1,000 migrations, 50 structs (median of $runs):"
echo "  embed_migrations! + 50 x derive(Table): ${ours} ms"
echo "  sqlx::migrate! + 50 x derive(FromRow):  ${sqlx} ms"
awk -v a="$ours" -v b="$sqlx" 'BEGIN { printf "  ratio: %.2fx\n", a / b }'
