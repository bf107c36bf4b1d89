//! Conditions over the system catalogs, answered from the replayed schema:
//! `EXISTS (SELECT … FROM pg_type / pg_class / pg_tables / pg_indexes / pg_constraint /
//! pg_namespace / information_schema.tables / information_schema.columns WHERE …)`,
//! `pg_sequences` / `information_schema.sequences`, `to_regclass('t') IS NULL`, and their
//! `NOT`, `AND`, `OR`. Built-in types and the sequences of serial and identity columns are
//! there as PostgreSQL has them ([`super::builtin`]).

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, JoinConstraint,
    JoinOperator, Query, SetExpr, TableFactor, UnaryOperator, Value as Literal,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::schema::{Name, Schema};

/// A value of the virtual catalog.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
    Null,
}

/// A row: (table alias, column, value).
type Row = Vec<(String, &'static str, Value)>;

/// Answers `condition` (the text between `IF` and `THEN`), or says why it cannot.
pub(super) fn evaluate(schema: &Schema, condition: &str) -> Result<bool, String> {
    let sql = format!("SELECT {condition}");
    let statement = Parser::parse_sql(&PostgreSqlDialect {}, &sql)
        .map_err(|e| format!("cannot read the condition ({e})"))?;
    let Some(sqlparser::ast::Statement::Query(query)) = statement.into_iter().next() else {
        return Err("cannot read the condition".into());
    };
    let SetExpr::Select(select) = *query.body else {
        return Err("cannot read the condition".into());
    };
    let [item] = select.projection.as_slice() else {
        return Err("cannot read the condition".into());
    };
    let sqlparser::ast::SelectItem::UnnamedExpr(expr) = item else {
        return Err("cannot read the condition".into());
    };
    let catalog = Catalog::new(schema);
    match catalog.eval(expr, &Vec::new())? {
        Value::Bool(b) => Ok(b),
        Value::Null => Ok(false),
        other => Err(format!("the condition is {other:?}, not true or false")),
    }
}

struct Catalog<'a> {
    schema: &'a Schema,
    /// Every relation (tables, views, indexes, key indexes) with its kind and oid.
    relations: Vec<(Name, char, i64)>,
    namespaces: Vec<(String, i64)>,
}

fn schema_of(name: &Name) -> String {
    name.schema.clone().unwrap_or_else(|| "public".into())
}

impl<'a> Catalog<'a> {
    fn new(schema: &'a Schema) -> Catalog<'a> {
        let mut namespaces = vec![
            ("pg_catalog".to_owned(), 11),
            ("public".to_owned(), 2200),
            ("information_schema".to_owned(), 13000),
        ];
        for (i, s) in schema.schemas.iter().enumerate() {
            namespaces.push((s.clone(), 100_000 + i as i64));
        }
        let mut relations: Vec<(Name, char)> = Vec::new();
        for t in &schema.tables {
            relations.push((t.name.clone(), 'r'));
            if !t.primary_key.is_empty() {
                let name = t
                    .primary_key_name
                    .clone()
                    .unwrap_or_else(|| format!("{}_pkey", t.name.name));
                relations.push((Name::new(t.name.schema.as_deref(), &name), 'i'));
            }
            for u in &t.uniques {
                if let Some(name) = &u.name {
                    relations.push((Name::new(t.name.schema.as_deref(), name), 'i'));
                }
            }
            for x in &t.exclusions {
                if let Some(name) = &x.name {
                    relations.push((Name::new(t.name.schema.as_deref(), name), 'i'));
                }
            }
        }
        for s in super::builtin::sequences(schema) {
            relations.push((s, 'S'));
        }
        for v in &schema.views {
            relations.push((v.name.clone(), 'v'));
        }
        // An index lives in its table's schema.
        for i in &schema.indexes {
            relations.push((Name::new(i.table.schema.as_deref(), &i.name.name), 'i'));
        }
        let relations = relations
            .into_iter()
            .enumerate()
            .map(|(i, (n, k))| (n, k, 200_000 + i as i64))
            .collect();
        Catalog {
            schema,
            relations,
            namespaces,
        }
    }

    fn namespace(&self, name: &str) -> i64 {
        self.namespaces
            .iter()
            .find(|(n, _)| n == name)
            .map_or(-1, |(_, oid)| *oid)
    }

    fn relation(&self, name: &Name) -> Option<i64> {
        self.relations
            .iter()
            .find(|(n, _, _)| n.name == name.name && schema_of(n) == schema_of(name))
            .map(|(_, _, oid)| *oid)
    }

    fn table_oid(&self, name: &Name) -> i64 {
        self.relation(name).unwrap_or(-1)
    }

    /// `'s.t'` or `'t'` (as `to_regclass` reads it: unquoted parts fold to lower case).
    fn parse_name(text: &str) -> Name {
        let fold = |part: &str| match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => part.to_lowercase(),
        };
        match text.split_once('.') {
            Some((s, n)) => Name::new(Some(&fold(s)), &fold(n)),
            None => Name::new(Some("public"), &fold(text)),
        }
    }

