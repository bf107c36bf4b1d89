//! A compact text encoding of [`Schema`], for the replay's on-disk cache
//! ([`crate::replay::replay_cached`]). Not a public format: the first line names the version of
//! migrate-core that wrote it, and any other version reads as "not cached".
//!
//! Atoms: a string is `<byte length>:<bytes>`, a count `<n>#`, a boolean `t`/`f`, `None` `~`
//! and `Some(x)` `+x`. Records are their fields in declaration order; `record!` writes both
//! directions from one field list, so they cannot drift apart.

use super::{
    Check, Column, Domain, Dropped, DroppedColumn, EnumType, Exclusion, ExclusionElement,
    ForeignKey, Function, Generated, Identity, Index, IndexKey, Label, Name, Origin, Schema, Table,
    Unique, View,
};
use crate::Dialect;

/// The format's own number (bumped whenever a record gains a field, so a cache written by a
/// build of the same version before the change reads as "not cached"), then the version.
const HEADER: &str = concat!("cargo-migrate schema 5 ", env!("CARGO_PKG_VERSION"), "\n");

/// The schema as cache text.
pub fn encode(schema: &Schema) -> String {
    let mut out = String::from(HEADER);
    schema.put(&mut out);
    out
}

/// The schema back, or `None` when the text is not what [`encode`] of this version wrote.
pub fn decode(text: &str) -> Option<Schema> {
    let mut reader = Reader(text.strip_prefix(HEADER)?);
    let schema = Schema::get(&mut reader)?;
    reader.0.is_empty().then_some(schema)
}

struct Reader<'a>(&'a str);

impl<'a> Reader<'a> {
    /// The digits before `end`, as a number.
    fn number(&mut self, end: char) -> Option<usize> {
        let (digits, rest) = self.0.split_once(end)?;
        let n = digits.parse().ok()?;
        self.0 = rest;
        Some(n)
    }

    fn byte(&mut self) -> Option<char> {
        let c = self.0.chars().next()?;
        self.0 = &self.0[c.len_utf8()..];
        Some(c)
    }

    fn take(&mut self, len: usize) -> Option<&'a str> {
        let taken = self.0.get(..len)?;
        self.0 = &self.0[len..];
        Some(taken)
    }
}

trait Codec: Sized {
    fn put(&self, out: &mut String);
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Codec for String {
    fn put(&self, out: &mut String) {
        out.push_str(&self.len().to_string());
        out.push(':');
        out.push_str(self);
    }

    fn get(r: &mut Reader) -> Option<Self> {
        let len = r.number(':')?;
        r.take(len).map(str::to_owned)
    }
}

impl Codec for usize {
    fn put(&self, out: &mut String) {
        out.push_str(&self.to_string());
        out.push('#');
    }

    fn get(r: &mut Reader) -> Option<Self> {
        r.number('#')
    }
}

impl Codec for bool {
    fn put(&self, out: &mut String) {
        out.push(if *self { 't' } else { 'f' });
    }

    fn get(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            't' => Some(true),
            'f' => Some(false),
            _ => None,
        }
    }
}

impl Codec for Dialect {
    fn put(&self, out: &mut String) {
        self.as_str().to_owned().put(out);
    }

    fn get(r: &mut Reader) -> Option<Self> {
        String::get(r)?.parse().ok()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, out: &mut String) {
        match self {
            None => out.push('~'),
            Some(x) => {
                out.push('+');
                x.put(out);
            }
        }
    }

    fn get(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            '~' => Some(None),
            '+' => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, out: &mut String) {
        self.len().put(out);
        for x in self {
            x.put(out);
        }
    }

    fn get(r: &mut Reader) -> Option<Self> {
        let len = usize::get(r)?;
        (0..len).map(|_| T::get(r)).collect()
    }
}

impl<A: Codec, B: Codec> Codec for (A, B) {
    fn put(&self, out: &mut String) {
        self.0.put(out);
        self.1.put(out);
    }

    fn get(r: &mut Reader) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

impl Codec for Identity {
    fn put(&self, out: &mut String) {
        out.push(match self {
            Identity::Always => 'a',
            Identity::ByDefault => 'd',
        });
    }

    fn get(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            'a' => Some(Identity::Always),
            'd' => Some(Identity::ByDefault),
            _ => None,
        }
    }
}

macro_rules! record {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Codec for $ty {
            fn put(&self, out: &mut String) {
                $(self.$field.put(out);)*
            }

            fn get(r: &mut Reader) -> Option<Self> {
                Some($ty { $($field: Codec::get(r)?,)* })
            }
        }
    };
}

record!(Origin { path, line });
record!(Name { schema, name });
record!(Column {
    name,
    sql_type,
    not_null,
    default,
    identity,
    generated,
    owns_sequence,
    origin
});
record!(Generated { expr, stored });
record!(IndexKey {
    collation,
    opclass,
    descending,
    nulls_first
});
record!(Unique {
    name,
    columns,
    origin
});
record!(ForeignKey {
    name,
    columns,
    foreign_table,
    referred_columns,
    on_delete,
    on_update,
    origin
});
record!(Check {
    name,
    expr,
    in_list,
    origin
});
record!(ExclusionElement {
    key,
    options,
    operator
});
record!(Exclusion {
    name,
    method,
    elements,
    include,
    predicate,
    origin
});
record!(Table {
    name,
    columns,
    primary_key,
    primary_key_name,
    uniques,
    foreign_keys,
    checks,
    exclusions,
    strict,
    without_rowid,
    origin,
});
record!(Label { name, origin });
record!(EnumType {
    name,
    labels,
    origin
});
record!(Domain {
    name,
    base_type,
    not_null,
    origin
});
record!(View {
    name,
    columns,
    depends_on,
    origin
});
record!(Index {
    name,
    table,
    columns,
    keys,
    include,
    unique,
    method,
    predicate,
    origin
});
record!(Dropped { name, how, origin });
record!(DroppedColumn {
    table,
    column,
    renamed_to,
    origin
});
record!(Function {
    name,
    args,
    defaults,
    variadic,
    returns,
    returns_set,
    out_columns,
    strict,
    origin
});
record!(Schema {
    dialect,
    schemas,
    tables,
    enums,
    domains,
    views,
    indexes,
    extensions,
    sequences,
    dropped,
    dropped_columns,
    foreign_key_indexes,
    functions,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_an_encoding_decodes_to_none() {
        let schema = Schema::new(Dialect::Sqlite);
        let text = encode(&schema);
        assert_eq!(decode(&text), Some(schema));
        assert_eq!(decode(""), None);
        assert_eq!(decode(&text[..text.len() - 1]), None, "truncated");
        assert_eq!(decode(&format!("{text}x")), None, "trailing bytes");
        assert_eq!(
            decode(&text.replace(env!("CARGO_PKG_VERSION"), "0.0.0-other")),
            None,
            "another version"
        );
        assert_eq!(decode(&text.replace("6:sqlite", "6:sqlitx")), None);
    }
}
