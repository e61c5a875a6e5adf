//! `--input-file`: replays flows saved with `hubble observe -o json` (or a bare `Flow` per
//! line, as the legacy JSON output wrote them) instead of asking a server. The request's filters
//! and selectors are applied here, as the server would apply them.

use std::collections::VecDeque;
use std::io::{self, BufRead};

use agent_core::hubble::fieldmask::{FieldMask, InvalidPath};
use agent_core::hubble::filter::{FilterError, FlowFilters};
use agent_core::hubble::proto::flow::Flow;
use agent_core::hubble::proto::observer::GetFlowsRequest;
use agent_core::hubble::proto::observer::GetFlowsResponse;
use agent_core::hubble::proto::observer::get_flows_response::ResponseTypes;

use super::request::MAX_LAST_FROM_FILE;

/// Why a file cannot be replayed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The filters do not compile.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// A field mask path that names no field.
    #[error(transparent)]
    FieldMask(#[from] InvalidPath),
    /// `--last` too large to keep in memory.
    #[error("--last must be <= 1_000_000, got {0}")]
    TooMany(u64),
    /// Reading the file (or writing the output) failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Reads `input` line by line and hands every selected response to `emit`; lines that are not
/// flows are reported to `warn` and skipped.
pub fn replay(
    input: impl BufRead,
    req: &GetFlowsRequest,
    mut emit: impl FnMut(&GetFlowsResponse) -> io::Result<()>,
    mut warn: impl FnMut(&str),
) -> Result<(), InputError> {
    let filters = FlowFilters::compile(&req.whitelist, &req.blacklist)?;
    let paths = req.field_mask.as_ref().map(|m| m.paths.clone()).unwrap_or_default();
    let mask = FieldMask::new(&paths)?;
    let mut emit = |res: &GetFlowsResponse| match (&mask, &res.response_types) {
        (Some(m), Some(ResponseTypes::Flow(f))) => emit(&GetFlowsResponse {
            response_types: Some(ResponseTypes::Flow(m.apply(f))),
            ..res.clone()
        }),
        _ => emit(res),
    };
    let n = req.number;
    let bounded = n != 0 && n != u64::MAX;
    // As the server: `since` is where reading starts, so a count runs forward from it.
    let forward = req.first || req.since.is_some();
    let last = bounded && !forward;
    if last && n > MAX_LAST_FROM_FILE {
        return Err(InputError::TooMany(n));
    }
    let mut ring: VecDeque<GetFlowsResponse> = VecDeque::new();
    let mut returned = 0u64;
    for line in input.lines() {
        if bounded && forward && returned >= n {
            break;
        }
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let res = match parse_line(&line) {
            Ok(r) => r,
            Err(e) => {
                warn(&format!("Failed to unmarshal json to flow: {e}: {line}"));
                continue;
            }
        };
        if !selected(&res, req, &filters) {
            continue;
        }
        if last {
            if ring.len() as u64 == n {
                ring.pop_front();
            }
            ring.push_back(res);
        } else {
            returned += 1;
            emit(&res)?;
        }
    }
    for res in &ring {
        emit(res)?;
    }
    Ok(())
}

/// A `GetFlowsResponse` line, or a bare `Flow` wrapped into one.
fn parse_line(line: &str) -> Result<GetFlowsResponse, serde_json::Error> {
    let res: GetFlowsResponse = serde_json::from_str(line)?;
    if res.response_types.is_some() {
        return Ok(res);
    }
    // Unknown fields are skipped, so a bare Flow parses as an empty envelope that only kept the
    // names the two share (`time`, `node_name`).
    let flow: Flow = serde_json::from_str(line)?;
    if flow == Flow::default() {
        return Ok(res);
    }
    Ok(GetFlowsResponse {
        node_name: flow.node_name.clone(),
        time: flow.time,
        response_types: Some(ResponseTypes::Flow(flow)),
    })
}

fn selected(res: &GetFlowsResponse, req: &GetFlowsRequest, filters: &FlowFilters) -> bool {
    if res.response_types.is_none() {
        return false;
    }
    let t = res.time.unwrap_or_default();
    if req.since.is_some_and(|since| t < since) || req.until.is_some_and(|until| t > until) {
        return false;
    }
    match &res.response_types {
        Some(ResponseTypes::Flow(f)) => filters.matches(f),
        // Upstream matches other events as if they were an empty flow.
        _ => filters.matches(&Flow::default()),
    }
}

#[cfg(test)]
mod tests {
    use agent_core::hubble::proto::flow::{FlowFilter, Verdict};
    use agent_core::hubble::timestamp::Timestamp;

    use super::*;
    use crate::jsonout;
    use crate::testdata;

    fn file() -> String {
        let mut s = String::new();
        for r in testdata::responses() {
            s.push_str(&jsonout::flows_response(&r).expect("json"));
            s.push('\n');
        }
        s
    }

    fn uuids(req: &GetFlowsRequest, input: &str) -> (Vec<String>, Vec<String>) {
        let mut got = Vec::new();
        let mut warnings = Vec::new();
        replay(
            input.as_bytes(),
            req,
            |r| {
                got.push(match &r.response_types {
                    Some(ResponseTypes::Flow(f)) => f.uuid[f.uuid.len() - 1..].to_string(),
                    _ => "lost".into(),
                });
                Ok(())
            },
            |w| warnings.push(w.to_string()),
        )
        .expect("replay");
        (got, warnings)
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn everything_without_selectors() {
        let (got, warnings) = uuids(&GetFlowsRequest::default(), &file());
        assert_eq!(got, ids(&["1", "2", "3", "4", "5", "6", "lost"]));
        assert!(warnings.is_empty());
    }

    #[test]
    fn last_first_and_all() {
        let req = |number, first| GetFlowsRequest { number, first, ..Default::default() };
        assert_eq!(uuids(&req(2, false), &file()).0, ids(&["6", "lost"]));
        assert_eq!(uuids(&req(2, true), &file()).0, ids(&["1", "2"]));
        assert_eq!(uuids(&req(u64::MAX, false), &file()).0.len(), 7);
        let too_many = replay(&b""[..], &req(2_000_000, false), |_| Ok(()), |_| {});
        assert!(matches!(too_many, Err(InputError::TooMany(2_000_000))));
    }

    #[test]
    fn since_and_until() {
        let req = GetFlowsRequest {
            since: Timestamp::parse_rfc3339("2023-08-21T12:12:19Z"),
            until: Timestamp::parse_rfc3339("2023-08-21T12:12:21Z"),
            ..Default::default()
        };
        assert_eq!(uuids(&req, &file()).0, ids(&["2", "3"]));
    }

    #[test]
    fn filters_apply_and_lost_events_count_as_empty_flows() {
        let req = GetFlowsRequest {
            whitelist: vec![FlowFilter {
                verdict: vec![Verdict::Audit as i32],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(uuids(&req, &file()).0, ids(&["3"]));
        let req = GetFlowsRequest {
            blacklist: vec![FlowFilter {
                source_ip: vec!["192.168.1.10".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(uuids(&req, &file()).0, ids(&["2", "3", "4", "6", "lost"]));
    }

    #[test]
    fn bare_flows_and_garbage() {
        let bare = serde_json::to_string(&testdata::drop_policy()).expect("json");
        let input = format!("not json\n\n{bare}\n{{}}\n");
        let (got, warnings) = uuids(&GetFlowsRequest::default(), &input);
        assert_eq!(got, ids(&["2"]));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("Failed to unmarshal json to flow: "), "{warnings:?}");
        assert!(warnings[0].ends_with(": not json"), "{warnings:?}");
    }
}
