//! The one definition of a migration's checksum, shared by `embed_migrations!`, the CLI and
//! the runtime.
//!
//! The checksum is SHA-256 over the file's text after two normalisations, so that a checkout
//! on Windows (CRLF) or an editor that writes a byte-order mark does not look like an edit:
//! a leading UTF-8 BOM (U+FEFF) is dropped, and every CRLF pair becomes LF. Nothing else is
//! changed: trailing whitespace, a lone CR, and a missing final newline all count.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// A SHA-256 checksum of a migration's normalised text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checksum(pub [u8; 32]);

impl Checksum {
    /// Computes the checksum of a migration's text (see the module docs for the bytes hashed).
    pub fn of(text: &str) -> Checksum {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut hasher = Sha256::new();
        let mut rest = text;
        while let Some(at) = rest.find("\r\n") {
            hasher.update(&rest.as_bytes()[..at]);
            hasher.update(b"\n");
            rest = &rest[at + 2..];
        }
        hasher.update(rest.as_bytes());
        Checksum(hasher.finalize().into())
    }

    /// The checksum as 64 lower-case hex digits, as stored in the history table.
    pub fn to_hex(&self) -> String {
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
            out.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
        }
        out
    }

    /// The first 8 hex digits, for human output.
    pub fn short(&self) -> String {
        self.to_hex()[..8].to_owned()
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Checksum({})", self.to_hex())
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The error of reading a checksum that is not 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a SHA-256 checksum (64 hex digits)")]
pub struct BadChecksum {
    /// The text that was given.
    pub given: String,
}

impl FromStr for Checksum {
    type Err = BadChecksum;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadChecksum {
            given: s.to_owned(),
        };
        let s = s.trim();
        if s.len() != 64 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Checksum(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LF: &str = include_str!("../../tests/fixtures/checksum/lf.sql");
    const CRLF: &[u8] = include_bytes!("../../tests/fixtures/checksum/crlf.sql");
    const BOM: &[u8] = include_bytes!("../../tests/fixtures/checksum/bom_crlf.sql");

    #[test]
    fn known_vector() {
        // sha256("CREATE TABLE t (id integer);\n")
        assert_eq!(
            Checksum::of("CREATE TABLE t (id integer);\n").to_hex(),
            "87f3f19e917c318af81ab82207b05e02d058add6bb7cde86989006b6bd2941d0"
        );
    }

    #[test]
    fn fixtures_really_differ_in_bytes() {
        assert!(
            CRLF.windows(2).any(|w| w == b"\r\n"),
            "crlf fixture lost its CRs (.gitattributes)"
        );
        assert!(
            BOM.starts_with(&[0xef, 0xbb, 0xbf]),
            "bom fixture lost its BOM"
        );
        assert!(!LF.contains('\r'));
    }

    #[test]
    fn crlf_and_bom_hash_like_lf() {
        let lf = Checksum::of(LF);
        assert_eq!(Checksum::of(std::str::from_utf8(CRLF).unwrap()), lf);
        assert_eq!(Checksum::of(std::str::from_utf8(BOM).unwrap()), lf);
    }

    #[test]
    fn real_edits_change_the_checksum() {
        let base = Checksum::of("SELECT 1;\n");
        assert_ne!(Checksum::of("SELECT 1;"), base, "final newline counts");
        assert_ne!(Checksum::of("SELECT 1; \n"), base, "trailing space counts");
        assert_ne!(
            Checksum::of("SELECT 1;\r"),
            base,
            "a lone CR is not a line end"
        );
        assert_ne!(Checksum::of("SELECT 2;\n"), base);
    }

    #[test]
    fn hex_round_trip() {
        let sum = Checksum::of("x");
        assert_eq!(sum.to_hex().parse::<Checksum>(), Ok(sum));
        assert_eq!(sum.to_hex().to_uppercase().parse::<Checksum>(), Ok(sum));
        assert!("abc".parse::<Checksum>().is_err());
        assert!("zz".repeat(32).parse::<Checksum>().is_err());
    }
}
