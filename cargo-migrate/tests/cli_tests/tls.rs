//! TLS to PostgreSQL through rustls, against a TLS-only cluster this test starts itself
//! (`migrate_tests::tls_cluster`): `sslmode`, `sslrootcert`, `PGSSLROOTCERT`, and failures that
//! say which check failed.

use crate::support::{Project, Run};
use migrate_tests::tls_cluster::TlsCluster;

fn project() -> Project {
    let p = Project::new("dialect = \"postgres\"");
    p.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
    );
    p
}

#[test]
fn tls_connections_verify_the_ca_and_the_host_name_and_say_which_failed() {
    let Some(db) = TlsCluster::start() else {
        return;
    };
    let p = project();
    let ca = db.ca.display().to_string();
    let wrong_ca = db.wrong_ca.display().to_string();
    let status = |url: &str| p.run(&["status", "--database-url", url]);

    // require: encrypted, not verified.
    let url = db.url("127.0.0.1", "sslmode=require");
    let out = p.run(&["deploy", "--database-url", &url]).expect(0);
    assert!(out.stderr.contains("Applied"), "{}", out.stderr);

    // verify-full with the right CA and the certificate's host name.
    let url = db.url(
        db.cert_host,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let out = status(&url).expect(0);
    assert!(out.stdout.contains("applied"), "{}", out.stdout);

    // verify-ca checks the CA only: an IP address the certificate does not name is fine.
    status(&db.url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}"))).expect(0);

    // The wrong CA: says the certificate is not trusted, blames neither URL nor password.
    let out = status(&db.url(
        db.cert_host,
        &format!("sslmode=verify-full&sslrootcert={wrong_ca}"),
    ))
    .expect(1);
    assert_tls_error(&out, "not signed by a trusted CA");

    // The wrong host name: 127.0.0.1 with a certificate for `localhost` only.
    let out = status(&db.url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .expect(1);
    assert_tls_error(&out, "not valid for the host name `127.0.0.1`");

    // PGSSLROOTCERT and PGSSLMODE are read as libpq reads them.
    let out = Run::from(
        p.command(&["status", "--database-url", &db.url(db.cert_host, "")])
            .env("PGSSLMODE", "verify-full")
            .env("PGSSLROOTCERT", &wrong_ca)
            .output()
            .unwrap(),
    )
    .expect(1);
    assert_tls_error(&out, "not signed by a trusted CA");
    Run::from(
        p.command(&["status", "--database-url", &db.url(db.cert_host, "")])
            .env("PGSSLMODE", "verify-full")
            .env("PGSSLROOTCERT", &ca)
            .output()
            .unwrap(),
    )
    .expect(0);

    // sslmode=disable against a server that only accepts TLS: the server's refusal.
    let out = status(&db.url("127.0.0.1", "sslmode=disable")).expect(1);
    assert!(out.stderr.contains("no encryption"), "{}", out.stderr);
}

#[track_caller]
fn assert_tls_error(out: &Run, what: &str) {
    assert!(
        out.stderr.contains(what),
        "expected `{what}` in:\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("credentials") && !out.stderr.contains("is the server running"),
        "a TLS failure must not blame the URL, credentials or server:\n{}",
        out.stderr
    );
}
