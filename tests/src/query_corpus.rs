//! A deterministic generator of schemas and queries over them, for the differential test of
//! the query inference (`tests/integration/query_corpus.rs`).
//!
//! Each schema has two tables, `a_N` and `b_N` (`b_N.a_id` references `a_N.id`), with columns
//! of varied types and nullability picked by a seeded generator; the queries cover joins of
//! each kind, aliases, `*` and `t.*`, aggregates, CASE/COALESCE, casts, literals, subqueries,
//! CTEs, set operations, INSERT/UPDATE/DELETE … RETURNING, `JOIN … USING` and `NATURAL JOIN`
//! of each kind, data-modifying `WITH` queries, set-returning functions in `FROM` (`unnest`,
//! `generate_series`, the JSON expanders, `regexp_matches`), `LATERAL` subqueries, and
//! parameters in each position.
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

/// MySQL/MariaDB: the types the brief of the MySQL dialect lists, spelled as written in DDL.
const MY_TYPES: &[Ty] = &[
    ty("int", true, true, "1"),
    ty("bigint", true, true, "1"),
    ty("bigint unsigned", true, true, "1"),
    ty("smallint", true, true, "1"),
    ty("tinyint(1)", false, false, "TRUE"),
    ty("varchar(40)", true, false, "'x'"),
    ty("text", true, false, "'x'"),
    ty("decimal(12,2)", true, true, "1.5"),
    ty("double", true, true, "1.5"),
    ty("float", true, true, "1.5"),
    ty("date", true, false, "'2020-01-01'"),
    ty("datetime", true, false, "'2020-01-01 00:00:00'"),
    ty("timestamp", true, false, "'2020-01-01 00:00:00'"),
    ty("json", false, false, "'{}'"),
    ty("enum('a','b')", true, false, "'a'"),
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
    /// SQLite: a call of each scalar function of the generated catalog over `a_N`'s columns
    /// (`SELECT f(…) AS v FROM a_N`), run to compare the values' storage classes and NULLs
    /// with the inference. Empty for PostgreSQL.
    pub function_calls: Vec<String>,
}

/// Which database the corpus is for: types, identity columns and parameter syntax differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// PostgreSQL: `$1`, its types, `= ANY($1)`, `::` casts.
    Postgres,
    /// SQLite: `?NNN`, its five declared types.
    Sqlite,
    /// MySQL/MariaDB: `?`, its types, `AUTO_INCREMENT`, no `UPDATE … RETURNING` (MariaDB
    /// has `INSERT`/`DELETE … RETURNING`), no `FULL JOIN`.
    Mysql,
}

/// The corpus of schema number `n` (the seed), for `flavor`.
pub fn corpus(flavor: Flavor, n: u64) -> Corpus {
    let mut rng = Lcg(n.wrapping_mul(7919).wrapping_add(17));
    let types = match flavor {
        Flavor::Postgres => PG_TYPES,
        Flavor::Sqlite => LITE_TYPES,
        Flavor::Mysql => MY_TYPES,
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
            Flavor::Mysql if n.is_multiple_of(3) => "id int NOT NULL AUTO_INCREMENT PRIMARY KEY",
            Flavor::Mysql => "id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY",
        };
        let mut lines = vec![id.to_owned()];
        if fk {
            let ty = match flavor {
                Flavor::Postgres if n.is_multiple_of(3) => "integer",
                Flavor::Postgres => "bigint",
                Flavor::Sqlite => "INTEGER",
                Flavor::Mysql if n.is_multiple_of(3) => "int",
                Flavor::Mysql => "bigint unsigned",
            };
            let null = if fk_not_null { " NOT NULL" } else { "" };
            if flavor == Flavor::Mysql {
                // MySQL ignores a column's inline REFERENCES.
                lines.push(format!("a_id {ty}{null}"));
            } else {
                lines.push(format!("a_id {ty}{null} REFERENCES {} (id)", a.name));
            }
        }
        for c in &t.columns {
            let null = if c.not_null {
                " NOT NULL"
            } else if flavor == Flavor::Mysql && c.ty.sql == "timestamp" {
                // MariaDB's timestamp is NOT NULL unless said otherwise (without
                // explicit_defaults_for_timestamp).
                " NULL"
            } else {
                ""
            };
            lines.push(format!("{} {}{null}", c.name, c.ty.sql));
        }
        if fk && flavor == Flavor::Mysql {
            lines.push(format!("FOREIGN KEY (a_id) REFERENCES {} (id)", a.name));
        }
        schema += &format!(
            "CREATE TABLE {} (\n    {}\n);\n",
            t.name,
            lines.join(",\n    ")
        );
    }
    let mut queries = Queries {
        flavor,
        a: &a,
        b: &b,
    }
    .all(&mut rng);
    if flavor == Flavor::Postgres {
        let (ddl, calls) = pg_functions(&a, n);
        schema += &ddl;
        queries.extend(calls);
    }
    let rows = rows(&a, &b, fk_not_null);
    let function_calls = match flavor {
        Flavor::Sqlite => sqlite_function_queries(&a, n),
        Flavor::Postgres | Flavor::Mysql => Vec::new(),
    };
    Corpus {
        schema,
        rows,
        queries,
        function_calls,
    }
}

