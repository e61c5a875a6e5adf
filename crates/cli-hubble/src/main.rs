//! `hubble`: see the library crate.

#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    // The NO_COLOR convention (https://no-color.org), and dumb terminals.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    cli_hubble::run(cli_hubble::Cli::parse(), no_color)
}
