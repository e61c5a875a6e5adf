//! A YAML tree that remembers where every node came from.
//!
//! Serde-driven YAML crates stop at the first error and lose positions once a value is
//! deserialized. Operators deserve every mistake of a config or policy file at once, each with
//! its line and column, so config and policy validation walk this tree themselves. JSON is YAML,
//! so the same tree serves JSON policies.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number, starting at 1.
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl From<Span> for Pos {
    fn from(span: Span) -> Self {
        Pos { line: span.start.line(), column: span.start.col() + 1 }
    }
}

/// One node of the tree with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// What the node holds.
    pub value: Value,
}

/// The content of a node. Scalars stay text: the reader decides what type it expects, so that
/// `port: "9962"` and `port: 9962` mean the same, as they do for environment variables.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar; `plain` is false when it was quoted or a block scalar (so `"null"` is a string).
    Scalar {
        /// The scalar's text after YAML unescaping.
        text: String,
        /// True for an unquoted scalar.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key's text.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Node {
    /// True for `~`, `null`, an empty plain scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// The scalar's text, if this is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A short name of the node's kind, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "null",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A document that is not valid YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct YamlError {
    /// Where the problem was found.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

/// Aliases can multiply a small document into a huge one ("billion laughs"); stop well before
/// that costs real memory.
const MAX_NODES: usize = 4_000_000;

/// Deepest nesting of sequences and mappings accepted. Policies and configs need a dozen
/// levels; the bound keeps every recursive walk of the tree (and its drop) far from the stack's
/// end, and under serde_json's own limit of 128 when the tree is stored as JSON.
pub const MAX_DEPTH: usize = 64;

enum Frame {
    Seq { pos: Pos, anchor: usize, items: Vec<Node> },
    Map { pos: Pos, anchor: usize, entries: Vec<Entry>, key: Option<(String, Pos)> },
}

/// Parses every document of a YAML stream. An empty stream gives no documents.
pub fn parse_documents(src: &str) -> Result<Vec<Node>, YamlError> {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut nodes = 0usize;

    for item in Parser::new_from_str(src) {
        let (event, span) = item.map_err(|e| YamlError {
            pos: Pos { line: e.marker().line(), column: e.marker().col() + 1 },
            message: e.info().to_string(),
        })?;
        let pos = Pos::from(span);
        let done = match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node {
                    pos,
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: matches!(style, ScalarStyle::Plain),
                    },
                };
                Some((node, anchor, 1))
            }
            Event::Alias(id) => {
                let (node, size) = anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    pos,
                    message: "alias refers to an unknown anchor".into(),
                })?;
                Some((node, 0, size))
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if stack.len() >= MAX_DEPTH => {
                return Err(YamlError {
                    pos,
                    message: format!("nested more than {MAX_DEPTH} levels deep"),
                });
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq { pos, anchor, items: Vec::new() });
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map { pos, anchor, entries: Vec::new(), key: None });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { pos, anchor, items }) => {
                    Some((Node { pos, value: Value::Seq(items) }, anchor, 1))
                }
                Some(Frame::Map { pos, anchor, entries, .. }) => {
                    Some((Node { pos, value: Value::Map(entries) }, anchor, 1))
                }
                None => None,
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => None,
        };
        let Some((node, anchor, size)) = done else { continue };
        nodes = nodes.saturating_add(size);
        if nodes > MAX_NODES {
            return Err(YamlError {
                pos,
                message: format!("document expands to more than {MAX_NODES} nodes (alias loop?)"),
            });
        }
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), subtree_size(&node)));
        }
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let Value::Scalar { text, .. } = node.value else {
                        return Err(YamlError {
                            pos: node.pos,
                            message: "mapping keys must be plain strings".into(),
                        });
                    };
                    if let Some(prev) = entries.iter().find(|e| e.key == text) {
                        return Err(YamlError {
                            pos: node.pos,
                            message: format!(
                                "duplicate key `{text}` (first defined at line {})",
                                prev.key_pos.line
                            ),
                        });
                    }
                    *key = Some((text, node.pos));
                }
                Some((k, key_pos)) => entries.push(Entry { key: k, key_pos, value: node }),
            },
        }
    }
    Ok(docs)
}

fn subtree_size(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(subtree_size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|e| subtree_size(&e.value)).sum::<usize>(),
    }
}

/// Renders a node back to JSON, for places that only need the data (no positions).
pub fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        _ if node.is_null() => serde_json::Value::Null,
        Value::Scalar { text, plain } => {
            if *plain {
                if let Ok(b) = text.parse::<bool>() {
                    return serde_json::Value::Bool(b);
                }
                if let Ok(i) = text.parse::<i64>() {
                    return serde_json::Value::from(i);
                }
                if let Ok(f) = text.parse::<f64>()
                    && f.is_finite()
                {
                    return serde_json::Value::from(f);
                }
            }
            serde_json::Value::String(text.clone())
        }
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => serde_json::Value::Object(
            entries.iter().map(|e| (e.key.clone(), to_json(&e.value))).collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Node {
        let mut docs = parse_documents(src).expect("valid yaml");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn positions_are_one_based() {
        let doc = one("cluster:\n  name: vm-cluster\n  id: 1\n");
        let Value::Map(top) = &doc.value else { panic!("map expected") };
        assert_eq!(top[0].key, "cluster");
        assert_eq!(top[0].key_pos, Pos { line: 1, column: 1 });
        let Value::Map(inner) = &top[0].value.value else { panic!("map expected") };
        assert_eq!(inner[1].key, "id");
        assert_eq!(inner[1].key_pos, Pos { line: 3, column: 3 });
        assert_eq!(inner[1].value.pos, Pos { line: 3, column: 7 });
    }

    #[test]
    fn quoted_scalars_are_not_plain() {
        let doc = one("a: \"null\"\nb: null\nc:\n");
        let Value::Map(m) = &doc.value else { panic!("map expected") };
        assert!(!m[0].value.is_null());
        assert!(m[1].value.is_null());
        assert!(m[2].value.is_null());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_documents("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos.line, 3);
        assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_documents("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }

    #[test]
    fn several_documents() {
        assert_eq!(parse_documents("a: 1\n---\nb: 2\n").expect("valid").len(), 2);
        assert!(parse_documents("").expect("valid").is_empty());
    }

    #[test]
    fn aliases_expand_but_bombs_stop() {
        let doc = one("x: &a [1, 2]\ny: *a\n");
        assert_eq!(to_json(&doc), serde_json::json!({"x": [1, 2], "y": [1, 2]}));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse_documents(&bomb).unwrap_err();
        assert!(err.message.contains("expands"), "{}", err.message);
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        parse_documents(&ok).expect("at the limit");
        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = parse_documents(&deep).unwrap_err();
        assert!(e.message.contains("levels deep"), "{}", e.message);
        // Far deeper than any stack could take recursively: refused, not crashed.
        let bomb = format!("{}1", "{a: ".repeat(100_000));
        assert!(parse_documents(&bomb).is_err());
    }

    #[test]
    fn json_is_yaml() {
        let doc = one(r#"{"a": [1, "two", true], "b": {"c": null}}"#);
        assert_eq!(to_json(&doc), serde_json::json!({"a": [1, "two", true], "b": {"c": null}}));
    }
}
