//! The schema as a stable JSON document (`cargo migrate schema --format json`). Every key is
//! always present (`null` or `[]` when empty); objects come in creation order. The book
//! (docs/src/json-output.md) documents the shape.

use migrate_core::schema::{Column, Exclusion, Name, Origin, Schema, Table};
use serde_json::Value;

use super::object;

/// The document: `{"dialect", "schemas", "extensions", "tables", "enums", "domains", "views",
/// "indexes"}`.
pub fn to_json(schema: &Schema) -> Value {
    let d = schema.dialect;
    object([
        ("dialect", d.as_str().into()),
        ("schemas", schema.schemas.clone().into()),
        ("extensions", schema.extensions.clone().into()),
        (
            "tables",
            Value::Array(schema.tables.iter().map(|t| table(schema, t)).collect()),
        ),
        (
            "enums",
            Value::Array(
                schema
                    .enums
                    .iter()
                    .map(|e| {
                        named(
                            &e.name,
                            [(
                                "labels",
                                e.labels
                                    .iter()
                                    .map(|l| l.name.clone())
                                    .collect::<Vec<_>>()
                                    .into(),
                            )],
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "domains",
            Value::Array(
                schema
                    .domains
                    .iter()
                    .map(|x| {
                        named(
                            &x.name,
                            [
                                ("type", x.base_type.clone().into()),
                                ("nullable", (!x.not_null).into()),
                            ],
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "views",
            Value::Array(
                schema
                    .views
                    .iter()
                    .map(|v| {
                        let columns = v.columns.as_ref().map(|cs| {
                            Value::Array(cs.iter().map(|c| column(c, !c.not_null)).collect())
                        });
                        named(&v.name, [("columns", columns.unwrap_or(Value::Null))])
                    })
                    .collect(),
            ),
        ),
        (
            "indexes",
            Value::Array(
                schema
                    .indexes
                    .iter()
                    .map(|i| {
                        named(
                            &i.name,
                            [
                                ("table", i.table.name.clone().into()),
                                ("columns", i.columns.clone().into()),
                                (
                                    "keys",
                                    Value::Array(
                                        i.columns
                                            .iter()
                                            .zip(&i.keys)
                                            .map(|(c, k)| {
                                                object([
                                                    ("column", c.clone().into()),
                                                    ("collation", k.collation.clone().into()),
                                                    ("opclass", k.opclass.clone().into()),
                                                    ("descending", k.descending.into()),
                                                    ("nulls_first", k.nulls_first.into()),
                                                ])
                                            })
                                            .collect(),
                                    ),
                                ),
                                ("include", i.include.clone().into()),
                                ("unique", i.unique.into()),
                                ("method", i.method.clone().into()),
                                ("where", i.predicate.clone().into()),
                            ],
                        )
                    })
                    .collect(),
            ),
        ),
    ])
}

/// `{"schema", "name", …rest}`; `schema` is `null` on SQLite.
fn named<const N: usize>(name: &Name, rest: [(&str, Value); N]) -> Value {
    let mut fields = vec![
        ("schema".to_owned(), name.schema.clone().into()),
        ("name".to_owned(), name.name.clone().into()),
    ];
    fields.extend(rest.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Value::Object(fields.into_iter().collect())
}

fn table(schema: &Schema, t: &Table) -> Value {
    let d = schema.dialect;
    named(
        &t.name,
        [
            (
                "columns",
                Value::Array(
                    t.columns
                        .iter()
                        .map(|c| column(c, t.nullable(d, c)))
                        .collect(),
                ),
            ),
            ("primary_key", t.primary_key.clone().into()),
            (
                "uniques",
                Value::Array(t.uniques.iter().map(|u| u.columns.clone().into()).collect()),
            ),
            (
                "foreign_keys",
                Value::Array(
                    t.foreign_keys
                        .iter()
                        .map(|fk| {
                            object([
                                ("name", fk.name.clone().into()),
                                ("columns", fk.columns.clone().into()),
                                (
                                    "references",
                                    named(
                                        &fk.foreign_table,
                                        [("columns", fk.referred_columns.clone().into())],
                                    ),
                                ),
                                ("on_delete", fk.on_delete.clone().into()),
                                ("on_update", fk.on_update.clone().into()),
                            ])
                        })
                        .collect(),
                ),
            ),
            (
                "checks",
                t.checks
                    .iter()
                    .map(|c| c.expr.clone())
                    .collect::<Vec<_>>()
                    .into(),
            ),
            (
                "exclusions",
                Value::Array(t.exclusions.iter().map(exclusion).collect()),
            ),
            ("origin", origin(&t.origin)),
        ],
    )
}

/// `{"name", "method", "elements": [{"key", "operator", "opclass", …}], "include", "where"}`.
fn exclusion(x: &Exclusion) -> Value {
    object([
        ("name", x.name.clone().into()),
        ("method", x.method.clone().into()),
        (
            "elements",
            Value::Array(
                x.elements
                    .iter()
                    .map(|e| {
                        object([
                            ("key", e.key.clone().into()),
                            ("operator", e.operator.clone().into()),
                            ("collation", e.options.collation.clone().into()),
                            ("opclass", e.options.opclass.clone().into()),
                            ("descending", e.options.descending.into()),
                            ("nulls_first", e.options.nulls_first.into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("include", x.include.clone().into()),
        ("where", x.predicate.clone().into()),
        ("origin", origin(&x.origin)),
    ])
}

fn column(c: &Column, nullable: bool) -> Value {
    object([
        ("name", c.name.clone().into()),
        ("type", c.sql_type.clone().into()),
        ("nullable", nullable.into()),
        ("default", c.default.clone().into()),
        ("identity", c.identity.map(|i| i.as_sql().to_owned()).into()),
        (
            "generated",
            c.generated.as_ref().map_or(Value::Null, |g| {
                object([("expr", g.expr.clone().into()), ("stored", g.stored.into())])
            }),
        ),
        ("owns_sequence", c.owns_sequence.into()),
        ("origin", origin(&c.origin)),
    ])
}

fn origin(o: &Origin) -> Value {
    if o.path.is_empty() {
        Value::Null
    } else {
        o.to_string().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_core::Dialect;
    use migrate_core::schema::{EnumType, Label};

    #[test]
    fn documents_tables_columns_and_enums() {
        let mut s = Schema::new(Dialect::Postgres);
        let at = |line| Origin {
            path: "m/1_init.sql".into(),
            line,
        };
        s.tables.push(Table {
            name: Name::new(Some("public"), "users"),
            columns: vec![Column {
                name: "id".into(),
                sql_type: "integer".into(),
                not_null: true,
                default: None,
                identity: None,
                generated: None,
                owns_sequence: false,
                origin: at(2),
            }],
            primary_key: vec!["id".into()],
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            strict: false,
            without_rowid: false,
            origin: at(1),
        });
        s.enums.push(EnumType {
            name: Name::new(Some("public"), "mood"),
            labels: vec![Label {
                name: "ok".into(),
                origin: at(5),
            }],
            origin: at(5),
        });
        let doc = super::super::pretty(&to_json(&s));
        assert!(
            doc.starts_with("{\n  \"dialect\": \"postgres\",\n  \"schemas\": [],"),
            "{doc}"
        );
        assert!(doc.contains(
            "\"columns\": [\n        {\n          \"name\": \"id\",\n          \"type\": \"integer\",\n          \
             \"nullable\": false,\n          \"default\": null,"
        ), "{doc}");
        assert!(doc.contains("\"origin\": \"m/1_init.sql:2\""), "{doc}");
        assert!(doc.contains("\"enums\": [\n    {\n      \"schema\": \"public\",\n      \"name\": \"mood\",\n      \"labels\": [\n        \"ok\"\n      ]"), "{doc}");
    }

    #[test]
    fn exclusion_constraints_are_rendered() {
        let sql = "CREATE TABLE r (room int4range, note text, \
                   EXCLUDE USING gist (room WITH &&) INCLUDE (note) WHERE (note <> ''));";
        let up =
            migrate_core::Script::parse("m/1_r.sql", sql, migrate_core::Dialect::Postgres, false)
                .unwrap();
        let migration = migrate_core::Migration {
            version: 1.into(),
            name: "r".into(),
            up,
            down: None,
            replay: None,
        };
        let schema =
            migrate_core::replay::replay(&[migration], migrate_core::Dialect::Postgres).unwrap();
        let x = super::super::pretty(&to_json(&schema)["tables"][0]["exclusions"]);
        for part in [
            "\"name\": \"r_room_note_excl\"",
            "\"method\": \"gist\"",
            "\"key\": \"room\"",
            "\"operator\": \"&&\"",
            "\"include\": [",
            "\"where\": \"note <> ''\"",
        ] {
            assert!(x.contains(part), "{part} in {x}");
        }
    }
}
