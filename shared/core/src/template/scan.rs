//! Cheap textual checks on template strings, done before handing them to minijinja.

/// Does the string hold any template syntax at all? Plain strings skip the engine.
pub fn contains_template(source: &str) -> bool {
    source.contains("{{") || source.contains("{%") || source.contains("{#")
}

/// If the whole string is one `{{ expression }}`, the expression; its value keeps its
/// JSON type instead of being rendered to text.
pub fn single_expression(source: &str) -> Option<&str> {
    let trimmed = source.trim();
    let inner = trimmed.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") || inner.contains("{#")
    {
        return None;
    }
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    (!inner.trim().is_empty()).then_some(inner)
}
