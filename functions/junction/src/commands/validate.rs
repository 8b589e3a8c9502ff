//! `junction validate`: parses and checks definitions, printing every problem with its
//! file, line and path. Flows are checked against the apps given alongside them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use junction_core::definition::{AnyDefinition, Problem};
use junction_core::template::Templates;
use junction_core::validate::{validate_app, validate_flow};
use junction_core::AppCatalog;
use serde::Serialize;

use crate::files::{format_problems, read_definitions};
use crate::render::counted;

#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    problems: Vec<Problem>,
}

pub fn validate(paths: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let (files, skipped) = read_definitions(paths)?;
    let templates = Templates::new();
    let mut catalog = AppCatalog::default();
    let mut reports = Vec::new();

    // Apps first: flows are checked against them.
    for file in &files {
        if let Ok(AnyDefinition::App(app)) = &file.result {
            let problems = app.locate(validate_app(&app.definition, &templates));
            catalog.insert(app.definition.clone());
            reports.push(FileReport {
                file: &file.path,
                kind: Some("app"),
                id: Some(app.definition.id.clone()),
                problems,
            });
        }
    }
    for file in &files {
        match &file.result {
            Ok(AnyDefinition::Flow(flow)) => {
                let problems = flow.locate(validate_flow(&flow.definition, &catalog, &templates));
                reports.push(FileReport {
                    file: &file.path,
                    kind: Some("flow"),
                    id: Some(flow.definition.id.clone()),
                    problems,
                });
            }
            Ok(AnyDefinition::App(_)) => {}
            Err(problems) => reports.push(FileReport {
                file: &file.path,
                kind: None,
                id: None,
                problems: problems.clone(),
            }),
        }
    }
    reports.sort_by(|a, b| a.file.cmp(b.file));

    let total: usize = reports.iter().map(|r| r.problems.len()).sum();
    let bad_files = reports.iter().filter(|r| !r.problems.is_empty()).count();
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "ok": total == 0,
                "problems": total,
                "files": reports,
                "skipped": skipped,
            }))?
        );
    } else {
        for report in &reports {
            if report.problems.is_empty() {
                outln!(
                    "ok    {} ({} '{}')",
                    report.file.display(),
                    report.kind.unwrap_or("?"),
                    report.id.as_deref().unwrap_or("?")
                );
            } else {
                outln!("FAIL  {}", report.file.display());
                outln!(
                    "{}",
                    indent(&format_problems(report.file, &report.problems))
                );
            }
        }
        for path in &skipped {
            outln!("skip  {} (neither an app nor a flow)", path.display());
        }
        let apps = reports.iter().filter(|r| r.kind == Some("app")).count();
        let flows = reports.iter().filter(|r| r.kind == Some("flow")).count();
        if total == 0 {
            outln!(
                "\n{} and {} checked: no problems.",
                counted(apps, "app"),
                counted(flows, "flow")
            );
        } else {
            outln!(
                "\n{} in {bad_files} of {}. Fix them and run `junction validate` again.",
                counted(total, "problem"),
                counted(reports.len(), "file")
            );
            if apps == 0 && flows > 0 {
                outln!(
                    "No app definitions were among the paths: flows are checked against the apps given with them, so pass those too (e.g. `junction validate examples/apps {}`, or the folder holding both).",
                    reports
                        .iter()
                        .find(|r| r.kind == Some("flow"))
                        .map_or(String::new(), |r| r.file.display().to_string())
                );
            }
        }
    }
    if reports.is_empty() {
        anyhow::bail!("no app or flow definitions found in the paths given");
    }
    Ok(if total == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
