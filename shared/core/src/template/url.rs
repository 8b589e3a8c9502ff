//! URL templates: each value is encoded for the place it lands in. A value in a path or
//! query is percent-encoded as one component, so `../../etc` or `a?b=c#frag` stays one
//! segment; a value that makes the scheme or host (`{{ trigger.url }}`) is placed as it
//! is; `| raw_path` marks a value as a path of several segments. A rendered path may not
//! hold `.` or `..` segments, whatever wrote them.

use minijinja::{Environment, Error, Output, State, Value as JinjaValue};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{Context, TemplateError, Templates};

/// Private-use characters that frame each rendered value until it is placed.
const VALUE: char = '\u{E000}';
const RAW_PATH: char = '\u{E001}';
const END: char = '\u{E002}';

/// Everything but the unreserved characters of RFC 3986.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A component's set, keeping `/` between segments.
const PATH: &AsciiSet = &COMPONENT.remove(b'/');

fn unframed(text: &str) -> String {
    text.replace([VALUE, RAW_PATH, END], "\u{FFFD}")
}

fn plain_text(value: &JinjaValue) -> String {
    if value.is_undefined() || value.is_none() {
        String::new()
    } else {
        value.to_string()
    }
}

/// Frames every value so [`place`] can tell it from the template's own text.
fn framing_formatter(out: &mut Output, _: &State, value: &JinjaValue) -> Result<(), Error> {
    let text = plain_text(value);
    let framed = match text.strip_prefix(RAW_PATH) {
        // Only `raw_path` makes a safe string that starts so; every other value has
        // its framing characters replaced.
        Some(path) if value.is_safe() => format!("{RAW_PATH}{path}{END}"),
        _ => format!("{VALUE}{}{END}", unframed(&text)),
    };
    out.write_str(&framed).map_err(Error::from)
}

/// `raw_path` in URL templates: the value goes in as a path, its `/` kept.
fn raw_path_marker(value: JinjaValue) -> JinjaValue {
    JinjaValue::from_safe_string(format!("{RAW_PATH}{}", unframed(&plain_text(&value))))
}

/// `raw_path` anywhere else: nothing to encode, so the value itself.
pub(super) fn raw_path_identity(value: JinjaValue) -> JinjaValue {
    value
}

/// The environment URL templates render in: the shared one, framing its values.
pub(super) fn url_environment(base: &Environment<'static>) -> Environment<'static> {
    let mut env = base.clone();
    env.set_formatter(framing_formatter);
    env.add_filter("raw_path", raw_path_marker);
    env
}

/// Whether text written so far still leaves the next value in the scheme or host.
fn in_origin(written: &str) -> bool {
    match written.find("://") {
        Some(at) => !written[at + 3..].contains(['/', '?', '#']),
        None => !written.contains(['/', '?', '#']),
    }
}

/// Replaces each framed value by its encoding for where it stands.
fn place(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut rest = rendered;
    while let Some(start) = rest.find([VALUE, RAW_PATH]) {
        out.push_str(&rest[..start]);
        let kind = rest[start..].chars().next().expect("found");
        let body = &rest[start + kind.len_utf8()..];
        let end = body.find(END).unwrap_or(body.len());
        let value = &body[..end];
        if kind == RAW_PATH {
            out.extend(utf8_percent_encode(value, PATH));
        } else if in_origin(&out) {
            out.push_str(value);
        } else {
            out.extend(utf8_percent_encode(value, COMPONENT));
        }
        rest = body.get(end + END.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The first `.` or `..` segment of the target's path, spelt as it is.
fn dot_segment(target: &str) -> Option<&str> {
    let after_origin = match target.find("://") {
        Some(at) => {
            let rest = &target[at + 3..];
            &rest[rest.find('/').unwrap_or(rest.len())..]
        }
        None => target,
    };
    let path = after_origin.split(['?', '#']).next().unwrap_or_default();
    path.split('/').find(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    })
}

impl Templates {
    /// Renders a request target (a path or URL), encoding every value for its place.
    pub fn render_url(&self, source: &str, ctx: &Context) -> Result<String, TemplateError> {
        let target = if super::contains_template(source) {
            let template = self
                .url_texts
                .get_or_compile(source, |source| super::compiled::text(self.url_env, source))
                .map_err(|e| super::syntax(source, &e))?;
            let rendered = template
                .render(&ctx.0)
                .map_err(|e| self.eval_error(source, &e, ctx))?;
            place(&rendered)
        } else {
            source.to_string()
        };
        if let Some(segment) = dot_segment(&target) {
            return Err(TemplateError::Eval {
                template: source.to_string(),
                detail: format!(
                    "the path '{}' holds a '{segment}' segment, which would leave the path it is written under",
                    target.split(['?', '#']).next().unwrap_or_default()
                ),
            });
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn url(source: &str, ctx: serde_json::Value) -> Result<String, TemplateError> {
        Templates::new().render_url(source, &Context::from_json(&ctx))
    }

    #[test]
    fn values_in_a_path_or_query_are_one_component() {
        let ctx = json!({"p": "../../etc", "q": "a?b=c#frag", "n": 7, "s": "a b/é"});
        assert_eq!(
            url("/poke/{{ p }}", ctx.clone()).unwrap(),
            "/poke/..%2F..%2Fetc"
        );
        assert_eq!(
            url("/poke/{{ q }}?x={{ s }}&n={{ n }}", ctx.clone()).unwrap(),
            "/poke/a%3Fb%3Dc%23frag?x=a%20b%2F%C3%A9&n=7"
        );
        assert_eq!(
            url("https://api.test/v1/{{ q }}", ctx).unwrap(),
            "https://api.test/v1/a%3Fb%3Dc%23frag"
        );
    }

    #[test]
    fn a_value_that_makes_the_origin_is_placed_as_it_is() {
        let ctx = json!({"url": "https://hooks.test/in?x=1", "host": "eu.api.test", "id": "a/b"});
        assert_eq!(
            url("{{ url }}", ctx.clone()).unwrap(),
            "https://hooks.test/in?x=1"
        );
        assert_eq!(
            url("https://{{ host }}/items/{{ id }}", ctx).unwrap(),
            "https://eu.api.test/items/a%2Fb"
        );
    }

    #[test]
    fn raw_path_keeps_slashes_and_dot_segments_are_refused() {
        let ctx = json!({"path": "docs/2024 q1/report", "up": "..", "sneaky": "a/../../admin"});
        assert_eq!(
            url("/files/{{ path | raw_path }}", ctx.clone()).unwrap(),
            "/files/docs/2024%20q1/report"
        );
        for source in [
            "/files/{{ up }}",
            "/files/{{ sneaky | raw_path }}",
            "/a/%2E%2E/b",
        ] {
            let e = url(source, ctx.clone()).unwrap_err();
            assert!(
                e.to_string()
                    .contains("segment, which would leave the path"),
                "{source}: {e}"
            );
        }
        // A value cannot smuggle the markers that frame values.
        let ctx = json!({"x": "\u{E001}../x"});
        assert_eq!(url("/a/{{ x }}", ctx).unwrap(), "/a/%EF%BF%BD..%2Fx");
    }
}
