//! `cilium`: see the library crate for the commands.

#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    cli_cilium::run(cli_cilium::Cli::parse(), no_color)
}
