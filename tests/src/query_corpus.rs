//! A deterministic generator of schemas and queries over them, for the differential test of
//! the query inference (`tests/integration/query_corpus.rs`).
//!
//! Each schema has two tables, `a_N` and `b_N` (`b_N.a_id` references `a_N.id`), with columns
//! of varied types and nullability picked by a seeded generator; the queries cover joins of
//! each kind, aliases, `*` and `t.*`, aggregates, CASE/COALESCE, casts, literals, subqueries,
//! CTEs, set operations, INSERT/UPDATE/DELETE … RETURNING, and parameters in each position.
//! The same seed always gives the same corpus.

/// A small linear congruential generator: deterministic, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A column type of the corpus and what it supports.
#[derive(Clone, Copy)]
struct Ty {
    sql: &'static str,
    /// `min`/`max`/`ORDER BY` apply.
    ordered: bool,
    /// `sum`/`avg`/`+` apply.
    numeric: bool,
    /// A literal of this type, for `VALUES`.
    literal: &'static str,
}

const fn ty(sql: &'static str, ordered: bool, numeric: bool, literal: &'static str) -> Ty {
    Ty {
        sql,
        ordered,
        numeric,
        literal,
    }
}

const PG_TYPES: &[Ty] = &[
    ty("integer", true, true, "1"),
    ty("bigint", true, true, "1"),
    ty("smallint", true, true, "1"),
    ty("text", true, false, "'x'"),
    ty("varchar(40)", true, false, "'x'"),
    ty("boolean", false, false, "true"),
    ty("numeric(12,2)", true, true, "1.5"),
    ty("real", true, true, "1.5"),
    ty("double precision", true, true, "1.5"),
    ty("date", true, false, "'2020-01-01'"),
    ty("timestamptz", true, false, "now()"),
    ty("timestamp", true, false, "'2020-01-01 00:00'"),
    ty(
        "uuid",
        false,
        false,
        "'00000000-0000-0000-0000-000000000000'",
    ),
    ty("jsonb", false, false, "'{}'"),
    ty("text[]", false, false, "'{}'"),
    ty("interval", true, false, "'1 day'"),
    ty("money", true, false, "'1.50'"),
    ty("oid", true, false, "1"),
    ty("timetz", true, false, "'10:00+02'"),
    ty("inet", true, false, "'10.0.0.1'"),
    // max(cidr) is max(inet): an inet.
    ty("cidr", false, false, "'10.0.0.0/8'"),
    ty("macaddr", false, false, "'08:00:2b:01:02:03'"),
    ty("bit(3)", false, false, "'101'"),
    ty("varbit", false, false, "'1'"),
    ty("int4range", false, false, "'[1,5)'"),
    ty("int8range", false, false, "'[1,5)'"),
    ty("numrange", false, false, "'[1.5,2.5)'"),
    ty("daterange", false, false, "'[2020-01-01,2020-02-01)'"),
    ty(
        "tsrange",
        false,
        false,
        "'[2020-01-01 00:00,2020-02-01 00:00)'",
    ),
    ty(
        "tstzrange",
        false,
        false,
        "'[2020-01-01 00:00+00,2020-02-01 00:00+00)'",
    ),
    ty("interval[]", false, false, "'{}'"),
    // The types PG_PRELUDE creates: domains are described as their base type.
    ty("corpus_email", true, false, "'a@example.com'"),
    ty("corpus_count", true, true, "1"),
    ty("corpus_mood", true, false, "'ok'"),
];

/// The types the PostgreSQL corpus's columns may have besides the built-in ones: a domain
/// over text, one over integer, an enum. Created once per database, before the schemas; each
/// schema's replay starts from it.
pub const PG_PRELUDE: &str = "CREATE DOMAIN corpus_email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN corpus_count AS integer CHECK (VALUE >= 0);
CREATE TYPE corpus_mood AS ENUM ('sad', 'ok', 'happy');
";

/// The SQL types the PostgreSQL corpus's columns are drawn from.
pub fn pg_types() -> impl Iterator<Item = &'static str> {
    PG_TYPES.iter().map(|t| t.sql)
}

/// Whether `schema` (a corpus's migration) has a column of type `ty`.
pub fn has_column_of(schema: &str, ty: &str) -> bool {
    schema.lines().any(|line| {
        let line = line.trim().trim_end_matches(',');
        let line = line.strip_suffix(" NOT NULL").unwrap_or(line);
        line.ends_with(&format!(" {ty}"))
    })
}

