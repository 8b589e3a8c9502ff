//! Compiled templates and expressions kept by their source text, so that the templates
//! of a flow and its apps are parsed once rather than on every run: compiling them
//! anew was 1.4% of a busy server's CPU per webhook run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use minijinja::{Environment, Expression};

/// Sources kept per kind at most; past it a cache starts over empty. Far more than the
/// templates of the flows in use, and a bound on the memory they take: a kept text
/// template measured about 6 KB, its copy of the environment included, so at most
/// about 6 MB per kind.
const MOST_KEPT: usize = 1_024;

/// A text template compiled into an environment of its own, where it is the one
/// template: minijinja keeps a template past the text it was compiled from only in an
/// environment's store (`template_from_str` borrows the text for the environment's
/// whole lifetime). The copy's maps of filters and settings are its own (about 6 KB
/// with the template); the functions they name are shared.
pub(super) struct OwnedTemplate {
    env: Environment<'static>,
}

/// The name it has there: the one `template_from_str` gives inline templates.
const NAME: &str = "<string>";

impl OwnedTemplate {
    /// The template rendered in `ctx`.
    pub(super) fn render(&self, ctx: &minijinja::Value) -> Result<String, minijinja::Error> {
        self.env.get_template(NAME)?.render(ctx)
    }
}

/// An expression compiled from a source it owns.
pub(super) type OwnedExpression = Expression<'static, 'static>;

/// Compiled forms by source text. Compile errors are not kept: the next use reports
/// them again.
pub(super) struct Compiled<T> {
    by_source: Mutex<HashMap<Box<str>, Arc<T>>>,
}

impl<T> Default for Compiled<T> {
    fn default() -> Self {
        Self {
            by_source: Mutex::default(),
        }
    }
}

impl<T> Compiled<T> {
    /// The compiled form of `source`, compiled with `compile` if it is not kept yet.
    pub(super) fn get_or_compile<E>(
        &self,
        source: &str,
        compile: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let mut kept = self.by_source.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(compiled) = kept.get(source) {
            return Ok(compiled.clone());
        }
        let compiled = Arc::new(compile(source)?);
        if kept.len() >= MOST_KEPT {
            kept.clear();
        }
        kept.insert(source.into(), compiled.clone());
        Ok(compiled)
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.by_source.lock().unwrap().len()
    }
}

/// `source` compiled as a text template of `env`.
pub(super) fn text(
    env: &'static Environment<'static>,
    source: &str,
) -> Result<OwnedTemplate, minijinja::Error> {
    let mut env = env.clone();
    env.add_template_owned(NAME, source.to_string())?;
    Ok(OwnedTemplate { env })
}

/// `source` compiled as an expression of `env`.
pub(super) fn expression(
    env: &'static Environment<'static>,
    source: &str,
) -> Result<OwnedExpression, minijinja::Error> {
    env.compile_expression_owned(source.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_compiled_once_and_errors_are_not_kept() {
        let compiled = Compiled::<String>::default();
        let mut compiles = 0;
        for _ in 0..3 {
            let got = compiled
                .get_or_compile("a", |s| {
                    compiles += 1;
                    Ok::<_, ()>(s.to_uppercase())
                })
                .unwrap();
            assert_eq!(*got, "A");
        }
        assert_eq!(compiles, 1);
        assert!(compiled.get_or_compile("bad", |_| Err(())).is_err());
        assert_eq!(compiled.len(), 1);
    }

    #[test]
    fn what_is_kept_is_bounded() {
        let compiled = Compiled::<usize>::default();
        for i in 0..MOST_KEPT + 10 {
            compiled
                .get_or_compile(&i.to_string(), |_| Ok::<_, ()>(i))
                .unwrap();
        }
        assert!(compiled.len() <= MOST_KEPT);
    }
}
