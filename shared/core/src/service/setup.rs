//! Setup values checked against a flow's form: known fields, required ones present,
//! values of the field's type and among its static options, dependencies filled in.
//! Defaults fill the gaps, as when a user leaves a field untouched.

use serde_json::{Map, Value};

use crate::definition::{FieldKind, FormField, Problem, SetupForm};

fn problem(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        path: format!("setup.{field}"),
        line: None,
        message: message.into(),
    }
}

fn fits(field: &FormField, value: &Value) -> Result<(), String> {
    let option_values = || {
        field
            .options
            .iter()
            .flatten()
            .map(|o| &o.value)
            .collect::<Vec<_>>()
    };
    match field.kind {
        FieldKind::Text if !value.is_string() => Err("must be text".into()),
        FieldKind::Number if !value.is_number() => Err("must be a number".into()),
        FieldKind::Boolean if !value.is_boolean() => Err("must be true or false".into()),
        FieldKind::Select if !option_values().contains(&value) => Err(format!(
            "{value} is not one of the options ({})",
            option_values()
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        FieldKind::DynamicSelect if !(value.is_string() || value.is_number()) => {
            Err("must be one of the options' values".into())
        }
        FieldKind::MultiSelect => match value {
            Value::Array(items) if field.options.is_some() => {
                match items.iter().find(|i| !option_values().contains(i)) {
                    Some(bad) => Err(format!("{bad} is not one of the options")),
                    None => Ok(()),
                }
            }
            Value::Array(_) => Ok(()),
            _ => Err("must be a list".into()),
        },
        FieldKind::FieldMapping => match value {
            // With options, each target takes one of the listed source fields.
            Value::Object(map) if field.options.is_some() => {
                match map.values().find(|v| !option_values().contains(v)) {
                    Some(bad) => Err(format!("{bad} is not one of the fields to map from")),
                    None => Ok(()),
                }
            }
            Value::Object(map) if map.values().all(Value::is_string) => Ok(()),
            _ => Err("must map target fields to text or templates".into()),
        },
        _ => Ok(()),
    }
}

/// The complete setup values, or every problem with them.
pub(crate) fn check_setup(form: &SetupForm, given: &Value) -> Result<Value, Vec<Problem>> {
    let empty = Map::new();
    let given = match given {
        Value::Object(map) => map,
        Value::Null => &empty,
        _ => {
            return Err(vec![Problem {
                path: "setup".into(),
                line: None,
                message: "must be an object of field values".into(),
            }])
        }
    };
    let mut problems = Vec::new();
    for key in given.keys() {
        if form.field(key).is_none() {
            problems.push(problem(key, "the setup form has no such field"));
        }
    }
    let mut values = Map::new();
    for field in form.fields() {
        // Hidden fields hold what the flow says, whatever the caller sends.
        let value = match (field.kind, given.get(&field.id)) {
            (FieldKind::Hidden, _) => field.default.clone(),
            (_, Some(Value::Null) | None) => field.default.clone(),
            (_, Some(v)) => Some(v.clone()),
        };
        match value {
            Some(v) => {
                if let Err(message) = fits(field, &v) {
                    problems.push(problem(&field.id, message));
                }
                values.insert(field.id.clone(), v);
            }
            None if field.required => problems.push(problem(&field.id, "is required")),
            None => {}
        }
    }
    // Only values the caller gave need what they depend on: a default is no choice of
    // theirs, and the field it depends on already says it is missing.
    let chosen = |f: &&FormField| {
        f.kind != FieldKind::Hidden && given.get(&f.id).is_some_and(|v| !v.is_null())
    };
    for field in form.fields().filter(chosen) {
        for dep in &field.depends_on {
            if !values.contains_key(dep) {
                problems.push(problem(
                    &field.id,
                    format!("needs '{dep}' to be filled in first"),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(Value::Object(values))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse_flow;
    use serde_json::json;

    fn form() -> SetupForm {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/flows/contacts-to-mailbird.yaml"
        ))
        .unwrap();
        parse_flow(&text).unwrap().definition.setup
    }

    #[test]
    fn defaults_fill_gaps_and_hidden_fields_keep_theirs() {
        let values =
            check_setup(&form(), &json!({"list_id": "L1", "source_tag": "forged"})).unwrap();
        assert_eq!(
            values,
            json!({"list_id": "L1", "merge_fields": {"FNAME": "first_name", "LNAME": "last_name"}, "plans": ["pro", "team"], "double_opt_in": false, "source_tag": "from-acme"})
        );
        assert!(
            check_setup(&form(), &json!({"plans": ["pro"]})).is_err_and(|p| p.len() == 1),
            "a defaulted mapping does not also complain that its list is missing"
        );
    }

    #[test]
    fn every_problem_names_its_field() {
        let problems = check_setup(&form(), &json!({"plans": ["gold"], "double_opt_in": "yes", "colour": 1, "merge_fields": {"FNAME": "x"}})).unwrap_err();
        let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"setup.colour"), "{problems:?}");
        assert!(paths.contains(&"setup.list_id"), "{problems:?}");
        assert!(paths.contains(&"setup.plans"), "{problems:?}");
        assert!(paths.contains(&"setup.double_opt_in"), "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.path == "setup.merge_fields" && p.message.contains("needs 'list_id'")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.path == "setup.merge_fields"
                && p.message
                    .contains("\"x\" is not one of the fields to map from")),
            "a mapping with options takes only those source fields: {problems:?}"
        );
    }
}