const LITE_TYPES: &[Ty] = &[
    ty("INTEGER", true, true, "1"),
    ty("TEXT", true, false, "'x'"),
    ty("REAL", true, true, "1.5"),
    ty("BLOB", false, false, "x'00'"),
    ty("NUMERIC", true, true, "1"),
];

struct Column {
    name: String,
    ty: Ty,
    not_null: bool,
}

struct Table {
    name: String,
    /// The generated columns (not `id`, nor `b`'s `a_id`).
    columns: Vec<Column>,
}

/// A generated schema and the queries over it.
pub struct Corpus {
    /// The migration: `CREATE TABLE` statements.
    pub schema: String,
    /// Rows for the tables: every nullable column NULL in one row, an `a` row no `b` row
    /// references (and, when `b.a_id` is nullable, a `b` row with no `a`), so that running
    /// the queries shows NULLs where they can occur.
    pub rows: String,
    /// The queries, each one statement.
    pub queries: Vec<String>,
}

/// Which database the corpus is for: types, identity columns and parameter syntax differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// PostgreSQL: `$1`, its types, `= ANY($1)`, `::` casts.
    Postgres,
    /// SQLite: `?NNN`, its five declared types.
    Sqlite,
}

/// The corpus of schema number `n` (the seed), for `flavor`.
pub fn corpus(flavor: Flavor, n: u64) -> Corpus {
    let mut rng = Lcg(n.wrapping_mul(7919).wrapping_add(17));
    let types = match flavor {
        Flavor::Postgres => PG_TYPES,
        Flavor::Sqlite => LITE_TYPES,
    };
    let table = |name: String, rng: &mut Lcg| {
        let count = 3 + rng.below(4);
        let columns = (1..=count)
            .map(|i| Column {
                name: format!("c{i}"),
                ty: types[rng.below(types.len())],
                not_null: rng.below(2) == 0,
            })
            .collect();
        Table { name, columns }
    };
    let a = table(format!("a_{n}"), &mut rng);
    let b = table(format!("b_{n}"), &mut rng);
    let fk_not_null = n.is_multiple_of(2);
    let mut schema = String::new();
    for (t, fk) in [(&a, false), (&b, true)] {
        let id = match flavor {
            Flavor::Postgres if n.is_multiple_of(3) => "id serial PRIMARY KEY",
            Flavor::Postgres => "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            Flavor::Sqlite => "id INTEGER PRIMARY KEY",
        };
        let mut lines = vec![id.to_owned()];
        if fk {
            let ty = match flavor {
                Flavor::Postgres if n.is_multiple_of(3) => "integer",
                Flavor::Postgres => "bigint",
                Flavor::Sqlite => "INTEGER",
            };
            let null = if fk_not_null { " NOT NULL" } else { "" };
            lines.push(format!("a_id {ty}{null} REFERENCES {} (id)", a.name));
        }
        for c in &t.columns {
            let null = if c.not_null { " NOT NULL" } else { "" };
            lines.push(format!("{} {}{null}", c.name, c.ty.sql));
        }
        schema += &format!(
            "CREATE TABLE {} (\n    {}\n);\n",
            t.name,
            lines.join(",\n    ")
        );
    }
    let queries = Queries {
        flavor,
        a: &a,
        b: &b,
    }
    .all(&mut rng);
    let rows = rows(&a, &b, fk_not_null);
    Corpus {
        schema,
        rows,
        queries,
    }
}

/// `a` rows 1 and 2 (2 has NULL in each nullable column), `b` rows of `a` 1, and one of no
/// `a` when `b.a_id` is nullable.
fn rows(a: &Table, b: &Table, fk_not_null: bool) -> String {
    fn values(t: &Table, nulls: bool) -> Vec<&str> {
        t.columns
            .iter()
            .map(|c| {
                if nulls && !c.not_null {
                    "NULL"
                } else {
                    c.ty.literal
                }
            })
            .collect()
    }
    fn names(t: &Table) -> String {
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        names.join(", ")
    }
    let (an, bn) = (names(a), names(b));
    let mut sql = String::new();
    for nulls in [false, true] {
        let v = values(a, nulls).join(", ");
        sql += &format!("INSERT INTO {} ({an}) VALUES ({v});\n", a.name);
    }
    for nulls in [false, true] {
        let v = values(b, nulls).join(", ");
        sql += &format!("INSERT INTO {} (a_id, {bn}) VALUES (1, {v});\n", b.name);
    }
    if !fk_not_null {
        let v = values(b, true).join(", ");
        sql += &format!("INSERT INTO {} (a_id, {bn}) VALUES (NULL, {v});\n", b.name);
    }
    sql
}

