//! Output in cargo's style: status lines with a right-aligned verb on stderr, data on
//! stdout. Colour only on a terminal, and never with `NO_COLOR`.

use std::io::{IsTerminal, Write};

use crate::exit::ClosedPipe;

/// `print!` that returns an error instead of panicking: a closed pipe ends the command
/// quietly ([`ClosedPipe`]), any other write error (a full disk) is reported.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::shell::write_stdout(format_args!($($arg)*), false)?
    };
}

/// `println!` that returns an error instead of panicking (see [`out!`]).
macro_rules! outln {
    () => {
        $crate::shell::write_stdout(format_args!(""), true)?
    };
    ($($arg:tt)*) => {
        $crate::shell::write_stdout(format_args!($($arg)*), true)?
    };
}

pub(crate) use {out, outln};

/// Writes data to stdout and flushes it.
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| {
            if newline {
                stdout.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| stdout.flush());
    written.map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            anyhow::Error::new(ClosedPipe)
        } else {
            anyhow::Error::new(e).context("cannot write to stdout")
        }
    })
}

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
