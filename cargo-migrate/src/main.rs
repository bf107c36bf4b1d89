//! `cargo migrate`: SQL schema migrations checked at `cargo build` and applied safely.

mod backup;
mod cli;
mod commands;
mod config;
mod exit;
mod shell;
mod signals;
mod time;

use clap::Parser;

fn main() {
    let cli::Cli::Migrate(args) = cli::Cli::parse();
    let shell = shell::Shell::new();
    let code = match commands::run(args, &shell) {
        Ok(code) => code,
        Err(error) => {
            shell.error(&format!("{error:#}"));
            exit::code_of(&error)
        }
    };
    std::process::exit(code);
}
