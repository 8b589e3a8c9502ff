//! Reads a YAML or JSON document into a JSON value plus a map from field paths to lines,
//! so every later error can say where in the file it is.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Yaml;

use super::path::{FieldPath, Segment};

/// Where a value starts in its source text (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Field path to source location, for documents read from text.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    locations: HashMap<FieldPath, Location>,
}

impl SourceMap {
    /// The location of `path`, or of its nearest ancestor that has one.
    pub fn locate(&self, path: &FieldPath) -> Option<Location> {
        path.ancestors()
            .find_map(|p| self.locations.get(&p).copied())
    }
}

/// A parsed document: its value and where each field came from.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    pub value: Value,
    pub map: SourceMap,
}

/// A document that is not well-formed YAML or JSON.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub message: String,
    pub location: Option<Location>,
}

/// Parses YAML (of which JSON is a subset) into a JSON value, rejecting what JSON cannot
/// hold (non-string keys, duplicate keys, several documents) with a located error.
pub fn parse_document(text: &str) -> Result<SourceDocument, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        return Err(
            unclosed_flow(text, &builder.opened_at, e.marker().line(), e.info()).unwrap_or_else(
                || SyntaxError {
                    message: e.info().to_string(),
                    location: Some(Location {
                        line: e.marker().line(),
                        column: e.marker().col() + 1,
                    }),
                },
            ),
        );
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    let value = builder.root.unwrap_or(Value::Null);
    Ok(SourceDocument {
        value,
        map: SourceMap {
            locations: builder.locations,
        },
    })
}

/// The parser notices an unclosed `[` or `{` only where the text stops making sense,
/// often lines later; the problem starts where it was opened, so say that line.
fn unclosed_flow(
    text: &str,
    opened_at: &[Marker],
    error_line: usize,
    info: &str,
) -> Option<SyntaxError> {
    let start = opened_at.iter().rev().find(|m| {
        m.line() < error_line && matches!(text.chars().nth(m.index()), Some('[' | '{'))
    })?;
    let bracket = text.chars().nth(start.index())?;
    let closing = if bracket == '[' { ']' } else { '}' };
    Some(SyntaxError {
        message: format!(
            "the '{bracket}' opened here is not closed with '{closing}' (the parser stopped at line {error_line}: {info})"
        ),
        location: Some(Location {
            line: start.line(),
            column: start.col() + 1,
        }),
    })
}

/// A container being filled while events arrive.
enum Open {
    Seq {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        entries: Map<String, Value>,
        pending_key: Option<String>,
        anchor: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    path: Vec<Segment>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    locations: HashMap<FieldPath, Location>,
    documents: usize,
    error: Option<SyntaxError>,
    /// Where each open container began (parallel to `stack`), so a parse error inside
    /// an unclosed `[` or `{` can point at where it was opened.
    opened_at: Vec<Marker>,
}

impl Builder {
    fn fail(&mut self, message: String, mark: Marker) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                message,
                location: Some(Location {
                    line: mark.line(),
                    column: mark.col() + 1,
                }),
            });
        }
    }

    /// The path of the value about to be inserted in the innermost container.
    fn next_segment(&self) -> Option<Segment> {
        match self.stack.last()? {
            Open::Seq { items, .. } => Some(Segment::Index(items.len())),
            Open::Map {
                pending_key: Some(k),
                ..
            } => Some(Segment::Key(k.clone())),
            Open::Map { .. } => None,
        }
    }

    fn record(&mut self, mark: Marker) {
        let mut segments = self.path.clone();
        if let Some(s) = self.next_segment() {
            segments.push(s);
        }
        let path = FieldPath::root();
        let path = segments.into_iter().fold(path, |p, s| match s {
            Segment::Key(k) => p.key(k),
            Segment::Index(i) => p.index(i),
        });
        self.locations.entry(path).or_insert(Location {
            line: mark.line(),
            column: mark.col() + 1,
        });
    }

    /// Is the innermost container a mapping waiting for its next key?
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Open::Map {
                pending_key: None,
                ..
            })
        )
    }

    fn insert(&mut self, value: Value, anchor: usize, mark: Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Open::Seq { items, .. }) => items.push(value),
            Some(Open::Map {
                entries,
                pending_key,
                ..
            }) => {
                if let Some(key) = pending_key.take() {
                    if entries.contains_key(&key) {
                        self.fail(format!("duplicate key '{key}'"), mark);
                        return;
                    }
                    entries.insert(key, value);
                }
            }
        }
    }
}

