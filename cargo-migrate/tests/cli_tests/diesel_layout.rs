//! A diesel folder (`<name>/up.sql`) through the binary, on SQLite and PostgreSQL: versions
//! taken and ordered exactly as diesel_migrations takes and orders them (the text before the
//! first `_`, dashes removed, in byte order), recorded as that text, and history tables of
//! earlier releases (integer versions) upgraded under the deploy lock.

use crate::adopt::{Db, diesel_deploys, on_each_database};
use snapbox::str;

/// Folders whose names trip integer order (the cases of issue 10, item 2), each depending on
/// the one before it, so running them in any other order fails.
const FOLDERS: [(&str, &str); 7] = [
    (
        "00000000000000_diesel_initial_setup",
        "CREATE TABLE setup_marker (id INTEGER PRIMARY KEY);\n",
    ),
    (
        "2020-12-7-190800_x",
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY);\n",
    ),
    (
        "2022-03-09-07000_x",
        "ALTER TABLE t1 ADD COLUMN c2 INTEGER;\n",
    ),
    (
        "2023-05-23-1715-update-subgraph-deployment-assignment",
        "ALTER TABLE t1 ADD COLUMN c3 INTEGER;\n",
    ),
    (
        "2024-03-06-170000_add_sso_users",
        "CREATE TABLE sso_users (id INTEGER PRIMARY KEY);\n",
    ),
    (
        "2024-03-13_170000_sso_userscascade",
        "ALTER TABLE sso_users ADD COLUMN cascade_flag INTEGER;\n",
    ),
    (
        "2025-12-18-104956-0000_x",
        "ALTER TABLE sso_users ADD COLUMN c7 INTEGER;\n",
    ),
];

/// diesel's versions of [`FOLDERS`], in diesel's order.
const DIESEL_VERSIONS: [&str; 7] = [
    "00000000000000",
    "2020127190800",
    "2022030907000",
    "202305231715updatesubgraphdeploymentassignment",
    "20240306170000",
    "20240313",
    "202512181049560000",
];

fn write_folders(db: &Db, folders: &[(&str, &str)]) {
    for (folder, sql) in folders {
        db.project
            .write(&format!("migrations/{folder}/up.sql"), sql);
    }
}

/// The versions of `status --format json`, in its order, with their states.
fn status(db: &Db) -> Vec<(String, String)> {
    let out = db.run(&["status", "--format", "json"]);
    let mut versions = Vec::new();
    let mut version = None;
    for line in out.stdout.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("\"version\": ") {
            version = Some(v.trim_end_matches(',').trim_matches('"').to_owned());
        } else if let Some(state) = line.strip_prefix("\"state\": ") {
            let state = state.trim_end_matches(',').trim_matches('"').to_owned();
            versions.push((version.take().unwrap_or_default(), state));
        }
    }
    versions
}

