//! `junction schema`: prints the JSON Schema of app or flow documents.

use std::process::ExitCode;

use junction_core::schema::{app_schema, flow_schema};

use crate::cli::SchemaKind;

pub fn schema(kind: SchemaKind) -> anyhow::Result<ExitCode> {
    let schema = match kind {
        SchemaKind::App => app_schema(),
        SchemaKind::Flow => flow_schema(),
    };
    outln!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}
