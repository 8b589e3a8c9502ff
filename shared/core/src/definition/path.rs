//! Field paths inside a definition document (`blocks[0].steps[2].input.email`), used by every error.

use std::fmt;

/// One segment of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the document root to one value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// A new path one key deeper.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.into()));
        Self(segments)
    }

    /// A new path one array index deeper.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        Self(segments)
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The longest prefix, then the next shorter, down to the root: used to find the
    /// nearest line that the source map knows for a path.
    pub fn ancestors(&self) -> impl Iterator<Item = FieldPath> + '_ {
        (0..=self.0.len())
            .rev()
            .map(|n| FieldPath(self.0[..n].to_vec()))
    }

    /// Parses the path format that `serde_path_to_error` prints (`a.b[0].c`).
    pub fn parse_serde(raw: &str) -> Self {
        let mut segments = Vec::new();
        if raw == "." || raw.is_empty() {
            return Self(segments);
        }
        for part in raw.split('.') {
            let mut rest = part;
            if let Some(bracket) = rest.find('[') {
                if bracket > 0 {
                    segments.push(Segment::Key(rest[..bracket].to_string()));
                }
                rest = &rest[bracket..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let end = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(i) = stripped[..end].parse() {
                        segments.push(Segment::Index(i));
                    }
                    rest = stripped.get(end + 1..).unwrap_or("");
                }
            } else if !rest.is_empty() && rest != "?" {
                segments.push(Segment::Key(rest.to_string()));
            }
        }
        Self(segments)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_keys_and_indexes() {
        let p = FieldPath::root()
            .key("blocks")
            .index(0)
            .key("steps")
            .index(2)
            .key("input");
        assert_eq!(p.to_string(), "blocks[0].steps[2].input");
    }

    #[test]
    fn parses_serde_path_format() {
        let p = FieldPath::parse_serde("blocks[0].steps[2].query.app");
        assert_eq!(p.to_string(), "blocks[0].steps[2].query.app");
        assert!(FieldPath::parse_serde(".").is_root());
    }
}
