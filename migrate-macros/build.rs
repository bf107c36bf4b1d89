//! Gives the macros `OUT_DIR`: a folder inside the user's target directory where the replay
//! caches the schema of migrations it has seen (see `src/schema_cache.rs`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