/// PostgreSQL: functions the schema creates (SQL and PL/pgSQL, strict and not, overloaded,
/// with a default, one shadowing a built-in's name) and queries calling them, so that the
/// inference's typing of migration functions meets the server's.
fn pg_functions(a: &Table, n: u64) -> (String, Vec<String>) {
    let c = &a.columns[n as usize % a.columns.len()];
    let (t, x, an) = (c.ty.sql, &c.name, &a.name);
    let ddl = format!(
        "CREATE FUNCTION f_same_{n}(v {t}) RETURNS {t} LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT v $$;
CREATE FUNCTION f_text_{n}(v {t}, suffix text DEFAULT '!') RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RETURN v::text || suffix; END $$;
CREATE FUNCTION f_over_{n}(v integer) RETURNS bigint LANGUAGE sql RETURNS NULL ON NULL INPUT
  AS 'SELECT v::bigint';
CREATE FUNCTION f_over_{n}(v text) RETURNS boolean LANGUAGE sql AS 'SELECT v IS NULL';
CREATE FUNCTION f_count_{n}() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM {an}';
CREATE OR REPLACE FUNCTION lower(v text) RETURNS integer LANGUAGE sql AS 'SELECT 1';
"
    );
    let queries = vec![
        format!("SELECT f_same_{n}({x}) AS v FROM {an}"),
        format!("SELECT f_same_{n}($1) AS v"),
        format!("SELECT f_text_{n}({x}) AS v, f_text_{n}({x}, $1) AS w FROM {an}"),
        format!("SELECT f_over_{n}(id::integer) AS a, f_over_{n}({x}::text) AS b FROM {an}"),
        format!("SELECT f_over_{n}($1::integer) AS v"),
        format!("SELECT f_count_{n}() AS n, public.f_count_{n}() AS m"),
        format!("SELECT lower({x}::text) AS l, public.lower({x}::text) AS m FROM {an}"),
    ];
    (ddl, queries)
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
            Flavor::Mysql => "?".to_owned(),
        }
    }

    fn cast(&self, expr: &str, ty: &str) -> String {
        match self.flavor {
            Flavor::Postgres => format!("{expr}::{ty}"),
            Flavor::Sqlite | Flavor::Mysql => format!("CAST({expr} AS {ty})"),
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
            Flavor::Mysql => "CHAR",
        };
        let int = match self.flavor {
            Flavor::Postgres => "bigint",
            Flavor::Sqlite => "INTEGER",
            Flavor::Mysql => "SIGNED",
        };
        // MariaDB returns rows from INSERT and DELETE only.
        let update_returning = |returning: &str| match self.flavor {
            Flavor::Mysql => String::new(),
            _ => format!(" RETURNING {returning}"),
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
            format!(
                "UPDATE {an} SET {x} = {p1} WHERE id = {p2}{}",
                update_returning("*")
            ),
            format!(
                "UPDATE {an} SET {x} = {p1}, {y} = {p2} WHERE id = {p3}{}",
                update_returning("id, {y} AS changed").replace("{y}", y)
            ),
            format!(
                "UPDATE {bn} SET {z} = {z} WHERE a_id = {p1}{}",
                update_returning(z)
            ),
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
        // `JOIN … USING` and `NATURAL JOIN` (merged columns), over `id` of both tables and
        // over subqueries whose only common column is `k` (`a.id` and `b.a_id`).
        let natural = format!(
            "(SELECT id AS k, {x} AS ax FROM {an}) a NATURAL {{}}JOIN (SELECT a_id AS k, {z} AS bz FROM {bn}) b"
        );
        q.extend([
            format!("SELECT * FROM {an} a JOIN {bn} b USING (id)"),
            format!("SELECT id, a.{x}, b.{z} FROM {an} a LEFT JOIN {bn} b USING (id)"),
            format!(
                "SELECT b.id, a.id AS other FROM {an} a JOIN {bn} b USING (id) WHERE id = {p1}"
            ),
            format!("SELECT * FROM {}", natural.replace("{}", "")),
            format!("SELECT k, ax, bz FROM {}", natural.replace("{}", "LEFT ")),
            format!(
                "SELECT * FROM {an} x LEFT JOIN ({an} a CROSS JOIN (SELECT 1 AS one) o) USING (id)"
            ),
        ]);
        if self.flavor == Flavor::Sqlite {
            // SQLite's table-valued JSON functions.
            q.extend([
                format!(
                    "SELECT a.id, j.key, j.value, j.type, j.fullkey FROM {an} a, json_each(json_array(a.{x}, 1)) j"
                ),
                format!("SELECT * FROM {an} a, json_tree(json_object('k', a.{y})) t"),
            ]);
        }
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
                // Alternatives of different numbers: the widest.
                format!(
                    "SELECT coalesce((SELECT count(*) FROM {bn} b WHERE b.a_id = a.id), 0) AS n, CASE WHEN a.id > 1 THEN a.id ELSE 1.5 END AS m FROM {an} a"
                ),
                format!("SELECT id FROM {an} UNION SELECT 1::smallint"),
                // Merged columns of the outer joins only PostgreSQL has.
                format!("SELECT * FROM {an} a RIGHT JOIN {bn} b USING (id)"),
                format!("SELECT id, a.{x}, b.{z} FROM {an} a FULL JOIN {bn} b USING (id)"),
                format!("SELECT * FROM {}", natural.replace("{}", "RIGHT ")),
                format!("SELECT * FROM {}", natural.replace("{}", "FULL ")),
                // Data-modifying WITH queries: their RETURNING columns.
                format!(
                    "WITH w AS (UPDATE {an} SET {x} = {p1} WHERE id = {p2} RETURNING id, {x}) SELECT * FROM w"
                ),
                format!(
                    "WITH d AS (DELETE FROM {bn} WHERE a_id = {p1} RETURNING id, {z}) SELECT count(*) AS n, max(d.id) AS top FROM d"
                ),
                format!(
                    "WITH i AS (INSERT INTO {an} ({}) VALUES ({}) RETURNING *) SELECT * FROM i",
                    names.join(", "),
                    literals.join(", ")
                ),
                format!(
                    "WITH d AS (DELETE FROM {bn} WHERE id = {p1} RETURNING a_id) UPDATE {an} SET {y} = {y} WHERE id IN (SELECT a_id FROM d) RETURNING id"
                ),
                // Set-returning functions in FROM.
                format!("SELECT a.id, t FROM {an} a, unnest(string_to_array(a.{x}::text, ',')) t"),
                format!("SELECT * FROM unnest({p1}::bigint[], {p2}::text[]) WITH ORDINALITY"),
                format!("SELECT u.v, u.i FROM unnest({p1}::integer[]) WITH ORDINALITY AS u(v, i)"),
                format!("SELECT * FROM generate_series(1, {p1})"),
                format!("SELECT a.id, g FROM {an} a, generate_series(1, 3) g"),
                format!("SELECT g.n FROM generate_series(now(), now() + interval '2 days', {p1}) AS g(n)"),
                format!("SELECT e.value FROM jsonb_array_elements({p1}) e"),
                "SELECT * FROM jsonb_array_elements_text('[\"x\", null]'::jsonb)".to_owned(),
                format!("SELECT a.id, j.key, j.value FROM {an} a, jsonb_each(jsonb_build_object('v', a.{x})) j"),
                "SELECT * FROM jsonb_each_text(jsonb_build_object('v', 1, 'w', NULL::text))".to_owned(),
                format!("SELECT m FROM {an} a, regexp_matches(a.{x}::text, '(.)') m"),
                // LATERAL subqueries see the items before them.
                format!(
                    "SELECT a.id, l.{z} FROM {an} a LEFT JOIN LATERAL (SELECT b.{z} FROM {bn} b WHERE b.a_id = a.id ORDER BY b.id LIMIT 1) l ON true"
                ),
                format!(
                    "SELECT a.id, n.c FROM {an} a, LATERAL (SELECT count(*) AS c FROM {bn} b WHERE b.a_id = a.id) n"
                ),
                format!(
                    "SELECT a.{x}, l.* FROM {an} a CROSS JOIN LATERAL (SELECT b.id, b.{z} FROM {bn} b WHERE b.a_id = a.id) l"
                ),
            ]);
        }
        if self.flavor == Flavor::Mysql {
            q.extend([
                format!("SELECT a.{x}, b.{z} FROM {an} a RIGHT JOIN {bn} b ON b.a_id = a.id"),
                format!("SELECT `a`.`id`, `{x}` AS `v` FROM `{an}` AS `a`"),
                format!("SELECT ifnull({x}, {y}) AS f, if(id > 1, {x}, NULL) AS i FROM {an}"),
                format!("SELECT id DIV 2 AS h, id / 2 AS q, id % 2 AS m, -id AS neg FROM {an}"),
                format!(
                    "SELECT concat({x}, 'a') AS c, length({x}) AS l, lower({x}) AS lo FROM {an}"
                ),
                format!(
                    "SELECT CAST(id AS UNSIGNED) AS u, CAST(id AS DECIMAL(10,2)) AS d FROM {an}"
                ),
                format!("SELECT TRUE AS t, 3000000000 AS big, now() AS at, 1e3 AS e FROM {an}"),
                format!("SELECT id FROM {an} ORDER BY id LIMIT {p1}, {p2}"),
                format!("SELECT {x} FROM {an} WHERE id BETWEEN {p1} AND {p2}"),
                format!("SELECT row_number() OVER (ORDER BY id) AS n, {x} FROM {an}"),
                format!("SELECT count(*), {x} FROM {an}"),
                format!("INSERT INTO {an} ({x}) VALUES ({p1}) ON DUPLICATE KEY UPDATE {x} = {p2}"),
                format!("DELETE FROM {an} WHERE id = {p1}"),
            ]);
        }
        q
    }
}

