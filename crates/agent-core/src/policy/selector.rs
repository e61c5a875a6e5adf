//! Label selectors against a VM's labels.
//!
//! A VM's labels are plain `key: value` pairs (config `labels:`, runtime labels, and
//! `cluster: <name>`), plus reserved labels such as `reserved:host`. Selector keys may carry a
//! Cilium source prefix (`k8s:app`, `any:app`): the prefix is ignored, except `reserved:`,
//! which only matches reserved labels.

use std::collections::BTreeMap;

use super::types::{Operator, Selector};

/// Label sources whose prefix a selector key may carry.
const SOURCES: &[&str] = &["any:", "k8s:", "unspec:", "container:", "cilium:"];

fn normalize(key: &str) -> &str {
    SOURCES.iter().find_map(|s| key.strip_prefix(s)).unwrap_or(key)
}

impl Selector {
    /// True when `labels` satisfy every `matchLabels` pair and every expression.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let get = |k: &str| labels.get(normalize(k));
        self.match_labels.iter().all(|(k, v)| get(k) == Some(v))
            && self.match_expressions.iter().all(|e| {
                let value = get(&e.key);
                match e.operator {
                    Operator::In => value.is_some_and(|v| e.values.contains(v)),
                    Operator::NotIn => value.is_none_or(|v| !e.values.contains(v)),
                    Operator::Exists => value.is_some(),
                    Operator::DoesNotExist => value.is_none(),
                }
            })
    }

    /// True when a label or expression is about `key` (with any source prefix).
    pub fn names_key(&self, key: &str) -> bool {
        self.match_labels.keys().any(|k| normalize(k) == key)
            || self.match_expressions.iter().any(|e| normalize(&e.key) == key)
    }

    /// True for `{}`.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::types::Expression;
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn sel(ml: &[(&str, &str)], exprs: Vec<Expression>) -> Selector {
        Selector { match_labels: labels(ml), match_expressions: exprs }
    }

    fn expr(key: &str, op: Operator, values: &[&str]) -> Expression {
        Expression {
            key: key.into(),
            operator: op,
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn selectors() {
        let vm = labels(&[
            ("app", "backend"),
            ("env", "production"),
            ("cluster", "vm-cluster"),
            ("reserved:host", ""),
        ]);
        let cases: Vec<(Selector, bool)> = vec![
            (Selector::default(), true),
            (sel(&[("app", "backend")], vec![]), true),
            (sel(&[("k8s:app", "backend")], vec![]), true),
            (sel(&[("any:app", "backend")], vec![]), true),
            (sel(&[("app", "frontend")], vec![]), false),
            (sel(&[("app", "backend"), ("env", "staging")], vec![]), false),
            (sel(&[("reserved:host", "")], vec![]), true),
            (sel(&[("io.kubernetes.pod.namespace", "default")], vec![]), false),
            (sel(&[], vec![expr("env", Operator::In, &["production", "staging"])]), true),
            (sel(&[], vec![expr("env", Operator::NotIn, &["production"])]), false),
            (sel(&[], vec![expr("tier", Operator::NotIn, &["db"])]), true),
            (sel(&[], vec![expr("app", Operator::Exists, &[])]), true),
            (sel(&[], vec![expr("tier", Operator::DoesNotExist, &[])]), true),
            (sel(&[], vec![expr("app", Operator::DoesNotExist, &[])]), false),
        ];
        for (i, (s, want)) in cases.iter().enumerate() {
            assert_eq!(s.matches(&vm), *want, "case {i}: {s:?}");
        }
    }
}
