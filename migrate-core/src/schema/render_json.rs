//! The schema as a stable JSON document (`cargo migrate schema --format json`). Every key is
//! always present (`null` or `[]` when empty); objects come in creation order. The book
//! (docs/src/json-output.md) documents the shape.

use super::{Column, Name, Schema, Table};
use crate::json::Json;

/// The document: `{"dialect", "schemas", "extensions", "tables", "enums", "domains", "views",
/// "indexes"}`.
pub fn to_json(schema: &Schema) -> Json {
    let d = schema.dialect;
    Json::object([
        ("dialect", d.as_str().into()),
        ("schemas", schema.schemas.clone().into()),
        ("extensions", schema.extensions.clone().into()),
        (
            "tables",
            Json::Array(schema.tables.iter().map(|t| table(schema, t)).collect()),
        ),
        (
            "enums",
            Json::Array(
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
            Json::Array(
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
            Json::Array(
                schema
                    .views
                    .iter()
                    .map(|v| {
                        let columns = v.columns.as_ref().map(|cs| {
                            Json::Array(cs.iter().map(|c| column(c, !c.not_null)).collect())
                        });
                        named(&v.name, [("columns", columns.unwrap_or(Json::Null))])
                    })
                    .collect(),
            ),
        ),
        (
            "indexes",
            Json::Array(
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
                                    Json::Array(
                                        i.columns
                                            .iter()
                                            .zip(&i.keys)
                                            .map(|(c, k)| {
                                                Json::object([
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
fn named<const N: usize>(name: &Name, rest: [(&str, Json); N]) -> Json {
    let mut fields = vec![
        ("schema".to_owned(), name.schema.clone().into()),
        ("name".to_owned(), name.name.clone().into()),
    ];
    fields.extend(rest.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Json::Object(fields)
}

fn table(schema: &Schema, t: &Table) -> Json {
    let d = schema.dialect;
    named(
        &t.name,
        [
            (
                "columns",
                Json::Array(
                    t.columns
                        .iter()
                        .map(|c| column(c, t.nullable(d, c)))
                        .collect(),
                ),
            ),
            ("primary_key", t.primary_key.clone().into()),
            (
                "uniques",
                Json::Array(t.uniques.iter().map(|u| u.columns.clone().into()).collect()),
            ),
            (
                "foreign_keys",
                Json::Array(
                    t.foreign_keys
                        .iter()
                        .map(|fk| {
                            Json::object([
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
            ("origin", origin(&t.origin)),
        ],
    )
}

fn column(c: &Column, nullable: bool) -> Json {
    Json::object([
        ("name", c.name.clone().into()),
        ("type", c.sql_type.clone().into()),
        ("nullable", nullable.into()),
        ("default", c.default.clone().into()),
        ("identity", c.identity.map(|i| i.as_sql().to_owned()).into()),
        (
            "generated",
            c.generated.as_ref().map_or(Json::Null, |g| {
                Json::object([("expr", g.expr.clone().into()), ("stored", g.stored.into())])
            }),
        ),
        ("owns_sequence", c.owns_sequence.into()),
        ("origin", origin(&c.origin)),
    ])
}

fn origin(o: &super::Origin) -> Json {
    if o.path.is_empty() {
        Json::Null
    } else {
        o.to_string().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;
    use crate::schema::{EnumType, Label, Origin};

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
        let doc = to_json(&s).pretty();
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
}
