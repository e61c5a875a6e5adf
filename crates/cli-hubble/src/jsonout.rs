//! JSON exactly as the Go CLI writes it: protojson (proto field names, enums as names, 64-bit
//! integers as strings, defaults omitted) re-encoded by Go's `encoding/json`, which escapes `<`,
//! `>`, `&`, U+2028 and U+2029. The generated serde impls give the protojson part; this module adds
//! Go's escaping and the field order of `GetFlowsResponse`, whose oneof comes first in the .proto
//! (pbjson writes oneofs last).

use agent_core::hubble::proto::observer::GetFlowsResponse;
use agent_core::hubble::proto::observer::get_flows_response::ResponseTypes;
use serde::Serialize;

/// Compact JSON of a message, escaped as Go's encoder does.
pub fn to_string<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    Ok(go_escape(&serde_json::to_string(v)?))
}

/// Two-space indented JSON (Go's `json.MarshalIndent(v, "", "  ")`).
pub fn to_string_pretty<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    Ok(go_escape(&serde_json::to_string_pretty(v)?))
}

/// One `GetFlowsResponse` as the Go CLI's `-o json` line, without the newline:
/// `{"flow":{…},"node_name":"…","time":"…"}`.
pub fn flows_response(res: &GetFlowsResponse) -> serde_json::Result<String> {
    let mut fields: Vec<String> = Vec::with_capacity(3);
    match &res.response_types {
        Some(ResponseTypes::Flow(f)) => fields.push(format!("\"flow\":{}", to_string(f)?)),
        Some(ResponseTypes::NodeStatus(n)) => {
            fields.push(format!("\"node_status\":{}", to_string(n)?));
        }
        Some(ResponseTypes::LostEvents(l)) => {
            fields.push(format!("\"lost_events\":{}", to_string(l)?));
        }
        None => {}
    }
    if !res.node_name.is_empty() {
        fields.push(format!("\"node_name\":{}", to_string(&res.node_name)?));
    }
    if let Some(t) = &res.time {
        fields.push(format!("\"time\":{}", to_string(t)?));
    }
    Ok(format!("{{{}}}", fields.join(",")))
}

/// Go's HTML-safe escaping; the characters can only occur inside JSON strings, so replacing them
/// anywhere is safe.
fn go_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use agent_core::hubble::proto::flow::Flow;
    use agent_core::hubble::timestamp::Timestamp;

    use super::*;

    #[test]
    fn envelope_puts_the_oneof_first_and_escapes_html() {
        let res = GetFlowsResponse {
            node_name: "vm<1>&".into(),
            time: Some(Timestamp { seconds: 1, nanos: 0 }),
            response_types: Some(ResponseTypes::Flow(Flow {
                summary: "a\u{2028}b".into(),
                ..Flow::default()
            })),
        };
        assert_eq!(
            flows_response(&res).expect("json"),
            r#"{"flow":{"Summary":"a\u2028b"},"node_name":"vm\u003c1\u003e\u0026","time":"1970-01-01T00:00:01Z"}"#
        );
        assert_eq!(flows_response(&GetFlowsResponse::default()).expect("json"), "{}");
    }
}
