//! SQLite: which storage classes a column's values have (by affinity, or exactly in STRICT
//! tables), and which of them sqlx reads into each Rust type.

use super::{RustType, Verdict};

/// SQLite's column affinity, by its five rules (section 3.1 of "Datatypes In SQLite").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    /// `INTEGER` affinity (a declared type containing `INT`).
    Integer,
    /// `TEXT` affinity (`CHAR`, `CLOB`, `TEXT`).
    Text,
    /// `BLOB` affinity (`BLOB`, or no declared type).
    Blob,
    /// `REAL` affinity (`REAL`, `FLOA`, `DOUB`).
    Real,
    /// `NUMERIC` affinity (anything else).
    Numeric,
}

impl Affinity {
    /// The affinity of a declared type, by SQLite's rules (section 3.1 of its datatype page).
    pub fn of(declared: &str) -> Affinity {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Affinity::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Affinity::Text
        } else if t.contains("BLOB") || t.trim().is_empty() {
            Affinity::Blob
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    /// The affinity's name, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Affinity::Integer => "INTEGER",
            Affinity::Text => "TEXT",
            Affinity::Blob => "BLOB",
            Affinity::Real => "REAL",
            Affinity::Numeric => "NUMERIC",
        }
    }
}

/// One of SQLite's storage rules: the storage classes a column's values have when the
/// application writes values of its declared type.
#[derive(Debug, PartialEq, Eq)]
pub struct SqliteRule {
    /// What the rule covers, for messages and for the test that probes every rule.
    pub name: &'static str,
    /// The storage classes the values may have (`INTEGER`, `REAL`, `TEXT`, `BLOB`).
    pub stored: &'static [&'static str],
}

/// Every storage rule [`sqlite_rule`] can return.
pub const SQLITE_RULES: &[SqliteRule] = &[
    SqliteRule {
        name: "STRICT INTEGER",
        stored: &["INTEGER"],
    },
    SqliteRule {
        name: "STRICT REAL",
        stored: &["REAL"],
    },
    SqliteRule {
        name: "STRICT TEXT",
        stored: &["TEXT"],
    },
    SqliteRule {
        name: "STRICT BLOB",
        stored: &["BLOB"],
    },
    SqliteRule {
        name: "INTEGER affinity",
        stored: &["INTEGER"],
    },
    SqliteRule {
        name: "TEXT affinity",
        stored: &["TEXT"],
    },
    SqliteRule {
        name: "REAL affinity",
        stored: &["REAL"],
    },
    SqliteRule {
        name: "BLOB affinity",
        stored: &["BLOB"],
    },
    SqliteRule {
        name: "NUMERIC affinity, boolean",
        stored: &["INTEGER"],
    },
    SqliteRule {
        name: "NUMERIC affinity, date or time",
        stored: &["TEXT"],
    },
    // A decimal is stored as INTEGER when integral (`3.0`), as REAL otherwise (`1.5`).
    SqliteRule {
        name: "NUMERIC affinity, decimal",
        stored: &["INTEGER", "REAL"],
    },
];

/// The storage rule of a declared type; `None` for `ANY` and untyped columns, which hold
/// values of any kind.
pub fn sqlite_rule(declared: &str, strict: bool) -> Option<&'static SqliteRule> {
    let upper = declared.trim().to_ascii_uppercase();
    let rule = |name: &str| SQLITE_RULES.iter().find(|r| r.name == name);
    if strict || upper == "ANY" {
        return match upper.as_str() {
            "INT" | "INTEGER" => rule("STRICT INTEGER"),
            "REAL" => rule("STRICT REAL"),
            "TEXT" => rule("STRICT TEXT"),
            "BLOB" => rule("STRICT BLOB"),
            _ => None,
        };
    }
    match Affinity::of(declared) {
        Affinity::Integer => rule("INTEGER affinity"),
        Affinity::Text => rule("TEXT affinity"),
        Affinity::Real => rule("REAL affinity"),
        Affinity::Blob if upper.is_empty() => None,
        Affinity::Blob => rule("BLOB affinity"),
        Affinity::Numeric if upper.contains("BOOL") => rule("NUMERIC affinity, boolean"),
        Affinity::Numeric if upper.contains("DATE") || upper.contains("TIME") => {
            rule("NUMERIC affinity, date or time")
        }
        Affinity::Numeric => rule("NUMERIC affinity, decimal"),
    }
}

/// The storage classes sqlx lets a Rust type read on SQLite.
pub fn sqlite_reads(rust: &RustType) -> &'static [&'static str] {
    match rust {
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::U8
        | RustType::U16
        | RustType::U32
        | RustType::U64 => &["INTEGER"],
        RustType::F32 | RustType::F64 => &["REAL"],
        RustType::String | RustType::Json | RustType::Date | RustType::Time => &["TEXT"],
        RustType::Bytes | RustType::Uuid => &["BLOB", "TEXT"],
        RustType::DateTime | RustType::DateTimeTz => &["TEXT", "INTEGER", "REAL"],
        RustType::TimeDateTime | RustType::TimeDateTimeTz => &["TEXT", "INTEGER"],
        _ => &[],
    }
}

pub(super) fn sqlite(rust: &RustType, declared: &str, strict: bool) -> Verdict {
    if let RustType::Other(_) = rust {
        return Verdict::Unknown;
    }
    let Some(rule) = sqlite_rule(declared, strict) else {
        return Verdict::Unknown;
    };
    let reads = sqlite_reads(rust);
    if rule.stored.iter().all(|s| reads.contains(s)) {
        return Verdict::Compatible;
    }
    let affinity = Affinity::of(declared).as_str();
    let hint = if rule.stored.len() > 1 {
        format!(
            "a `{declared}` column ({affinity} affinity) stores integral values (`3.0`) as INTEGER and others as REAL, and no Rust type but a date-time reads both: declare it `REAL` (or `INTEGER` of the smallest unit, e.g. cents), or mark the field #[migrate(unchecked)] if every value is of one kind"
        )
    } else {
        let fit = match rule.stored.first().copied().unwrap_or("BLOB") {
            "INTEGER" => "i64 (or i32, bool)",
            "REAL" => "f64",
            "TEXT" => "String",
            _ => "Vec<u8>",
        };
        if reads.is_empty() {
            format!(
                "sqlx cannot read this Rust type from SQLite; a `{declared}` column ({affinity} affinity) reads into `{fit}`"
            )
        } else {
            format!(
                "a `{declared}` column ({}) holds {} values, which read into `{fit}`",
                if strict {
                    "STRICT table".to_owned()
                } else {
                    format!("{affinity} affinity")
                },
                rule.stored.join("/")
            )
        }
    };
    Verdict::Incompatible { hint }
}
