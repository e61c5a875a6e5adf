//! The `GetFlowsRequest` a command line asks for: which flows (`--last`, `--first`, `--all`,
//! `--follow`, `--since`, `--until`) and the filter lists, plus `--print-raw-filters`.

use agent_core::hubble::proto::flow::FlowFilter;
use agent_core::hubble::proto::observer::GetFlowsRequest;
use agent_core::hubble::timestamp::Timestamp;

use super::filters::Filters;
use crate::jsonout;
use crate::timefmt;

/// How many flows `hubble observe` prints when nothing else is asked.
pub const DEFAULT_LAST: u64 = 20;

/// The largest `--last` honoured for `--input-file` (the flows are kept in memory).
pub const MAX_LAST_FROM_FILE: u64 = 1_000_000;

/// The selector flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selectors {
    /// `--last N` (0 = not given).
    pub last: u64,
    /// `--first N` (0 = not given).
    pub first: u64,
    /// `--all`.
    pub all: bool,
    /// `--follow`.
    pub follow: bool,
    /// `--since`.
    pub since: Option<String>,
    /// `--until`.
    pub until: Option<String>,
}

/// A request the flags cannot make.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RequestError(pub String);

/// Builds the request; `from_file` drops the default of 20 flows (a file is read whole).
pub fn flows_request(
    sel: &Selectors,
    filters: Filters,
    allowlist: &[String],
    denylist: &[String],
    from_file: bool,
    now: Timestamp,
) -> Result<GetFlowsRequest, RequestError> {
    let e = |m: &str| Err(RequestError(m.into()));
    let (first, last) = (sel.first > 0, sel.last > 0);
    if first && last {
        return e("cannot set both --first and --last");
    }
    if first && sel.all {
        return e("cannot set both --first and --all");
    }
    if first && sel.follow {
        return e("cannot set both --first and --follow");
    }
    if last && sel.all {
        return e("cannot set both --last and --all");
    }
    let since = match &sel.since {
        Some(s) => Some(
            timefmt::parse_time(s, now)
                .map_err(|m| RequestError(format!("failed to parse the since time: {m}")))?,
        ),
        None => None,
    };
    // The server stops at "now" by itself; with --follow there is no end.
    let until = match &sel.until {
        Some(s) if !sel.follow => Some(
            timefmt::parse_time(s, now)
                .map_err(|m| RequestError(format!("failed to parse the until time: {m}")))?,
        ),
        _ => None,
    };
    let mut number = if first { sel.first } else { sel.last };
    if since.is_none() && until.is_none() && !first {
        if sel.all {
            number = u64::MAX;
        } else if !last && !sel.follow && !from_file {
            number = DEFAULT_LAST;
        }
    }
    let mut whitelist = filters.whitelist;
    whitelist.extend(
        raw_filters(allowlist)
            .map_err(|m| RequestError(format!("invalid --allowlist flag: {m}")))?,
    );
    let mut blacklist = filters.blacklist;
    blacklist.extend(
        raw_filters(denylist).map_err(|m| RequestError(format!("invalid --denylist flag: {m}")))?,
    );
    Ok(GetFlowsRequest {
        number,
        first,
        follow: sel.follow,
        whitelist,
        blacklist,
        since,
        until,
        ..GetFlowsRequest::default()
    })
}

/// `--allowlist`/`--denylist` values: FlowFilter JSON with proto field names; one value may hold
/// several objects one after another.
fn raw_filters(values: &[String]) -> Result<Vec<FlowFilter>, String> {
    let mut out = Vec::new();
    for v in values {
        for f in serde_json::Deserializer::from_str(v).into_iter::<FlowFilter>() {
            out.push(f.map_err(|e| format!("failed to decode '{v}': {e}"))?);
        }
    }
    Ok(out)
}

