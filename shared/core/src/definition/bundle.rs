//! Code files next to a flow: read into their steps' `source` before validation and
//! push, so a stored flow version holds all of its code and never a path.

use super::{FieldPath, FlowDefinition, Step, StepKind};

/// Reads a step's code file, named relative to the flow; the caller decides where
/// that is (the CLI reads the flow file's folder). An error is a sentence saying why
/// the file could not be read.
pub type CodeFiles<'a> = dyn FnMut(&str) -> Result<String, String> + 'a;

/// Fills `source` of every code step that names a `file`, in every block, branch and
/// loop. Problems carry the step's `code.file` path, like validation's.
pub fn bundle_code_files(
    flow: &mut FlowDefinition,
    files: &mut CodeFiles<'_>,
) -> Vec<(FieldPath, String)> {
    let mut problems = Vec::new();
    let root = FieldPath::root().key("blocks");
    for (i, block) in flow.blocks.iter_mut().enumerate() {
        bundle_steps(
            &root.index(i).key("steps"),
            &mut block.steps,
            files,
            &mut problems,
        );
    }
    problems
}

fn bundle_steps(
    path: &FieldPath,
    steps: &mut [Step],
    files: &mut CodeFiles<'_>,
    problems: &mut Vec<(FieldPath, String)>,
) {
    for (i, step) in steps.iter_mut().enumerate() {
        let path = path.index(i);
        if let StepKind::Code(code) = &mut step.kind {
            if let Some(file) = &code.file {
                let at = path.key("code").key("file");
                if !code.source.is_empty() {
                    problems.push((
                        at,
                        "give the code as 'source' or as 'file', not both".into(),
                    ));
                } else if let Err(why) = check_relative(file) {
                    problems.push((at, why));
                } else {
                    match files(file) {
                        Ok(text) => code.source = text,
                        Err(why) => problems.push((at, why)),
                    }
                }
            }
        }
        for (body, steps) in step.children_mut() {
            bundle_steps(&body.path(&path), steps, files, problems);
        }
    }
}

/// A code file is named relative to the flow, so the flow and its code move together.
fn check_relative(file: &str) -> Result<(), String> {
    let trimmed = file.trim();
    if trimmed.is_empty() {
        return Err("must name a file next to the flow, like 'reshape.js'".into());
    }
    if trimmed.starts_with('/') || trimmed.starts_with('\\') || trimmed.contains(':') {
        return Err(format!(
            "'{file}' is not a relative path; name the file relative to the flow's folder"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse_flow;
    use crate::definition::Body;

    const FLOW: &str = r#"
id: f
name: F
apps: []
blocks:
  - id: b
    trigger: {type: manual}
    steps:
      - id: top
        code: {file: top.js}
      - id: pick
        condition:
          branches:
            - when: [{left: "{{ trigger.x }}", op: not_empty}]
              steps:
                - id: each
                  loop:
                    for_each: "{{ trigger.x }}"
                    steps:
                      - id: inner
                        code: {file: lib/inner.js}
          else:
            - id: other
              code: {source: "return 1;"}
"#;

    #[test]
    fn files_in_branches_and_loops_are_read_into_source() {
        let mut flow = parse_flow(FLOW).unwrap().definition;
        let mut asked = Vec::new();
        let mut files = |name: &str| {
            asked.push(name.to_string());
            Ok(format!("return '{name}';"))
        };
        assert!(bundle_code_files(&mut flow, &mut files).is_empty());
        assert_eq!(asked, ["top.js", "lib/inner.js"]);
        let steps = &flow.blocks[0].steps;
        assert_eq!(code_of(&steps[0]).source, "return 'top.js';");
        let branch = steps[1].body(Body::Branch(0)).unwrap();
        let inner = &branch[0].body(Body::Loop).unwrap()[0];
        let code = code_of(inner);
        assert_eq!(code.source, "return 'lib/inner.js';");
        assert_eq!(
            code.file.as_deref(),
            Some("lib/inner.js"),
            "kept, to name it in errors"
        );
        let other = &steps[1].body(Body::Else).unwrap()[0];
        assert_eq!(code_of(other).source, "return 1;");
    }

    fn code_of(step: &Step) -> &crate::definition::CodeStep {
        match &step.kind {
            StepKind::Code(code) => code,
            other => panic!("step '{}' is a {} step", step.id, other.name()),
        }
    }

    #[test]
    fn unreadable_absolute_or_doubled_code_is_a_problem_at_its_path() {
        let text = FLOW
            .replace("{file: top.js}", "{file: /etc/passwd}")
            .replace(
                "{source: \"return 1;\"}",
                "{source: \"return 1;\", file: x.js}",
            );
        let mut flow = parse_flow(&text).unwrap().definition;
        let mut files = |name: &str| Err(format!("'{name}' does not exist"));
        let problems: Vec<(String, String)> = bundle_code_files(&mut flow, &mut files)
            .into_iter()
            .map(|(p, m)| (p.to_string(), m))
            .collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].0, "blocks[0].steps[0].code.file");
        assert!(problems[0].1.contains("not a relative path"));
        assert_eq!(
            problems[1].0,
            "blocks[0].steps[1].condition.branches[0].steps[0].loop.steps[0].code.file"
        );
        assert!(problems[1].1.contains("'lib/inner.js' does not exist"));
        assert_eq!(
            problems[2].0,
            "blocks[0].steps[1].condition.else[0].code.file"
        );
        assert!(problems[2].1.contains("not both"));
    }
}
