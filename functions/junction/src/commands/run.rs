//! `junction run`: executes one block of a flow locally against real endpoints and
//! prints the step log as it goes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use junction_core::credentials::MemoryCredentials;
use junction_core::engine::{Engine, Invocation, RunInput, RunState, RunStatus};
use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_core::template::Templates;
use junction_core::validate::{validate_app, validate_flow};
use junction_core::AppCatalog;
use serde_json::json;

use crate::cli::RunArgs;
use crate::files::{format_problems, json_argument, read_apps, read_flow, AccountFile};
use crate::render::{print_log_entry, print_summary};

pub async fn run(args: RunArgs, json: bool) -> anyhow::Result<ExitCode> {
    let templates = Templates::new();
    let mut catalog = AppCatalog::default();
    for (path, app) in read_apps(&args.apps)? {
        let problems = app.locate(validate_app(&app.definition, &templates));
        if !problems.is_empty() {
            bail!(
                "{}\nfix the app definition (see `junction validate`) before running",
                format_problems(&path, &problems)
            );
        }
        catalog.insert(app.definition);
    }
    let flow = read_flow(&args.flow)?;
    let problems = flow.locate(validate_flow(&flow.definition, &catalog, &templates));
    if !problems.is_empty() {
        bail!(
            "{}\nfix the flow (see `junction validate`) before running",
            format_problems(&args.flow, &problems)
        );
    }
    let flow = flow.definition;
    let block = match (&args.block, flow.blocks.as_slice()) {
        (Some(b), _) => b.clone(),
        (None, [only]) => only.id.clone(),
        (None, blocks) => bail!(
            "flow '{}' has several blocks; choose one with --block ({})",
            flow.id,
            blocks
                .iter()
                .map(|b| b.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };

    let trigger = json_argument("trigger", &args.trigger)?;
    let mut setup = json_argument("setup", &args.setup)?;
    let Some(values) = setup.as_object_mut() else {
        bail!("--setup must be a JSON object of field values");
    };
    // Like a new integration: fields left out take their form defaults.
    for field in flow.setup.fields() {
        if let (false, Some(default)) = (values.contains_key(&field.id), &field.default) {
            values.insert(field.id.clone(), default.clone());
        }
    }

    let credentials = Arc::new(accounts(&args.accounts, &flow.apps)?);
    let policy = AddressPolicy::parse_allowlist(&args.allow)
        .map_err(anyhow::Error::msg)
        .context("--allow-network")?;
    let engine = Engine::new(OutboundClient::new(HttpConfig {
        policy,
        ..HttpConfig::default()
    })?);
    let input = RunInput {
        trigger,
        setup,
        user: json!({ "id": args.user }),
    };
    let inv = Invocation {
        flow: &flow,
        apps: &catalog,
        input: &input,
        credentials: credentials.as_ref(),
        storage: &junction_core::storage::MemoryStorage::new(),
        code_limits: junction_core::definition::CodeLimits::default(),
    };
    let run_id = format!("run_{}", uuid::Uuid::now_v7().simple());
    let mut state = engine.start(&flow, &block, &run_id)?;

    if !json {
        outln!("run {run_id}: flow '{}', block '{block}'", flow.id);
    }
    let mut printed = 0;
    loop {
        engine
            .run_with(&inv, &mut state, |s: &RunState| {
                if !json {
                    for entry in &s.log[printed..] {
                        print_log_entry(entry);
                    }
                }
                printed = s.log.len();
            })
            .await;
        if state.status != RunStatus::Waiting {
            break;
        }
        let at = state.resume_at.unwrap_or_else(chrono::Utc::now);
        let wait = (at - chrono::Utc::now()).to_std().unwrap_or_default();
        if wait > args.max_wait {
            break;
        }
        if !json {
            outln!(
                "  … waiting {:.1}s (--max-wait {})",
                wait.as_secs_f64(),
                humantime::format_duration(args.max_wait)
            );
        }
        tokio::time::sleep(wait).await;
        engine.resume(&mut state);
    }

    if json {
        outln!("{}", serde_json::to_string_pretty(&state)?);
    } else {
        print_summary(&state);
    }
    Ok(if state.status == RunStatus::Failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Loads `APP=FILE` accounts; refreshed OAuth tokens are written back to their file.
fn accounts(specs: &[String], flow_apps: &[String]) -> anyhow::Result<MemoryCredentials> {
    let mut files: HashMap<String, PathBuf> = HashMap::new();
    let mut creds = MemoryCredentials::new();
    for spec in specs {
        let Some((app, path)) = spec.split_once('=') else {
            bail!(
                "--account '{spec}' must look like APP=FILE, e.g. mailbird=accounts/mailbird.json"
            );
        };
        if !flow_apps.iter().any(|a| a == app) {
            bail!(
                "--account names app '{app}', which the flow does not use ({})",
                flow_apps.join(", ")
            );
        }
        let path = PathBuf::from(path);
        let file = AccountFile::read(&path)?;
        if let Some(client) = file.oauth_client() {
            creds = creds.with_oauth_client(app, client);
        }
        creds = creds.with_account(app, file.credentials);
        files.insert(app.to_string(), path);
    }
    Ok(creds.on_save(Box::new(move |app, tokens| {
        if let Some(path) = files.get(app) {
            if let Err(e) = AccountFile::save_tokens(path, tokens) {
                tracing::error!(app, error = %e, "could not write refreshed tokens back");
            }
        }
    })))
}
