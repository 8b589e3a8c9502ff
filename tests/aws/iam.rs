//! The IAM actions `template.yaml` grants each function, so a test can check that every
//! AWS operation a function made while it handled something is one it may make on AWS
//! (moto does not enforce IAM: a missing action would only show once deployed).

use std::collections::BTreeSet;

use yaml_rust2::{Yaml, YamlLoader};

const TEMPLATE: &str = include_str!("../../template.yaml");

/// Every action the function's policy statements allow.
pub fn allowed(function: &str) -> BTreeSet<String> {
    let docs = YamlLoader::load_from_str(TEMPLATE).expect("template.yaml parses");
    let policies = &docs[0]["Resources"][function]["Properties"]["Policies"];
    let mut actions = BTreeSet::new();
    for policy in policies.as_vec().map(Vec::as_slice).unwrap_or_default() {
        for statement in policy["Statement"]
            .as_vec()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            match &statement["Action"] {
                Yaml::Array(list) => {
                    actions.extend(list.iter().filter_map(|a| a.as_str()).map(str::to_string))
                }
                Yaml::String(one) => {
                    actions.insert(one.clone());
                }
                _ => {}
            }
        }
    }
    assert!(
        !actions.is_empty(),
        "no policy found for {function} in template.yaml"
    );
    actions
}

/// Panics, naming them, if the function made operations its policy does not allow.
pub fn assert_allowed<'a>(function: &str, operations: impl IntoIterator<Item = &'a String>) {
    let allowed = allowed(function);
    let missing: BTreeSet<&String> = operations
        .into_iter()
        .filter(|op| !allowed.contains(op.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{function} made {missing:?}, which template.yaml does not allow it"
    );
}