/// `--print-raw-filters`: the lists as YAML of JSON strings, as upstream prints them, ready to be
/// pasted into `--allowlist`/`--denylist`.
pub fn raw_filters_yaml(req: &GetFlowsRequest) -> serde_json::Result<String> {
    let mut out = String::new();
    for (key, list) in [("allowlist", &req.whitelist), ("denylist", &req.blacklist)] {
        if list.is_empty() {
            continue;
        }
        out.push_str(key);
        out.push_str(":\n");
        for f in list {
            let json = jsonout::to_string(f)?;
            // Flow-indicator first characters rule out plain YAML scalars; single quotes need
            // no escaping but of the quote itself.
            out.push_str(&format!("    - '{}'\n", json.replace('\'', "''")));
        }
    }
    if out.is_empty() {
        out.push_str("{}\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use agent_core::hubble::proto::flow::Verdict;

    use super::*;

    fn now() -> Timestamp {
        Timestamp::parse_rfc3339("2023-08-21T12:00:00Z").expect("now")
    }

    fn req(sel: Selectors) -> Result<GetFlowsRequest, RequestError> {
        flows_request(&sel, Filters::default(), &[], &[], false, now())
    }

    #[test]
    fn defaults_to_the_last_20() {
        let r = req(Selectors::default()).expect("request");
        assert_eq!((r.number, r.first, r.follow), (20, false, false));
        // A file is read whole unless --last says otherwise.
        let r = flows_request(&Selectors::default(), Filters::default(), &[], &[], true, now());
        assert_eq!(r.expect("request").number, 0);
    }

    #[test]
    fn selectors() {
        let r = req(Selectors { last: 5, ..Default::default() }).expect("last");
        assert_eq!((r.number, r.first), (5, false));
        let r = req(Selectors { first: 3, ..Default::default() }).expect("first");
        assert_eq!((r.number, r.first), (3, true));
        let r = req(Selectors { all: true, ..Default::default() }).expect("all");
        assert_eq!(r.number, u64::MAX);
        let r = req(Selectors { follow: true, ..Default::default() }).expect("follow");
        assert_eq!((r.number, r.follow), (0, true));
        let r = req(Selectors { follow: true, last: 10, ..Default::default() }).expect("follow");
        assert_eq!((r.number, r.follow), (10, true));
    }

    #[test]
    fn since_and_until() {
        let r = req(Selectors {
            since: Some("5m".into()),
            until: Some("2023-08-21T11:58:00Z".into()),
            ..Default::default()
        })
        .expect("request");
        assert_eq!(r.since, Timestamp::parse_rfc3339("2023-08-21T11:55:00Z"));
        assert_eq!(r.until, Timestamp::parse_rfc3339("2023-08-21T11:58:00Z"));
        assert_eq!(r.number, 0, "a time range replaces the default count");
        let r = req(Selectors { follow: true, until: Some("1m".into()), ..Default::default() });
        assert_eq!(r.expect("request").until, None, "--until is ignored with --follow");
        assert_eq!(
            req(Selectors { since: Some("soon".into()), ..Default::default() }),
            Err(RequestError(
                "failed to parse the since time: failed to convert soon to time".into()
            ))
        );
    }

    #[test]
    fn selector_conflicts() {
        let cases = [
            (Selectors { first: 1, last: 1, ..Default::default() }, "--first and --last"),
            (Selectors { first: 1, all: true, ..Default::default() }, "--first and --all"),
            (Selectors { first: 1, follow: true, ..Default::default() }, "--first and --follow"),
            (Selectors { last: 1, all: true, ..Default::default() }, "--last and --all"),
        ];
        for (sel, both) in cases {
            assert_eq!(req(sel), Err(RequestError(format!("cannot set both {both}"))));
        }
    }

    #[test]
    fn raw_filters_are_appended() {
        let filters = Filters {
            whitelist: vec![FlowFilter { source_port: vec!["1".into()], ..Default::default() }],
            blacklist: vec![],
        };
        let r = flows_request(
            &Selectors::default(),
            filters,
            &[r#"{"verdict":["DROPPED"]} {"destination_ip":["10.0.0.0/8"]}"#.into()],
            &[r#"{"source_identity":[2]}"#.into()],
            false,
            now(),
        )
        .expect("request");
        assert_eq!(r.whitelist.len(), 3);
        assert_eq!(r.whitelist[1].verdict, vec![Verdict::Dropped as i32]);
        assert_eq!(r.whitelist[2].destination_ip, vec!["10.0.0.0/8".to_string()]);
        assert_eq!(r.blacklist[0].source_identity, vec![2]);
        let bad = flows_request(
            &Selectors::default(),
            Filters::default(),
            &["{".into()],
            &[],
            false,
            now(),
        );
        assert!(
            bad.expect_err("bad json")
                .0
                .starts_with("invalid --allowlist flag: failed to decode '{'")
        );
    }

    #[test]
    fn raw_filters_print_as_yaml() {
        let r = flows_request(
            &Selectors::default(),
            Filters::default(),
            &[r#"{"source_label":["k8s:app=it's"]}"#.into()],
            &[r#"{"verdict":["DROPPED"],"destination_port":["22"]}"#.into()],
            false,
            now(),
        )
        .expect("request");
        assert_eq!(
            raw_filters_yaml(&r).expect("yaml"),
            "allowlist:\n    - '{\"source_label\":[\"k8s:app=it''s\"]}'\n\
             denylist:\n    - '{\"verdict\":[\"DROPPED\"],\"destination_port\":[\"22\"]}'\n"
        );
        let empty = req(Selectors::default()).expect("request");
        assert_eq!(raw_filters_yaml(&empty).expect("yaml"), "{}\n");
    }
}
