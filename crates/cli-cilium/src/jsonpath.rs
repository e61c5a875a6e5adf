//! Kubernetes-style JSONPath templates for `-o jsonpath=...`, as `kubectl` and `cilium-dbg`
//! accept them: text with `{...}` expressions such as `{.cilium.state}`,
//! `{.cluster.nodes[*].name}` or `{['host-firewall'].mode}`. Missing keys print nothing.
//! `range`/`end` blocks are not supported.

use serde_json::Value;

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Expr(Vec<Step>),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Wildcard,
}

impl Template {
    /// Parses a template.
    pub fn parse(src: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = src;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let close = rest[open..].find('}').ok_or("unclosed `{`")? + open;
            parts.push(Part::Expr(parse_expr(rest[open + 1..close].trim())?));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// Renders the template against a value.
    pub fn render(&self, root: &Value) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Expr(steps) => {
                    let found = eval(root, steps);
                    let words: Vec<String> = found
                        .into_iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect();
                    out.push_str(&words.join(" "));
                }
            }
        }
        Ok(out)
    }
}

fn parse_expr(src: &str) -> Result<Vec<Step>, String> {
    if src.starts_with("range") || src == "end" {
        return Err("range/end blocks are not supported".into());
    }
    let mut s = src.strip_prefix('$').or_else(|| src.strip_prefix('@')).unwrap_or(src);
    let mut steps = Vec::new();
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            match name {
                "" if end == r.len() => {}
                "" => {}
                "*" => steps.push(Step::Wildcard),
                _ => steps.push(Step::Field(name.to_string())),
            }
            s = &r[end..];
        } else if let Some(r) = s.strip_prefix('[') {
            let end = r.find(']').ok_or_else(|| format!("unclosed `[` in {src:?}"))?;
            let inner = r[..end].trim();
            let step = if inner == "*" {
                Step::Wildcard
            } else if let Some(q) = inner.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')) {
                Step::Field(q.to_string())
            } else if let Some(q) = inner.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
                Step::Field(q.to_string())
            } else {
                Step::Index(
                    inner.parse().map_err(|_| format!("invalid index [{inner}] in {src:?}"))?,
                )
            };
            steps.push(step);
            s = &r[end + 1..];
        } else {
            return Err(format!("unexpected {s:?} in {src:?}: expressions look like .a.b[0]"));
        }
    }
    Ok(steps)
}

fn eval<'a>(root: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let mut current = vec![root];
    for step in steps {
        let mut next = Vec::new();
        for v in current {
            match (step, v) {
                (Step::Field(f), Value::Object(m)) => next.extend(m.get(f)),
                (Step::Index(i), Value::Array(a)) => {
                    let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                    if idx >= 0 {
                        next.extend(a.get(idx as usize));
                    }
                }
                (Step::Wildcard, Value::Array(a)) => next.extend(a.iter()),
                (Step::Wildcard, Value::Object(m)) => next.extend(m.values()),
                _ => {}
            }
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(t: &str, v: &Value) -> String {
        Template::parse(t).expect("valid").render(v).expect("renders")
    }

    #[test]
    fn templates() {
        let v = json!({"cilium": {"state": "Ok"}, "host-firewall": {"mode": "Enabled"},
                       "cluster": {"nodes": [{"name": "vm1"}, {"name": "vm2"}]}});
        assert_eq!(render("{.cilium.state}", &v), "Ok");
        assert_eq!(render("state={.cilium.state}!", &v), "state=Ok!");
        assert_eq!(render("{['host-firewall'].mode}", &v), "Enabled");
        assert_eq!(render("{.cluster.nodes[*].name}", &v), "vm1 vm2");
        assert_eq!(render("{.cluster.nodes[-1].name}", &v), "vm2");
        assert_eq!(render("{.missing.key}", &v), "");
        assert_eq!(render("{.cilium}", &v), r#"{"state":"Ok"}"#);
        assert!(Template::parse("{.a").is_err());
        assert!(Template::parse("{range .items[*]}").is_err());
    }
}