/// The type of `_migrate_history.version`, as the database names it.
async fn version_column(db: &Db) -> String {
    let sql = if db.sqlite() {
        "SELECT type FROM pragma_table_info('_migrate_history') WHERE name = 'version'"
    } else {
        "SELECT data_type::text FROM information_schema.columns \
         WHERE table_name = '_migrate_history' AND column_name = 'version'"
    };
    db.texts(sql).await.concat().to_lowercase()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn schema_deploy_and_status_follow_diesels_order_and_record_its_versions() {
    on_each_database(|db, rt| {
        write_folders(db, &FOLDERS);
        db.project.write(
            "migrations/2025-12-18-104956-0000_x/down.sql",
            "ALTER TABLE sso_users DROP COLUMN c7;\n",
        );
        let schema = db.run(&["schema"]).expect(0);
        assert!(
            schema.stdout.contains("cascade_flag") && schema.stdout.contains("c7"),
            "{}: {}",
            db.dialect,
            schema.stdout
        );
        let deploy = db.run(&["deploy"]).expect(0);
        let applied: Vec<&str> = deploy
            .stderr
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("Applied "))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(
            applied, DIESEL_VERSIONS,
            "{}: {}",
            db.dialect, deploy.stderr
        );
        assert_eq!(
            sorted(rt.block_on(db.recorded())),
            sorted(DIESEL_VERSIONS.map(String::from).to_vec()),
            "{}: recorded as diesel's text",
            db.dialect
        );
        assert_eq!(rt.block_on(version_column(db)), "text", "{}", db.dialect);
        let states = status(db);
        assert_eq!(
            states,
            DIESEL_VERSIONS.map(|v| (v.to_owned(), "applied".to_owned())),
            "{}",
            db.dialect
        );
        // Version arguments take diesel's text, or the folder's prefix.
        db.run(&["revert", "--to", "2024-03-13", "--dry-run"])
            .expect(0);
        let out = db.run(&["revert", "--to", "20240313"]).expect(0);
        db.stderr_eq(
            &out,
            str![[r#"
   Reverting 202512181049560000 x (migrations/2025-12-18-104956-0000_x/down.sql)
    Reverted 202512181049560000 x in [ELAPSED]
    Finished 1 migration(s) reverted on [URL]

"#]],
        );
        let out = db.run(&["deploy", "--to", "2024-03-06-170000"]).expect(0);
        db.stderr_eq(
            &out,
            str![[r#"
    Finished nothing to apply: [URL] is up to date

"#]],
        );
        db.run(&["deploy", "--to", "202512181049560000"]).expect(0);
        assert_eq!(status(db).iter().filter(|(_, s)| s == "applied").count(), 7);
    });
}

#[test]
fn adopt_diesel_agrees_with_diesels_rows_row_for_row() {
    on_each_database(|db, rt| {
        write_folders(db, &FOLDERS);
        let folders: Vec<&str> = FOLDERS.iter().map(|(f, _)| *f).collect();
        // The schema as diesel made it, and its rows as diesel writes them.
        for (_, sql) in FOLDERS {
            rt.block_on(db.exec(sql));
        }
        rt.block_on(diesel_deploys(db, &folders));
        db.run(&["adopt", "diesel"]).expect(0);
        let theirs = rt.block_on(db.texts("SELECT version FROM __diesel_schema_migrations"));
        assert_eq!(
            sorted(rt.block_on(db.recorded())),
            sorted(theirs),
            "{}",
            db.dialect
        );
        let out = db.run(&["deploy"]).expect(0);
        db.stderr_eq(
            &out,
            str![[r#"
    Finished nothing to apply: [URL] is up to date

"#]],
        );
        assert!(status(db).iter().all(|(_, s)| s == "applied"));
    });
}

#[test]
fn a_history_table_of_an_earlier_release_is_read_and_upgraded_under_the_deploy_lock() {
    on_each_database(|db, rt| {
        // What an earlier release could load and deploy: all-digit diesel versions.
        let early = [FOLDERS[0], FOLDERS[4]];
        write_folders(db, &early);
        db.run(&["deploy"]).expect(0);
        // Make the table as earlier releases did: integer versions (`0` for
        // `00000000000000`), the same rows otherwise.
        let downgrade = if db.sqlite() {
            "ALTER TABLE _migrate_history RENAME TO h_text;
             CREATE TABLE _migrate_history (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
               checksum TEXT NOT NULL, applied_at TEXT NOT NULL, execution_ms INTEGER NOT NULL,
               success BOOLEAN NOT NULL, error TEXT, applied_by TEXT NOT NULL, backup TEXT);
             INSERT INTO _migrate_history SELECT CAST(version AS INTEGER), name, checksum,
               applied_at, execution_ms, success, error, applied_by, backup FROM h_text;
             DROP TABLE h_text;"
        } else {
            "ALTER TABLE _migrate_history ALTER COLUMN version TYPE BIGINT USING version::bigint;
             ALTER TABLE _migrate_history DROP COLUMN state, DROP COLUMN statements_done,
               DROP COLUMN statements_total, DROP COLUMN done_checksum;"
        };
        rt.block_on(db.exec(downgrade));
        assert_eq!(
            sorted(rt.block_on(db.recorded())),
            ["0", "20240306170000"],
            "{}",
            db.dialect
        );
        write_folders(db, &FOLDERS);
        // `status` reads the old table as the diesel versions it stands for, writing nothing.
        let states = status(db);
        let applied: Vec<&str> = states
            .iter()
            .filter(|(_, s)| s == "applied")
            .map(|(v, _)| v.as_str())
            .collect();
        assert_eq!(
            applied,
            ["00000000000000", "20240306170000"],
            "{}",
            db.dialect
        );
        assert!(
            states
                .iter()
                .all(|(_, s)| s == "applied" || s == "out-of-order" || s == "pending"),
            "{states:?}"
        );
        assert!(
            rt.block_on(version_column(db)).contains("int"),
            "{}: status changed nothing",
            db.dialect
        );
        // `deploy` turns the column into text and the rows into diesel's text, then applies
        // the rest.
        db.run(&["deploy", "--allow-out-of-order"]).expect(0);
        assert_eq!(rt.block_on(version_column(db)), "text", "{}", db.dialect);
        assert_eq!(
            sorted(rt.block_on(db.recorded())),
            sorted(DIESEL_VERSIONS.map(String::from).to_vec()),
            "{}",
            db.dialect
        );
        assert!(status(db).iter().all(|(_, s)| s == "applied"));
    });
}

#[test]
fn a_sqlx_folder_keeps_integer_versions() {
    on_each_database(|db, rt| {
        db.project
            .write("migrations/9_a.sql", "CREATE TABLE a (id INTEGER);\n");
        db.project.write(
            "migrations/10_b.sql",
            "ALTER TABLE a ADD COLUMN b INTEGER;\n",
        );
        db.run(&["deploy"]).expect(0);
        assert!(
            rt.block_on(version_column(db)).contains("int"),
            "{}",
            db.dialect
        );
        assert_eq!(
            status(db),
            [
                ("9".into(), "applied".into()),
                ("10".into(), "applied".into())
            ]
        );
    });
}

#[test]
fn new_in_a_diesel_folder_writes_a_diesel_migration_that_sorts_last() {
    on_each_database(|db, _| {
        write_folders(db, &FOLDERS);
        let out = db.run(&["new", "add_avatar", "--reversible"]).expect(0);
        let up = out.stdout.lines().next().unwrap_or_default().to_owned();
        let folder = up
            .trim_start_matches("migrations/")
            .trim_end_matches("/up.sql")
            .to_owned();
        // `yyyy-mm-dd-hhmmss_add_avatar`, as `diesel migration generate` names it.
        let bytes = folder.as_bytes();
        assert!(
            folder.len() == 17 + "_add_avatar".len()
                && folder.ends_with("_add_avatar")
                && [4, 7, 10].iter().all(|&i| bytes[i] == b'-'),
            "{}",
            out.stdout
        );
        assert!(
            db.project
                .path()
                .join(format!("migrations/{folder}/down.sql"))
                .is_file()
        );
        db.project.write(
            &format!("migrations/{folder}/up.sql"),
            "ALTER TABLE sso_users ADD COLUMN avatar TEXT;\n",
        );
        let states = status(db);
        assert_eq!(states.len(), 8, "{states:?}");
        assert_eq!(
            states[7].0,
            folder.split('_').next().unwrap().replace('-', ""),
            "the new migration sorts last"
        );
    });
}