/// SQLite's built-in functions as the generated catalog lists them (`migrate-core/catalog/
/// sqlite/functions.tsv`), whose result classes the corpus checks by calling each one.
pub const SQLITE_CATALOG: &str = include_str!("../../migrate-core/catalog/sqlite/functions.tsv");

/// Scalar functions of the catalog the corpus does not call, and why.
pub const SQLITE_NOT_CALLED: &[(&str, &str)] = &[(
    "load_extension",
    "disabled on sqlx's connections; it loads a library",
)];

/// One call of each scalar function of SQLite's catalog (some several, one per number of
/// arguments): `{x}`, `{y}`, `{z}` stand for columns of the table, `{tx}`, `{ty}` for
/// `CAST(col AS TEXT)` (JSON cannot hold a blob).
pub const SQLITE_CALLS: &[(&str, &str)] = &[
    ("->", "json_array({tx}) -> '$[0]'"),
    ("->>", "json_array({x} + 0, {tx}) ->> '$[0]'"),
    ("abs", "abs({x})"),
    ("changes", "changes()"),
    ("char", "char({x}, {y})"),
    ("coalesce", "coalesce({x}, {y}, {z})"),
    ("concat", "concat({x}, {y})"),
    ("concat_ws", "concat_ws({y}, {x}, {z})"),
    ("current_date", "current_date"),
    ("current_time", "current_time"),
    ("current_timestamp", "current_timestamp"),
    ("date", "date({x})"),
    ("datetime", "datetime({x}, '+1 day')"),
    ("format", "format('%s-%s', {x}, {y})"),
    ("glob", "glob('x*', {x})"),
    ("hex", "hex({x})"),
    ("if", "if({x} IS NULL, {y}, {z})"),
    ("ifnull", "ifnull({x}, {y})"),
    ("iif", "iif({x} IS NULL, {y}, {z})"),
    ("instr", "instr({x}, 'x')"),
    ("json", "json(json_quote({tx}))"),
    ("json_array", "json_array({tx}, {ty})"),
    ("json_array_length", "json_array_length(json_array({tx}))"),
    (
        "json_array_length",
        "json_array_length(json_array({tx}), '$')",
    ),
    ("json_error_position", "json_error_position({tx})"),
    ("json_extract", "json_extract(json_array({tx}), '$[0]')"),
    (
        "json_insert",
        "json_insert(json_object('k', {tx}), '$.j', {ty})",
    ),
    ("json_object", "json_object('k', {tx})"),
    (
        "json_patch",
        "json_patch(json_object('k', {tx}), json_object('j', {ty}))",
    ),
    ("json_pretty", "json_pretty(json_array({tx}))"),
    ("json_pretty", "json_pretty(json_array({tx}), {ty})"),
    ("json_quote", "json_quote({tx})"),
    ("json_remove", "json_remove(json_array({tx}, {ty}), '$[0]')"),
    (
        "json_replace",
        "json_replace(json_object('k', {tx}), '$.k', {ty})",
    ),
    ("json_set", "json_set(json_object('k', {tx}), '$.j', {ty})"),
    ("json_type", "json_type(json_array({tx}))"),
    ("json_type", "json_type(json_array({tx}), '$[0]')"),
    ("json_valid", "json_valid({tx})"),
    ("json_valid", "json_valid({tx}, 1)"),
    ("jsonb", "jsonb(json_quote({tx}))"),
    ("jsonb_array", "jsonb_array({tx}, {ty})"),
    ("jsonb_extract", "jsonb_extract(jsonb_array({tx}), '$[0]')"),
    (
        "jsonb_insert",
        "jsonb_insert(json_object('k', {tx}), '$.j', {ty})",
    ),
    ("jsonb_object", "jsonb_object('k', {tx})"),
    (
        "jsonb_patch",
        "jsonb_patch(json_object('k', {tx}), json_object('j', {ty}))",
    ),
    (
        "jsonb_remove",
        "jsonb_remove(json_array({tx}, {ty}), '$[0]')",
    ),
    (
        "jsonb_replace",
        "jsonb_replace(json_object('k', {tx}), '$.k', {ty})",
    ),
    (
        "jsonb_set",
        "jsonb_set(json_object('k', {tx}), '$.j', {ty})",
    ),
    ("julianday", "julianday({x})"),
    ("last_insert_rowid", "last_insert_rowid()"),
    ("length", "length({x})"),
    ("like", "like('x%', {x})"),
    ("like", "like('x%', {x}, '!')"),
    ("likelihood", "likelihood({x}, 0.5)"),
    ("likely", "likely({x})"),
    ("lower", "lower({x})"),
    ("ltrim", "ltrim({x})"),
    ("ltrim", "ltrim({x}, {y})"),
    ("max", "max({x}, {y})"),
    ("min", "min({x}, {y}, {z})"),
    ("nullif", "nullif({x}, {y})"),
    ("octet_length", "octet_length({x})"),
    ("printf", "printf('%s %s', {x}, {y})"),
    ("quote", "quote({x})"),
    ("random", "random()"),
    ("randomblob", "randomblob({x})"),
    ("replace", "replace({x}, 'x', {y})"),
    ("round", "round({x})"),
    ("round", "round({x}, 1)"),
    ("rtrim", "rtrim({x})"),
    ("rtrim", "rtrim({x}, {y})"),
    ("sign", "sign({x})"),
    ("soundex", "soundex({x})"),
    ("sqlite_compileoption_get", "sqlite_compileoption_get({x})"),
    (
        "sqlite_compileoption_used",
        "sqlite_compileoption_used({x})",
    ),
    ("sqlite_log", "sqlite_log({x}, {y})"),
    ("sqlite_source_id", "sqlite_source_id()"),
    ("sqlite_version", "sqlite_version()"),
    ("strftime", "strftime('%Y', {x})"),
    ("substr", "substr({x}, 1)"),
    ("substr", "substr({x}, 1, {y})"),
    ("substring", "substring({x}, 2, 1)"),
    ("subtype", "subtype({x})"),
    ("time", "time({x})"),
    ("timediff", "timediff({x}, {y})"),
    ("total_changes", "total_changes()"),
    ("trim", "trim({x})"),
    ("trim", "trim({x}, {y})"),
    ("typeof", "typeof({x})"),
    ("unhex", "unhex({x})"),
    ("unhex", "unhex({x}, {y})"),
    ("unicode", "unicode({x})"),
    ("unistr", "unistr({tx})"),
    ("unistr_quote", "unistr_quote({x})"),
    ("unixepoch", "unixepoch({x})"),
    ("unlikely", "unlikely({x})"),
    ("upper", "upper({x})"),
    ("zeroblob", "zeroblob({x})"),
];

/// The scalar functions of SQLite's catalog (kind `s`), by name.
pub fn sqlite_scalar_functions() -> Vec<&'static str> {
    let mut names: Vec<&str> = SQLITE_CATALOG
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            let name = f.next()?;
            (f.next()? == "s").then_some(name)
        })
        .collect();
    names.dedup();
    names
}

/// `SELECT <call> AS v FROM a_N` for each of [`SQLITE_CALLS`], the columns rotating with
/// `n` and the call's position so that each function meets each column type over the
/// schemas.
fn sqlite_function_queries(a: &Table, n: u64) -> Vec<String> {
    let cols = &a.columns;
    SQLITE_CALLS
        .iter()
        .enumerate()
        .map(|(i, (_, call))| {
            let c = |k: usize| cols[(i + k + n as usize) % cols.len()].name.as_str();
            let call = call
                .replace("{tx}", &format!("CAST({} AS TEXT)", c(0)))
                .replace("{ty}", &format!("CAST({} AS TEXT)", c(1)))
                .replace("{x}", c(0))
                .replace("{y}", c(1))
                .replace("{z}", c(2));
            format!("SELECT {call} AS v FROM {}", a.name)
        })
        .collect()
}
