//! Output in cargo's style: status lines with a right-aligned verb on stderr, data on
//! stdout. Colour only on a terminal, and never with `NO_COLOR`.

use std::io::{IsTerminal, Write};

pub struct Shell {
    color: bool,
}

impl Shell {
    pub fn new() -> Shell {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Shell {
            color: !no_color && std::io::stderr().is_terminal(),
        }
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `   Applying 20240101000000 add_users` (bold green verb).
    pub fn status(&self, verb: &str, message: &str) {
        let verb = self.paint(&format!("{verb:>12}"), "1;32");
        let _ = writeln!(std::io::stderr(), "{verb} {message}");
    }

    /// A status line whose verb is a warning (bold yellow).
    pub fn warn_status(&self, verb: &str, message: &str) {
        let verb = self.paint(&format!("{verb:>12}"), "1;33");
        let _ = writeln!(std::io::stderr(), "{verb} {message}");
    }

    pub fn warn(&self, message: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{}: {message}",
            self.paint("warning", "1;33")
        );
    }

    pub fn error(&self, message: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{}: {message}",
            self.paint("error", "1;31")
        );
    }
}
