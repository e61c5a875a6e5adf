//! Everything the CLI prints goes through here: `-o json|yaml|jsonpath=`, colors, and the one
//! write to stdout (a closed pipe is not an error).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use colored::Colorize;
use serde::Serialize;

use crate::jsonpath;

/// A machine-readable output format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Indented JSON of the API model.
    Json,
    /// YAML of the API model (JSON field names).
    Yaml,
    /// A Kubernetes-style JSONPath template, e.g. `{.cilium.state}`.
    JsonPath(String),
}

/// Parses `-o`.
pub fn parse_output(s: &str) -> Result<Output, String> {
    match s {
        "json" => Ok(Output::Json),
        "yaml" => Ok(Output::Yaml),
        _ => match s.strip_prefix("jsonpath=") {
            Some(t) if !t.is_empty() => {
                jsonpath::Template::parse(t)
                    .map_err(|e| format!("invalid jsonpath template: {e}"))?;
                Ok(Output::JsonPath(t.to_string()))
            }
            _ => Err(format!("unknown output format {s:?}: use json, yaml or jsonpath=<template>")),
        },
    }
}

/// Parses `--timeout` (`30s`, `2m`, `500ms`).
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let (num, unit) = s.find(|c: char| !c.is_ascii_digit()).map_or((s, "s"), |i| s.split_at(i));
    let n: u64 = num.parse().map_err(|_| format!("invalid duration {s:?}: use e.g. 30s, 2m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("invalid duration {s:?}: use e.g. 30s, 2m")),
    }
}

/// Renders a value in a machine format.
pub fn render<T: Serialize>(format: &Output, value: &T) -> anyhow::Result<String> {
    Ok(match format {
        // As cilium-dbg: indented JSON, then an empty line.
        Output::Json => format!("{}\n\n", serde_json::to_string_pretty(value)?),
        Output::Yaml => {
            let v = serde_json::to_value(value)?;
            let mut s = serde_saphyr::to_string(&v).map_err(|e| anyhow::anyhow!("{e}"))?;
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        }
        Output::JsonPath(t) => {
            let template = jsonpath::Template::parse(t).map_err(|e| anyhow::anyhow!("{e}"))?;
            format!(
                "{}\n",
                template
                    .render(&serde_json::to_value(value)?)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
            )
        }
    })
}

/// Writes to stdout once; a reader that went away (`| head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Turns colors on only for a terminal, and never with `NO_COLOR`.
pub fn init_color(no_color_env: bool) {
    colored::control::set_override(!no_color_env && std::io::stdout().is_terminal());
}

/// A state word, colored by meaning.
pub fn state_word(state: &str) -> String {
    match state {
        "Ok" | "OK" | "Reachable" | "Enabled" => state.green().to_string(),
        "Warning" | "Unknown" => state.yellow().to_string(),
        "Failure" | "Unreachable" | "error" => state.red().to_string(),
        _ => state.to_string(),
    }
}

/// Elastic columns like Go's tabwriter (min width 5, padding 3), as cilium-dbg prints tables.
pub fn columns(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let w = widths[i].max(5) + 3;
                s.push_str(&format!("{c:<w$}"));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
    out
}

/// Parses the `key=value` words of a rendered map entry.
pub fn words(s: &str) -> std::collections::BTreeMap<&str, &str> {
    s.split_whitespace().filter_map(|w| w.split_once('=')).collect()
}

/// A duration as Go prints one truncated to seconds: `45s`, `3m2s`, `1h0m5s`.
pub fn go_duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{}s", s / 60, s % 60),
        _ => format!("{}h{}m{}s", s / 3600, s / 60 % 60, s % 60),
    }
}
