//! Tests of template evaluation and variable discovery.

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn ctx() -> Context {
    Context::from_json(&json!({
        "trigger": {"body": {"email": "a@b.c", "count": 3, "tags": ["x", "y"]}},
        "steps": {"find": {"output": {"id": 42, "obj": {"k": true}}}},
        "setup": {"list_id": "L1"},
    }))
}

#[test]
fn single_expression_keeps_json_type() {
    let t = Templates::new();
    assert_eq!(
        t.render_str("{{ trigger.body.count }}", &ctx()).unwrap(),
        json!(3)
    );
    assert_eq!(
        t.render_str(" {{ steps.find.output.obj }} ", &ctx())
            .unwrap(),
        json!({"k": true})
    );
    assert_eq!(
        t.render_str("{{ trigger.body.tags }}", &ctx()).unwrap(),
        json!(["x", "y"])
    );
}

#[test]
fn mixed_text_renders_a_string() {
    let t = Templates::new();
    let v = t
        .render_str(
            "id={{ steps.find.output.id }} list={{ setup.list_id }}",
            &ctx(),
        )
        .unwrap();
    assert_eq!(v, json!("id=42 list=L1"));
}

#[test]
fn filters_work() {
    let t = Templates::new();
    assert_eq!(
        t.render_str("{{ trigger.body.email | upper }}", &ctx())
            .unwrap(),
        json!("A@B.C")
    );
    assert_eq!(
        t.render_str("{{ trigger.body.tags | length }}", &ctx())
            .unwrap(),
        json!(2)
    );
}

#[test]
fn undefined_variable_is_an_error_naming_it() {
    let t = Templates::new();
    let err = t
        .render_str("{{ steps.lookup.output.id }}", &ctx())
        .unwrap_err();
    assert_eq!(
        err,
        TemplateError::Undefined {
            template: "{{ steps.lookup.output.id }}".into(),
            variable: "steps.lookup".into()
        }
    );
    let err = t.render_str("hello {{ setup.nope }}", &ctx()).unwrap_err();
    assert!(
        matches!(err, TemplateError::Undefined { ref variable, .. } if variable == "setup.nope"),
        "{err:?}"
    );
}

#[test]
fn syntax_errors_are_reported() {
    let t = Templates::new();
    assert!(matches!(
        t.variables("{{ a. }}"),
        Err(TemplateError::Syntax { .. })
    ));
    assert!(matches!(
        t.variables("{% if x %}"),
        Err(TemplateError::Syntax { .. })
    ));
}

#[test]
fn variables_are_dotted_paths() {
    let t = Templates::new();
    let vars = t
        .variables("{{ steps.find.output.id }}-{{ setup.list_id }}")
        .unwrap();
    assert!(vars.contains("steps.find.output.id"), "{vars:?}");
    assert!(vars.contains("setup.list_id"));
}

#[test]
fn render_keeps_shape_of_objects() {
    let t = Templates::new();
    let v = t
        .render(
            &json!({"a": ["{{ trigger.body.count }}", 1], "b": {"c": "{{ setup.list_id }}"}}),
            &ctx(),
        )
        .unwrap();
    assert_eq!(v, json!({"a": [3, 1], "b": {"c": "L1"}}));
}

#[test]
fn runaway_templates_are_stopped() {
    let t = Templates::new();
    let err = t
        .render_str(
            "{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}",
            &ctx(),
        )
        .unwrap_err();
    assert!(matches!(err, TemplateError::Eval { .. }), "{err:?}");
}

proptest! {
    #[test]
    fn evaluation_never_panics(source in "\\PC{0,60}") {
        let t = Templates::new();
        let _ = t.variables(&source);
        let _ = t.render_str(&source, &ctx());
    }

    #[test]
    fn expressions_never_panic(expr in "[a-z_.|()\\[\\]0-9 +*/\"'~-]{0,40}") {
        let t = Templates::new();
        let source = format!("{{{{ {expr} }}}}");
        let _ = t.variables(&source);
        let _ = t.render_str(&source, &ctx());
    }
}

#[test]
fn mapped_applies_a_field_mapping_to_a_record() {
    let t = Templates::new();
    let ctx = Context::from_json(&json!({
        "setup": {"map": {"FNAME": "first_name", "CITY": "address.city", "PHONE": "phone"}},
        "trigger": {"contact": {"first_name": "Ada", "address": {"city": "London"}}},
    }));
    assert_eq!(
        t.render_str("{{ setup.map | mapped(trigger.contact) }}", &ctx)
            .unwrap(),
        json!({"FNAME": "Ada", "CITY": "London"}),
        "a field the record lacks is left out"
    );
    let ctx = Context::from_json(&json!({"setup": {"map": null}, "c": {}}));
    assert_eq!(
        t.render_str("{{ setup.map | mapped(c) }}", &ctx).unwrap(),
        json!({})
    );
    let ctx = Context::from_json(&json!({"setup": {"map": ["x"]}, "c": {}}));
    let err = t
        .render_str("{{ setup.map | mapped(c) }}", &ctx)
        .unwrap_err();
    assert!(err.to_string().contains("must be an object"), "{err}");
    let ctx = Context::from_json(&json!({"setup": {"map": {"A": 3}}, "c": {}}));
    let err = t
        .render_str("{{ setup.map | mapped(c) }}", &ctx)
        .unwrap_err();
    assert!(err.to_string().contains("target 'A'"), "{err}");
}

#[test]
fn compiled_templates_are_kept_but_each_use_renders_its_own_context() {
    let t = Templates::new();
    let other = Context::from_json(&json!({
        "trigger": {"body": {"email": "z@y.x", "count": 9}},
        "setup": {"list_id": "L2"},
    }));
    for _ in 0..2 {
        assert_eq!(
            t.render_str("{{ trigger.body.count }}", &ctx()).unwrap(),
            json!(3)
        );
        assert_eq!(
            t.render_str("{{ trigger.body.count }}", &other).unwrap(),
            json!(9)
        );
        assert_eq!(
            t.render_str("to {{ trigger.body.email }}", &other).unwrap(),
            json!("to z@y.x")
        );
        assert_eq!(
            t.render_url("/lists/{{ setup.list_id }}", &other).unwrap(),
            "/lists/L2"
        );
        // An undefined variable is still named on the kept template's second use.
        assert!(matches!(
            t.render_str("id={{ steps.find.output.id }}", &other),
            Err(TemplateError::Undefined { variable, .. }) if variable == "steps"
        ));
    }
    assert_eq!(t.expressions.len(), 1);
    assert_eq!(t.texts.len(), 2);
    assert_eq!(t.url_texts.len(), 1);
}
