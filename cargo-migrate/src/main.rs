//! `cargo migrate`: SQL schema migrations checked at `cargo build` and applied safely.

mod backup;
mod cli;
mod commands;
mod config;
mod exit;
mod json;
mod report;
mod shell;
mod signals;
mod time;

fn main() {
    let cli::Cli::Migrate(args) = cli::Cli::parse_args();
    let shell = shell::Shell::new();
    let verb = args.command.name();
    let code = match commands::run(args, &shell) {
        Ok(code) => code,
        Err(error) if error.downcast_ref::<exit::ClosedPipe>().is_some() => exit::CLOSED_PIPE,
        Err(error) => {
            shell.error(&report::render(&error, verb));
            exit::code_of(&error)
        }
    };
    std::process::exit(code);
}