    /// The rows of catalog `table`, aliased `alias`.
    fn rows(&self, table: &str, alias: &str) -> Result<Vec<Row>, String> {
        let a = || alias.to_owned();
        let text = |s: &str| Value::Text(s.to_owned());
        let table = table.strip_prefix("pg_catalog.").unwrap_or(table);
        let mut rows = Vec::new();
        match table {
            "pg_namespace" => {
                for (name, oid) in &self.namespaces {
                    rows.push(vec![
                        (a(), "oid", Value::Int(*oid)),
                        (a(), "nspname", text(name)),
                    ]);
                }
            }
            "pg_class" => {
                for (name, kind, oid) in &self.relations {
                    rows.push(vec![
                        (a(), "oid", Value::Int(*oid)),
                        (a(), "relname", text(&name.name)),
                        (a(), "relkind", text(&kind.to_string())),
                        (
                            a(),
                            "relnamespace",
                            Value::Int(self.namespace(&schema_of(name))),
                        ),
                    ]);
                }
            }
            "pg_type" => {
                let types = self
                    .schema
                    .enums
                    .iter()
                    .map(|e| (&e.name, 'e'))
                    .chain(self.schema.domains.iter().map(|d| (&d.name, 'd')))
                    .chain(self.schema.tables.iter().map(|t| (&t.name, 'c')))
                    .chain(self.schema.views.iter().map(|v| (&v.name, 'c')));
                for (i, (name, kind)) in types.enumerate() {
                    rows.push(vec![
                        (a(), "oid", Value::Int(300_000 + i as i64)),
                        (a(), "typname", text(&name.name)),
                        (a(), "typtype", text(&kind.to_string())),
                        (
                            a(),
                            "typnamespace",
                            Value::Int(self.namespace(&schema_of(name))),
                        ),
                    ]);
                }
                for (i, (name, kind)) in super::builtin::types().enumerate() {
                    rows.push(vec![
                        (a(), "oid", Value::Int(1_000 + i as i64)),
                        (a(), "typname", text(&name)),
                        (a(), "typtype", text(&kind.to_string())),
                        (
                            a(),
                            "typnamespace",
                            Value::Int(self.namespace("pg_catalog")),
                        ),
                    ]);
                }
            }
            "pg_sequences" | "information_schema.sequences" => {
                let (schema_column, name_column) = if table == "pg_sequences" {
                    ("schemaname", "sequencename")
                } else {
                    ("sequence_schema", "sequence_name")
                };
                for s in super::builtin::sequences(self.schema) {
                    rows.push(vec![
                        (a(), schema_column, text(&schema_of(&s))),
                        (a(), name_column, text(&s.name)),
                    ]);
                }
            }
            "pg_tables" => {
                for t in &self.schema.tables {
                    rows.push(vec![
                        (a(), "schemaname", text(&schema_of(&t.name))),
                        (a(), "tablename", text(&t.name.name)),
                    ]);
                }
            }
            "pg_views" => {
                for v in &self.schema.views {
                    rows.push(vec![
                        (a(), "schemaname", text(&schema_of(&v.name))),
                        (a(), "viewname", text(&v.name.name)),
                    ]);
                }
            }
            "pg_indexes" => {
                // The indexes behind keys and exclusion constraints are indexes too.
                let keys = self.schema.tables.iter().flat_map(|t| {
                    let pk = (!t.primary_key.is_empty()).then(|| {
                        let name = t.primary_key_name.clone();
                        name.unwrap_or_else(|| format!("{}_pkey", t.name.name))
                    });
                    pk.into_iter()
                        .chain(t.uniques.iter().filter_map(|u| u.name.clone()))
                        .chain(t.exclusions.iter().filter_map(|x| x.name.clone()))
                        .map(move |n| (&t.name, n))
                });
                let indexes = self
                    .schema
                    .indexes
                    .iter()
                    .map(|i| (&i.table, i.name.name.clone()));
                for (table, index) in keys.chain(indexes) {
                    rows.push(vec![
                        (a(), "schemaname", text(&schema_of(table))),
                        (a(), "tablename", text(&table.name)),
                        (a(), "indexname", text(&index)),
                    ]);
                }
            }
            "pg_constraint" => {
                for t in &self.schema.tables {
                    let pk = (!t.primary_key.is_empty()).then(|| {
                        let name = t.primary_key_name.clone();
                        (name.unwrap_or_else(|| format!("{}_pkey", t.name.name)), 'p')
                    });
                    let named = pk
                        .into_iter()
                        .chain(
                            t.uniques
                                .iter()
                                .filter_map(|u| Some((u.name.clone()?, 'u'))),
                        )
                        .chain(
                            t.foreign_keys
                                .iter()
                                .filter_map(|f| Some((f.name.clone()?, 'f'))),
                        )
                        .chain(t.checks.iter().filter_map(|c| Some((c.name.clone()?, 'c'))))
                        .chain(
                            t.exclusions
                                .iter()
                                .filter_map(|x| Some((x.name.clone()?, 'x'))),
                        );
                    for (name, kind) in named {
                        rows.push(vec![
                            (a(), "conname", text(&name)),
                            (a(), "contype", text(&kind.to_string())),
                            (a(), "conrelid", Value::Int(self.table_oid(&t.name))),
                            (
                                a(),
                                "connamespace",
                                Value::Int(self.namespace(&schema_of(&t.name))),
                            ),
                        ]);
                    }
                }
            }
            "information_schema.tables" => {
                let tables = self.schema.tables.iter().map(|t| (&t.name, "BASE TABLE"));
                let views = self.schema.views.iter().map(|v| (&v.name, "VIEW"));
                for (name, kind) in tables.chain(views) {
                    rows.push(vec![
                        (a(), "table_schema", text(&schema_of(name))),
                        (a(), "table_name", text(&name.name)),
                        (a(), "table_type", text(kind)),
                    ]);
                }
            }
            "information_schema.columns" => {
                // Views' columns too (where the replay derives them), nullable as PostgreSQL
                // says of every view column.
                let tables = self
                    .schema
                    .tables
                    .iter()
                    .map(|t| (&t.name, &t.columns, true));
                let views = self
                    .schema
                    .views
                    .iter()
                    .filter_map(|v| Some((&v.name, v.columns.as_ref()?, false)));
                for (name, columns, table) in tables.chain(views) {
                    for c in columns {
                        rows.push(vec![
                            (a(), "table_schema", text(&schema_of(name))),
                            (a(), "table_name", text(&name.name)),
                            (a(), "column_name", text(&c.name)),
                            (
                                a(),
                                "is_nullable",
                                text(if c.not_null && table { "NO" } else { "YES" }),
                            ),
                        ]);
                    }
                }
            }
            other => {
                return Err(format!(
                    "the replay does not model the catalog `{other}` (it answers pg_type, pg_class, pg_tables, pg_views, pg_indexes, pg_constraint, pg_namespace, pg_sequences, information_schema.tables, information_schema.columns and information_schema.sequences)"
                ));
            }
        }
        Ok(rows)
    }