fn scalar_value(raw: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(raw);
    }
    match Yaml::from_str(&raw) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::String(raw)),
        _ => Value::String(raw),
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        "a file holds one document; found a second '---'".into(),
                        mark,
                    );
                }
            }
            Event::Scalar(raw, style, anchor, _) => {
                if self.expects_key() {
                    if let Some(Open::Map { pending_key, .. }) = self.stack.last_mut() {
                        *pending_key = Some(raw);
                    }
                    return;
                }
                self.record(mark);
                self.insert(scalar_value(raw, style), anchor, mark);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.expects_key() {
                    self.fail("mapping keys must be plain strings".into(), mark);
                    return;
                }
                self.record(mark);
                if let Some(s) = self.next_segment() {
                    self.path.push(s);
                }
                self.opened_at.push(mark);
                self.stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Open::Seq {
                            items: Vec::new(),
                            anchor,
                        }
                    } else {
                        Open::Map {
                            entries: Map::new(),
                            pending_key: None,
                            anchor,
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.opened_at.pop();
                let (value, anchor) = match self.stack.pop() {
                    Some(Open::Seq { items, anchor }) => (Value::Array(items), anchor),
                    Some(Open::Map {
                        entries, anchor, ..
                    }) => (Value::Object(entries), anchor),
                    None => return,
                };
                if !self.stack.is_empty() {
                    self.path.pop();
                }
                self.insert(value, anchor, mark);
            }
            Event::Alias(id) => {
                if self.expects_key() {
                    self.fail("mapping keys must be plain strings".into(), mark);
                    return;
                }
                match self.anchors.get(&id).cloned() {
                    Some(v) => {
                        self.record(mark);
                        self.insert(v, 0, mark);
                    }
                    None => self.fail("alias to an unknown anchor".into(), mark),
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_with_lines() {
        let doc = parse_document("id: a\nblocks:\n  - id: b\n    steps: []\n").unwrap();
        assert_eq!(doc.value["blocks"][0]["id"], "b");
        let p = FieldPath::root().key("blocks").index(0).key("id");
        assert_eq!(doc.map.locate(&p).unwrap().line, 3);
        let deeper = p.key("nothing");
        assert_eq!(doc.map.locate(&deeper).unwrap().line, 3);
    }

    #[test]
    fn reads_json_and_types() {
        let doc =
            parse_document(r#"{"a": 1, "b": "1", "c": true, "d": null, "e": [1.5]}"#).unwrap();
        assert_eq!(
            doc.value,
            serde_json::json!({"a":1,"b":"1","c":true,"d":null,"e":[1.5]})
        );
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let doc = parse_document("a: '1'\nb: \"true\"\n").unwrap();
        assert_eq!(doc.value, serde_json::json!({"a":"1","b":"true"}));
    }

    #[test]
    fn duplicate_keys_are_rejected_with_a_line() {
        let err = parse_document("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(err.message.contains("duplicate key 'a'"), "{}", err.message);
        assert_eq!(err.location.unwrap().line, 3);
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = parse_document("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert_eq!(err.location.unwrap().line, 2, "where the '[' was opened");
        assert!(
            err.message.contains("'[' opened here is not closed"),
            "{}",
            err.message
        );
        let err = parse_document("a: 1\nb:\n   c: 1\n  d: 2\n").unwrap_err();
        assert_eq!(err.location.unwrap().line, 4, "{}", err.message);
        let err = parse_document("a: 1\nb: \"open\nc: 3\n").unwrap_err();
        assert!(err.location.unwrap().line >= 2, "{}", err.message);
    }

    #[test]
    fn anchors_and_aliases_expand() {
        let doc = parse_document("x: &h {a: 1}\ny: *h\n").unwrap();
        assert_eq!(doc.value["y"]["a"], 1);
    }
}
