//! `hubble`: see the library crate.

#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli_hubble::run(cli_hubble::Cli::parse())
}
