//! Validation of an app's webhook section: the actions it names exist, its templates
//! use only the names they are given, and every signature has a secret.

use super::scope::Scope;
use super::Report;
use crate::definition::{AppDefinition, FieldPath, Handshake, ValueAt, WebhookSpec};
use crate::template::Templates;
use crate::webhooks::SignatureScheme;

pub(crate) fn check_webhook(
    t: &Templates,
    report: &mut Report,
    path: &FieldPath,
    app: &AppDefinition,
    spec: &WebhookSpec,
) {
    match (&spec.signature, &spec.secret) {
        (Some(_), None) => report.push(
            &path.key("secret"),
            "a signed webhook needs the secret, e.g. '{{ subscription.secret }}'",
        ),
        (None, Some(_)) => report.push(
            &path.key("signature"),
            "a secret is given but no signature scheme to check it with",
        ),
        (_, Some(secret)) => {
            Scope::with_roots(&["setup", "subscription"]).check_str(
                t,
                report,
                &path.key("secret"),
                secret,
            );
        }
        _ => {}
    }
    if let Some(SignatureScheme::Hmac { header, .. }) = &spec.signature {
        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
            report.push(
                &path.key("signature").key("header"),
                format!("'{header}' is not a valid header name"),
            );
        }
    }
    for (field, at) in [
        ("delivery_id", &spec.delivery_id),
        ("event_type", &spec.event_type),
    ] {
        match at {
            Some(ValueAt::Header(h))
                if reqwest::header::HeaderName::from_bytes(h.as_bytes()).is_err() =>
            {
                report.push(
                    &path.key(field).key("header"),
                    format!("'{h}' is not a valid header name"),
                )
            }
            Some(ValueAt::Body(p)) if p.trim().is_empty() => {
                report.push(&path.key(field).key("body"), "must not be empty")
            }
            _ => {}
        }
    }
    if let Some(Handshake::EchoQuery { param }) = &spec.handshake {
        if param.trim().is_empty() {
            report.push(&path.key("handshake").key("param"), "must not be empty");
        }
    }
    if let Some(sub) = &spec.subscribe {
        let path = path.key("subscribe");
        if !app.actions.contains_key(&sub.action) {
            report.push(
                &path.key("action"),
                format!("app '{}' has no action '{}'", app.id, sub.action),
            );
        }
        let scope = Scope::with_roots(&["webhook", "setup"]);
        for (name, value) in &sub.input {
            scope.check_value(t, report, &path.key("input").key(name), value);
        }
    }
    if let Some(unsub) = &spec.unsubscribe {
        let path = path.key("unsubscribe");
        if spec.subscribe.is_none() {
            report.push(&path, "an app that unsubscribes must also subscribe");
        }
        if !app.actions.contains_key(&unsub.action) {
            report.push(
                &path.key("action"),
                format!("app '{}' has no action '{}'", app.id, unsub.action),
            );
        }
        let scope = Scope::with_roots(&["subscription", "setup"]);
        for (name, value) in &unsub.input {
            scope.check_value(t, report, &path.key("input").key(name), value);
        }
    }
}
