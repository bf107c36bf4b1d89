//! `DO` blocks.

use sqlparser::ast::{Statement as Ast, UserDefinedTypeRepresentation};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::Run;

impl Run<'_> {
    /// `DO $$ BEGIN CREATE TYPE … AS ENUM (…); EXCEPTION WHEN duplicate_object THEN null; END $$`
    /// (drizzle and others create enum types this way) is an idempotent CREATE TYPE.
    pub(super) fn do_block(&mut self, sql: &str) {
        let upper = sql.to_ascii_uppercase();
        let create = upper.find("CREATE TYPE");
        let duplicate_guard = upper.contains("DUPLICATE_OBJECT");
        if let (Some(start), true) = (create, duplicate_guard) {
            let end = upper[start..].find(';').map_or(sql.len(), |i| start + i);
            let inner = &sql[start..end];
            let tail = &upper[end..];
            let only_guard = tail
                .trim_start_matches(';')
                .trim_start()
                .starts_with("EXCEPTION");
            if only_guard && let Ok(asts) = Parser::parse_sql(&PostgreSqlDialect {}, inner) {
                for ast in asts {
                    if let Ast::CreateType {
                        name,
                        representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
                    } = ast
                    {
                        let name = self.name(&name);
                        self.create_enum(
                            name,
                            labels.iter().map(|l| l.value.clone()).collect(),
                            true,
                        );
                        return;
                    }
                }
            }
        }
        self.error("a DO block may change the schema, and the replay cannot see inside this one");
    }
}
