//! Reading definition files, JSON arguments and account files from disk.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use junction_core::credentials::{Credentials, OAuthClient, OAuthTokens, Secret};
use junction_core::definition::{
    bundle_code_files, parse_any, AnyDefinition, AppDefinition, FlowDefinition, Loaded, Problem,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One definition file and what reading it gave.
pub struct DefinitionFile {
    pub path: PathBuf,
    pub result: Result<AnyDefinition, Vec<Problem>>,
}

/// Definition files found under `paths`. Folders are searched for `.yaml`, `.yml`
/// and `.json`; there, JSON files that are neither an app nor a flow (payloads,
/// setup values) are passed over and listed in `skipped`.
pub fn read_definitions(paths: &[PathBuf]) -> anyhow::Result<(Vec<DefinitionFile>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if path.is_dir() {
            for found in walk(path)? {
                let text = read(&found)?;
                let is_json = found.extension().is_some_and(|e| e == "json");
                let result = parse_any(&text).and_then(|d| bundle_any(d, &found));
                if is_json
                    && result
                        .as_ref()
                        .is_err_and(|p| p.iter().any(|p| p.message.starts_with("not an app")))
                {
                    skipped.push(found);
                    continue;
                }
                files.push(DefinitionFile {
                    path: found,
                    result,
                });
            }
        } else {
            let text = read(path)?;
            files.push(DefinitionFile {
                path: path.clone(),
                result: parse_any(&text).and_then(|d| bundle_any(d, path)),
            });
        }
    }
    Ok((files, skipped))
}

fn walk(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("reading folder {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

pub fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads app definitions, failing with every problem if any does not parse.
pub fn read_apps(paths: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, Loaded<AppDefinition>)>> {
    let (files, _) = read_definitions(paths)?;
    let mut apps = Vec::new();
    for file in files {
        match file.result {
            Ok(AnyDefinition::App(app)) => apps.push((file.path, *app)),
            Ok(AnyDefinition::Flow(_)) => bail!(
                "{} is a flow, not an app (pass flows as the first argument)",
                file.path.display()
            ),
            Err(problems) => bail!("{}", format_problems(&file.path, &problems)),
        }
    }
    Ok(apps)
}

/// A flow file with its code files read in (see [`bundle_flow`]).
pub fn read_flow(path: &Path) -> anyhow::Result<Loaded<FlowDefinition>> {
    match parse_any(&read(path)?).and_then(|d| bundle_any(d, path)) {
        Ok(AnyDefinition::Flow(flow)) => Ok(*flow),
        Ok(AnyDefinition::App(_)) => bail!(
            "{} is an app, not a flow (pass apps with --app)",
            path.display()
        ),
        Err(problems) => bail!("{}", format_problems(path, &problems)),
    }
}

fn bundle_any(definition: AnyDefinition, path: &Path) -> Result<AnyDefinition, Vec<Problem>> {
    match definition {
        AnyDefinition::Flow(mut flow) => {
            bundle_flow(&mut flow, path)?;
            Ok(AnyDefinition::Flow(flow))
        }
        app => Ok(app),
    }
}

/// Reads the code files a flow's steps name, relative to the flow file's folder, into
/// their `source`, so what is validated, run and pushed is what the files say.
pub fn bundle_flow(flow: &mut Loaded<FlowDefinition>, path: &Path) -> Result<(), Vec<Problem>> {
    let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut read_next_to_flow = |relative: &str| -> Result<String, String> {
        let file = folder.join(relative);
        let file = std::path::absolute(&file).unwrap_or(file);
        std::fs::read_to_string(&file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "'{relative}' does not exist next to the flow (looked for {})",
                file.display()
            ),
            std::io::ErrorKind::InvalidData => format!("'{relative}' is not UTF-8 text"),
            _ => format!("cannot read '{relative}' ({}): {e}", file.display()),
        })
    };
    let problems = bundle_code_files(&mut flow.definition, &mut read_next_to_flow);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(flow.locate(problems))
    }
}

pub fn format_problems(path: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match p.line {
            Some(line) => format!("{}:{line}: {}: {}", path.display(), p.path, p.message),
            None => format!("{}: {}: {}", path.display(), p.path, p.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A JSON argument: `-` (standard input), inline JSON, or a file path.
pub fn json_argument(name: &str, raw: &str) -> anyhow::Result<Value> {
    let text = if raw == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else if raw.trim_start().starts_with(['{', '[']) {
        raw.to_string()
    } else {
        read(Path::new(raw))
            .with_context(|| format!("--{name} is neither inline JSON nor a readable file"))?
    };
    serde_json::from_str(&text).with_context(|| format!("--{name} is not valid JSON"))
}

/// An account file: the credentials, plus the OAuth client for OAuth apps.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccountFile {
    #[serde(flatten)]
    pub credentials: Credentials,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
}

impl AccountFile {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        serde_json::from_str(&read(path)?).with_context(|| {
            format!("{} is not an account file: expected {{\"type\": \"api_key\", \"key\": ...}}, {{\"type\": \"basic\", ...}} or {{\"type\": \"oauth2\", \"access_token\": ...}}", path.display())
        })
    }

    pub fn oauth_client(&self) -> Option<OAuthClient> {
        Some(OAuthClient {
            client_id: self.client_id.clone()?,
            client_secret: self.client_secret.clone()?,
        })
    }

    /// Writes refreshed tokens back, atomically, so a rotated refresh token is never lost.
    pub fn save_tokens(path: &Path, tokens: &OAuthTokens) -> anyhow::Result<()> {
        let mut file = Self::read(path)?;
        file.credentials = Credentials::Oauth2(tokens.clone());
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(&file)? + "\n")
            .with_context(|| format!("writing {}", tmp.display()))?;
        // Keep the original file's permissions: it holds secrets.
        std::fs::set_permissions(&tmp, std::fs::metadata(path)?.permissions())?;
        std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
        Ok(())
    }
}
