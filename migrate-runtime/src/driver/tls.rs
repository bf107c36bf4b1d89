//! What a failed TLS connection means, in words an operator can act on: which check failed
//! (the certificate's CA, its host name, its dates, the server refusing TLS), never "check the
//! URL and the credentials".

/// The message and the next step for a TLS failure of connecting to `host`, or `None` when
/// `e` is not about TLS.
pub(super) fn explain(e: &sqlx::Error, host: &str) -> Option<(String, String)> {
    match e {
        sqlx::Error::Tls(inner) => {
            let text = inner.to_string();
            if text.contains("without TLS support") {
                return Some((
                    "this build has no TLS support".into(),
                    "enable the `tls-rustls` feature of migrate-runtime, or connect with sslmode=disable".into(),
                ));
            }
            if text.contains("does not support TLS") {
                return Some((
                    format!("the server at {host} does not accept TLS connections"),
                    "turn on `ssl` in the server's postgresql.conf, or use sslmode=prefer or sslmode=disable".into(),
                ));
            }
            Some((
                format!("TLS setup failed: {text}"),
                "check the files named by sslrootcert, sslcert and sslkey (or PGSSLROOTCERT, PGSSLCERT, PGSSLKEY)".into(),
            ))
        }
        sqlx::Error::Io(io) => certificate(io.get_ref()?, host),
        _ => None,
    }
}

/// [`explain`] for a MySQL/MariaDB connection: the same checks, in the words of its URL
/// parameters (`ssl-mode`, `ssl-ca`) and its server (`require_secure_transport`, `ssl_cert`).
#[cfg(feature = "mysql")]
pub(super) fn explain_mysql(e: &sqlx::Error, host: &str) -> Option<(String, String)> {
    let (message, hint) = explain(e, host)?;
    Some((to_mysql_words(&message), to_mysql_words(&hint)))
}

#[cfg(feature = "mysql")]
fn to_mysql_words(text: &str) -> String {
    const WORDS: [(&str, &str); 9] = [
        (
            "sslrootcert, sslcert and sslkey (or PGSSLROOTCERT, PGSSLCERT, PGSSLKEY)",
            "ssl-ca, ssl-cert and ssl-key",
        ),
        ("sslrootcert or PGSSLROOTCERT", "ssl-ca"),
        ("sslrootcert", "ssl-ca"),
        (
            "turn on `ssl` in the server's postgresql.conf",
            "give the server a certificate (`ssl_cert`, `ssl_key` in its configuration)",
        ),
        ("sslmode=verify-ca", "ssl-mode=VERIFY_CA"),
        ("sslmode=require", "ssl-mode=REQUIRED"),
        ("sslmode=prefer", "ssl-mode=PREFERRED"),
        ("sslmode=disable", "ssl-mode=DISABLED"),
        ("the sslmode of the URL", "the ssl-mode of the URL"),
    ];
    WORDS
        .iter()
        .fold(text.to_owned(), |t, (pg, my)| t.replace(pg, my))
}

#[cfg(feature = "tls-rustls")]
fn certificate(
    inner: &(dyn std::error::Error + Send + Sync + 'static),
    host: &str,
) -> Option<(String, String)> {
    use rustls::CertificateError as C;
    let rustls::Error::InvalidCertificate(error) = inner.downcast_ref::<rustls::Error>()? else {
        let tls = inner.downcast_ref::<rustls::Error>()?;
        return Some((
            format!("the TLS handshake with {host} failed: {tls}"),
            "check the server's TLS settings and the sslmode of the URL".into(),
        ));
    };
    let explained = match error {
        C::UnknownIssuer | C::BadSignature => (
            "the server's certificate is not signed by a trusted CA (the CA in sslrootcert or \
             PGSSLROOTCERT; without either, the built-in Mozilla roots)"
                .to_owned(),
            "point sslrootcert at the CA certificate that signed the server's certificate; \
             sslmode=require encrypts without verifying"
                .to_owned(),
        ),
        C::NotValidForName | C::NotValidForNameContext { .. } => (
            format!("the server's certificate is not valid for the host name `{host}`"),
            "connect with a host name the certificate names, or use sslmode=verify-ca to \
             verify the CA but not the host name"
                .to_owned(),
        ),
        C::Expired | C::ExpiredContext { .. } => (
            "the server's certificate has expired".to_owned(),
            "renew the server's certificate".to_owned(),
        ),
        C::NotValidYet | C::NotValidYetContext { .. } => (
            "the server's certificate is not valid yet".to_owned(),
            "check the clocks of this machine and of the server".to_owned(),
        ),
        other => (
            format!("the server's certificate was rejected: {other:?}"),
            "check the server's certificate and sslrootcert".to_owned(),
        ),
    };
    Some(explained)
}

#[cfg(not(feature = "tls-rustls"))]
fn certificate(
    _inner: &(dyn std::error::Error + Send + Sync + 'static),
    _host: &str,
) -> Option<(String, String)> {
    None
}

#[cfg(all(test, feature = "mysql"))]
mod tests {
    use super::to_mysql_words;

    #[test]
    fn mysql_hints_name_mysql_parameters() {
        let hint = to_mysql_words(
            "point sslrootcert at the CA certificate that signed the server's certificate; \
             sslmode=require encrypts without verifying",
        );
        assert!(
            hint.contains("point ssl-ca at") && hint.contains("ssl-mode=REQUIRED"),
            "{hint}"
        );
        let refused = to_mysql_words(
            "turn on `ssl` in the server's postgresql.conf, or use sslmode=prefer or sslmode=disable",
        );
        assert!(
            !refused.contains("postgresql") && refused.contains("ssl-mode=DISABLED"),
            "{refused}"
        );
    }
}
