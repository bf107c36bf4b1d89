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
