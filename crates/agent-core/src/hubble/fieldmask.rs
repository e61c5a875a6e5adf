//! `GetFlowsRequest.field_mask`: keep only the named fields of each flow (`time`, `IP.source`,
//! `l4.TCP.destination_port`: proto field names, dotted into messages), as upstream's server
//! does for clients that want small flows (`hubble observe --field-mask`).
//!
//! Masking goes through the flow's protojson form, which names fields as the paths do, so one
//! walk serves every message of the model. It costs a serialization per flow, paid only by
//! requests that ask for a mask.

use std::collections::BTreeMap;

use serde_json::Value;

use super::proto::flow::Flow;

/// A compiled mask: a tree of field names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldMask {
    /// The whole field is kept (its children do not matter).
    whole: bool,
    /// Field name -> what of it to keep.
    fields: BTreeMap<String, FieldMask>,
}

/// A path that names no field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid field mask path {0:?}")]
pub struct InvalidPath(pub String);

impl FieldMask {
    /// Compiles `paths`; `None` when there are none (keep everything).
    pub fn new(paths: &[String]) -> Result<Option<FieldMask>, InvalidPath> {
        if paths.is_empty() {
            return Ok(None);
        }
        let mut root = FieldMask::default();
        for path in paths {
            let valid =
                |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !path.split('.').all(valid) {
                return Err(InvalidPath(path.clone()));
            }
            let mut node = &mut root;
            for part in path.split('.') {
                if node.whole {
                    break;
                }
                node = node.fields.entry(part.to_string()).or_default();
            }
            node.whole = true;
            node.fields.clear();
        }
        Ok(Some(root))
    }

    /// The flow with only the masked fields set.
    pub fn apply(&self, flow: &Flow) -> Flow {
        let Ok(full) = serde_json::to_value(flow) else { return flow.clone() };
        serde_json::from_value(self.keep(&full)).unwrap_or_default()
    }

    fn keep(&self, v: &Value) -> Value {
        if self.whole {
            return v.clone();
        }
        let Value::Object(obj) = v else { return v.clone() };
        let mut out = serde_json::Map::new();
        for (name, sub) in &self.fields {
            if let Some(field) = obj.get(name) {
                out.insert(name.clone(), sub.keep(field));
            }
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubble::proto::flow::{Ip, Layer4, Tcp, Verdict, layer4};

    #[test]
    fn keeps_only_the_masked_fields() {
        let flow = Flow {
            verdict: Verdict::Dropped as i32,
            ip: Some(Ip {
                source: "192.168.1.12".into(),
                destination: "192.168.1.11".into(),
                ..Default::default()
            }),
            l4: Some(Layer4 {
                protocol: Some(layer4::Protocol::Tcp(Tcp {
                    source_port: 40000,
                    destination_port: 8080,
                    flags: None,
                })),
            }),
            node_name: "vm-cluster/vm2".into(),
            summary: "TCP Flags: SYN".into(),
            ..Default::default()
        };
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mask = FieldMask::new(&paths(&["verdict", "IP.source", "l4.TCP.destination_port"]))
            .expect("valid")
            .expect("a mask");
        let got = mask.apply(&flow);
        assert_eq!(got.verdict, Verdict::Dropped as i32);
        assert_eq!(
            got.ip.as_ref().map(|i| (i.source.as_str(), i.destination.as_str())),
            Some(("192.168.1.12", ""))
        );
        match got.l4.and_then(|l| l.protocol) {
            Some(layer4::Protocol::Tcp(t)) => {
                assert_eq!((t.source_port, t.destination_port), (0, 8080))
            }
            other => panic!("{other:?}"),
        }
        assert!(got.node_name.is_empty() && got.summary.is_empty());
        // A field asked for whole stays whole, whatever else names parts of it.
        let mask = FieldMask::new(&paths(&["IP", "IP.source"])).expect("valid").expect("mask");
        assert_eq!(mask.apply(&flow).ip, flow.ip);
        assert_eq!(FieldMask::new(&[]), Ok(None));
        assert!(FieldMask::new(&paths(&["IP..source"])).is_err());
    }
}