struct Queries<'a> {
    flavor: Flavor,
    a: &'a Table,
    b: &'a Table,
}

impl Queries<'_> {
    /// Parameter number `i` in the flavor's syntax.
    fn p(&self, i: usize) -> String {
        match self.flavor {
            Flavor::Postgres => format!("${i}"),
            Flavor::Sqlite => format!("?{i}"),
        }
    }

    fn cast(&self, expr: &str, ty: &str) -> String {
        match self.flavor {
            Flavor::Postgres => format!("{expr}::{ty}"),
            Flavor::Sqlite => format!("CAST({expr} AS {ty})"),
        }
    }

    fn all(&self, rng: &mut Lcg) -> Vec<String> {
        let (a, b) = (self.a, self.b);
        let (an, bn) = (&a.name, &b.name);
        let pick = |t: &Table, rng: &mut Lcg| -> usize { rng.below(t.columns.len()) };
        let ca = &a.columns[pick(a, rng)];
        let ca2 = &a.columns
            [(a.columns.iter().position(|c| c.name == ca.name).unwrap() + 1) % a.columns.len()];
        let cb = &b.columns[pick(b, rng)];
        let (x, y, z) = (&ca.name, &ca2.name, &cb.name);
        let ordered = a.columns.iter().find(|c| c.ty.ordered);
        let numeric = a.columns.iter().find(|c| c.ty.numeric);
        let text = match self.flavor {
            Flavor::Postgres => "text",
            Flavor::Sqlite => "TEXT",
        };
        let int = match self.flavor {
            Flavor::Postgres => "bigint",
            Flavor::Sqlite => "INTEGER",
        };
        let (p1, p2, p3) = (self.p(1), self.p(2), self.p(3));
        let mut q = vec![
            format!("SELECT id, {x}, {y} FROM {an}"),
            format!("SELECT * FROM {an}"),
            format!("SELECT * FROM {bn}"),
            format!("SELECT t.{x} AS first, t.{y} other FROM {an} t"),
            format!("SELECT {an}.* FROM {an}"),
            format!("SELECT a.id, a.{x} FROM {an} a WHERE a.{x} = {p1}"),
            format!("SELECT a.id FROM {an} a WHERE a.{x} = {p1} AND a.{y} = {p2}"),
            format!("SELECT a.id FROM {an} a WHERE a.{x} IN ({p1}, {p2})"),
            format!("SELECT {x} FROM {an} LIMIT {p1}"),
            format!("SELECT {x} FROM {an} LIMIT {p1} OFFSET {p2}"),
            format!("SELECT 1, 'a', 1.5, NULL, {x} FROM {an}"),
            format!("SELECT 1 AS one, 'a' AS txt, {x} AS v FROM {an}"),
            format!("SELECT count(*) FROM {an}"),
            format!("SELECT count(*) AS n, count({x}) AS m FROM {an}"),
            format!("SELECT {x}, count(*) FROM {an} GROUP BY {x}"),
            format!("SELECT coalesce({x}, {x}) AS v FROM {an}"),
            format!("SELECT coalesce(a.{x}, {p1}) AS v FROM {an} a"),
            format!("SELECT CASE WHEN {y} IS NULL THEN NULL ELSE {x} END AS v FROM {an}"),
            format!("SELECT CASE WHEN id > 1 THEN {x} ELSE {x} END AS v FROM {an}"),
            format!("SELECT {x} IS NULL AS missing, id = 1 AS first FROM {an}"),
            format!("SELECT {} AS s FROM {an}", self.cast(x, text)),
            format!("SELECT {} AS s FROM {an}", self.cast("id", int)),
            format!("SELECT {} AS s", self.cast(&p1, int)),
            format!("SELECT s.v FROM (SELECT {x} AS v FROM {an}) s"),
            format!("SELECT s.* FROM (SELECT id, {x} FROM {an} WHERE id = {p1}) s"),
            format!("SELECT (SELECT count(*) FROM {bn}) AS n FROM {an}"),
            format!("SELECT id FROM {an} WHERE EXISTS (SELECT 1 FROM {bn} WHERE a_id = {an}.id)"),
            format!("WITH w AS (SELECT id, {x} FROM {an}) SELECT * FROM w"),
            format!("WITH w (k, v) AS (SELECT id, {x} FROM {an}) SELECT w.v FROM w WHERE k = {p1}"),
            format!("SELECT {x} FROM {an} UNION SELECT {x} FROM {an}"),
            format!("SELECT id FROM {an} UNION ALL SELECT id FROM {bn}"),
            format!("SELECT id FROM {an} INTERSECT SELECT a_id FROM {bn}"),
            format!("SELECT id FROM {an} EXCEPT SELECT a_id FROM {bn}"),
            format!("SELECT a.id, b.{z} FROM {an} a JOIN {bn} b ON b.a_id = a.id"),
            format!(
                "SELECT a.{x}, b.{z} FROM {an} a INNER JOIN {bn} b ON b.a_id = a.id WHERE b.id = {p1}"
            ),
            format!("SELECT a.{x}, b.{z}, b.a_id FROM {an} a LEFT JOIN {bn} b ON b.a_id = a.id"),
            format!("SELECT a.*, b.* FROM {an} a LEFT JOIN {bn} b ON b.a_id = a.id"),
            format!("SELECT a.{x}, b.{z} FROM {an} a CROSS JOIN {bn} b"),
            format!("SELECT a.{x}, b.* FROM {an} a, {bn} b WHERE b.a_id = a.id"),
            format!("SELECT b.{z}, a.{x} FROM {bn} b LEFT OUTER JOIN {an} a ON a.id = b.a_id"),
            format!("SELECT * FROM {an} a JOIN {bn} b ON b.a_id = a.id"),
            format!("DELETE FROM {bn} WHERE id = {p1} RETURNING *"),
            format!("DELETE FROM {an} WHERE {x} = {p1} RETURNING id, {x}"),
            format!("UPDATE {an} SET {x} = {p1} WHERE id = {p2} RETURNING *"),
            format!(
                "UPDATE {an} SET {x} = {p1}, {y} = {p2} WHERE id = {p3} RETURNING id, {y} AS changed"
            ),
            format!("UPDATE {bn} SET {z} = {z} WHERE a_id = {p1} RETURNING {z}"),
        ];
        let all: Vec<&Column> = a.columns.iter().collect();
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        let params: Vec<String> = (1..=all.len()).map(|i| self.p(i)).collect();
        q.push(format!(
            "INSERT INTO {an} ({}) VALUES ({}) RETURNING *",
            names.join(", "),
            params.join(", ")
        ));
        let literals: Vec<&str> = all.iter().map(|c| c.ty.literal).collect();
        q.push(format!(
            "INSERT INTO {an} ({}) VALUES ({}) RETURNING id",
            names.join(", "),
            literals.join(", ")
        ));
        q.push(format!(
            "INSERT INTO {bn} (a_id, {z}) SELECT id, {p1} FROM {an} WHERE id = {p2} RETURNING id, a_id"
        ));
        if let Some(c) = ordered {
            let v = &c.name;
            q.push(format!("SELECT max({v}), min({v}) FROM {an}"));
            q.push(format!("SELECT max({v}) AS hi FROM {an} GROUP BY id"));
            q.push(format!(
                "SELECT id, {v} FROM {an} ORDER BY {v} DESC LIMIT {p1}"
            ));
            q.push(format!(
                "SELECT id FROM {an} WHERE {v} > {p1} AND {v} <= {p2}"
            ));
        }
        if let Some(c) = numeric {
            let v = &c.name;
            q.push(format!("SELECT sum({v}), avg({v}) FROM {an}"));
            q.push(format!(
                "SELECT {v} + 1 AS next, {v} * 2 AS twice FROM {an}"
            ));
            q.push(format!(
                "SELECT sum(a.{v}) AS total FROM {an} a JOIN {bn} b ON b.a_id = a.id"
            ));
        }
        if self.flavor == Flavor::Postgres {
            q.extend([
                format!("SELECT a.{x}, b.{z} FROM {an} a RIGHT JOIN {bn} b ON b.a_id = a.id"),
                format!("SELECT a.{x}, b.{z} FROM {an} a FULL JOIN {bn} b ON b.a_id = a.id"),
                format!("SELECT a.id FROM {an} a WHERE a.id = ANY({p1})"),
                format!("SELECT {x}::text AS t, CAST(id AS integer) AS i FROM {an}"),
                format!("SELECT {p1}::text AS t, {p2}::integer + 1 AS n"),
                format!("SELECT row_number() OVER (ORDER BY id) AS n, {x} FROM {an}"),
                format!("SELECT count(*) FILTER (WHERE {x} IS NULL) AS missing FROM {an}"),
                format!("SELECT true AS t, 3000000000 AS big, now() AS at FROM {an}"),
                format!("SELECT lower({x}::text) AS l, length({x}::text) AS n FROM {an}"),
            ]);
        }
        q
    }
}
