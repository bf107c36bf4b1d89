// Written by `cargo migrate new`: a new migration file makes the next build re-embed and
// re-check the migrations.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
