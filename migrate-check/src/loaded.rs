//! The replayed schema the checks stand on, read the one way the derives and the CLI both use.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use migrate_core::schema::Schema;
use migrate_core::{Dialect, LoadOptions, PackageConfig};
use proc_macro2::Span;

/// The replayed schema and what the checks need beside it.
pub struct Loaded {
    /// The schema the migrations replay to.
    pub schema: Schema,
    /// `[…migrate.types]`: SQL type -> Rust type, for extension types.
    pub types: BTreeMap<String, String>,
    /// The migrations folder as messages show it (relative to the package).
    pub dir: String,
}

/// How a check gets the replayed schema, asked with the span to report its errors on (the
/// derives cache it per compiler process; the CLI and the tests hand one over).
pub type Loader<'a> = &'a dyn Fn(Span) -> syn::Result<Arc<Loaded>>;

impl Loaded {
    /// Loads and replays the package's migrations (`dir` is the folder as messages show it),
    /// with the on-disk replay cache in `cache` if given; the errors as messages.
    pub fn replay(
        config: &PackageConfig,
        dir: String,
        cache: Option<&Path>,
    ) -> Result<Loaded, Vec<String>> {
        let dialect = config.dialect.unwrap_or(Dialect::Sqlite);
        let options = LoadOptions {
            dialect,
            ignore: config.ignore.clone(),
            display_dir: Some(dir.clone()),
        };
        let migrations = migrate_core::load(&config.dir, &options)
            .map_err(|errors| errors.0.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let schema = match cache {
            Some(cache) => migrate_core::replay::replay_cached(&migrations, dialect, cache),
            None => migrate_core::replay::replay(&migrations, dialect),
        };
        let schema = schema.map_err(|errors| {
            errors
                .0
                .iter()
                .map(|e| format!("the migrations do not replay: {e}"))
                .collect::<Vec<_>>()
        })?;
        Ok(Loaded {
            schema,
            types: config.types.clone(),
            dir,
        })
    }
}