    /// `EXISTS (query)`: whether the query returns a row.
    fn exists(&self, query: &Query, outer: &Row) -> Result<bool, String> {
        let SetExpr::Select(select) = query.body.as_ref() else {
            return Err("a query other than a plain SELECT".into());
        };
        let mut rows: Vec<Row> = vec![outer.clone()];
        for from in &select.from {
            rows = self.join(rows, &from.relation, None)?;
            for join in &from.joins {
                let on = match &join.join_operator {
                    JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                        match c {
                            JoinConstraint::On(e) => Some(e),
                            JoinConstraint::None => None,
                            _ => return Err("a JOIN … USING".into()),
                        }
                    }
                    _ => return Err("an outer JOIN".into()),
                };
                rows = self.join(rows, &join.relation, on)?;
            }
        }
        for row in rows {
            let keep = match &select.selection {
                Some(e) => self.eval(e, &row)? == Value::Bool(true),
                None => true,
            };
            if keep {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn join(
        &self,
        left: Vec<Row>,
        factor: &TableFactor,
        on: Option<&Expr>,
    ) -> Result<Vec<Row>, String> {
        let TableFactor::Table { name, alias, .. } = factor else {
            return Err("a FROM item that is not a catalog table".into());
        };
        let table = name.to_string().to_lowercase();
        let alias = alias.as_ref().map_or_else(
            || table.rsplit('.').next().unwrap_or("").to_owned(),
            |a| a.name.value.to_lowercase(),
        );
        let right = self.rows(&table, &alias)?;
        let mut out = Vec::new();
        for l in &left {
            for r in &right {
                let row: Row = l.iter().chain(r).cloned().collect();
                if match on {
                    Some(e) => self.eval(e, &row)? == Value::Bool(true),
                    None => true,
                } {
                    out.push(row);
                }
            }
        }
        Ok(out)
    }

    fn column(&self, row: &Row, alias: Option<&str>, column: &str) -> Result<Value, String> {
        row.iter()
            .find(|(a, c, _)| *c == column && alias.is_none_or(|alias| alias == a))
            .map(|(_, _, v)| v.clone())
            .ok_or_else(|| match alias {
                Some(a) => format!("the replay does not model the catalog column {a}.{column}"),
                None => format!("the replay does not model the catalog column {column} (or it is a variable, whose value the replay does not know)"),
            })
    }

    fn eval(&self, expr: &Expr, row: &Row) -> Result<Value, String> {
        let truth = |v: Value| -> Result<Option<bool>, String> {
            match v {
                Value::Bool(b) => Ok(Some(b)),
                Value::Null => Ok(None),
                other => Err(format!("{other:?} is not true or false")),
            }
        };
        Ok(match expr {
            Expr::Nested(e) => self.eval(e, row)?,
            Expr::Exists { subquery, negated } => {
                Value::Bool(self.exists(subquery, row)? != *negated)
            }
            Expr::Value(v) => match &v.value {
                Literal::SingleQuotedString(s) | Literal::EscapedStringLiteral(s) => {
                    Value::Text(s.clone())
                }
                Literal::Number(n, _) => {
                    Value::Int(n.parse().map_err(|_| format!("the number {n}"))?)
                }
                Literal::Boolean(b) => Value::Bool(*b),
                Literal::Null => Value::Null,
                other => return Err(format!("the value {other}")),
            },
            Expr::Identifier(id) => match id.value.to_lowercase().as_str() {
                "current_schema" => Value::Text("public".into()),
                column => self.column(row, None, column)?,
            },
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [alias, column] => self.column(
                    row,
                    Some(&alias.value.to_lowercase()),
                    &column.value.to_lowercase(),
                )?,
                _ => return Err(format!("the name {expr}")),
            },
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => match truth(self.eval(expr, row)?)? {
                Some(b) => Value::Bool(!b),
                None => Value::Null,
            },
            Expr::BinaryOp { left, op, right } => {
                let (l, r) = (self.eval(left, row)?, self.eval(right, row)?);
                match op {
                    BinaryOperator::And => match (truth(l)?, truth(r)?) {
                        (Some(false), _) | (_, Some(false)) => Value::Bool(false),
                        (Some(true), Some(true)) => Value::Bool(true),
                        _ => Value::Null,
                    },
                    BinaryOperator::Or => match (truth(l)?, truth(r)?) {
                        (Some(true), _) | (_, Some(true)) => Value::Bool(true),
                        (Some(false), Some(false)) => Value::Bool(false),
                        _ => Value::Null,
                    },
                    BinaryOperator::Eq | BinaryOperator::NotEq => {
                        if l == Value::Null || r == Value::Null {
                            Value::Null
                        } else {
                            Value::Bool((l == r) == (*op == BinaryOperator::Eq))
                        }
                    }
                    other => return Err(format!("the operator {other}")),
                }
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let v = self.eval(expr, row)?;
                let mut found = false;
                for item in list {
                    found |= self.eval(item, row)? == v;
                }
                Value::Bool(found != *negated)
            }
            Expr::IsNull(e) => Value::Bool(self.eval(e, row)? == Value::Null),
            Expr::IsNotNull(e) => Value::Bool(self.eval(e, row)? != Value::Null),
            Expr::Cast {
                expr, data_type, ..
            } => {
                let v = self.eval(expr, row)?;
                self.cast(v, &data_type.to_string().to_lowercase())?
            }
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                let name = name.strip_prefix("pg_catalog.").unwrap_or(&name);
                let mut args = Vec::new();
                if let FunctionArguments::List(list) = &f.args {
                    for arg in &list.args {
                        let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg else {
                            return Err(format!("the call {expr}"));
                        };
                        args.push(self.eval(e, row)?);
                    }
                }
                match (name, args.as_slice()) {
                    ("current_schema", []) => Value::Text("public".into()),
                    ("to_regclass", [Value::Text(t)]) => {
                        self.cast(Value::Text(t.clone()), "regclass")?
                    }
                    ("to_regtype", [Value::Text(t)]) => {
                        self.cast(Value::Text(t.clone()), "regtype")?
                    }
                    ("to_regnamespace", [Value::Text(t)]) => {
                        self.cast(Value::Text(t.clone()), "regnamespace")?
                    }
                    ("lower", [Value::Text(t)]) => Value::Text(t.to_lowercase()),
                    ("upper", [Value::Text(t)]) => Value::Text(t.to_uppercase()),
                    _ => return Err(format!("the function call {expr}")),
                }
            }
            other => return Err(format!("the expression {other}")),
        })
    }

    /// `'t'::regclass` and friends: the oid, or NULL when there is no such object (as the
    /// `to_reg…` functions answer; a cast would fail, which no guard relies on).
    fn cast(&self, value: Value, to: &str) -> Result<Value, String> {
        let Value::Text(text) = &value else {
            return Ok(value);
        };
        Ok(match to {
            "regclass" => self
                .relation(&Self::parse_name(text))
                .map_or(Value::Null, Value::Int),
            "regnamespace" => match self.namespace(&Self::parse_name(text).name) {
                -1 => Value::Null,
                oid => Value::Int(oid),
            },
            "regtype" => {
                let name = Self::parse_name(text);
                let known = self.schema.enums.iter().any(|e| e.name == name)
                    || self.schema.domains.iter().any(|d| d.name == name)
                    || self.schema.tables.iter().any(|t| t.name == name);
                if known {
                    Value::Int(300_000)
                } else if super::builtin::type_name(text).is_some() {
                    Value::Int(1_000)
                } else {
                    return Err(format!(
                        "the type {text}: the replay knows only the types the migrations create"
                    ));
                }
            }
            "text" | "name" | "varchar" | "character varying" => value,
            other => return Err(format!("a cast to {other}")),
        })
    }
}
