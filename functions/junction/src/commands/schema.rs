//! `junction schema`: prints the JSON Schema of app or flow documents, or the API's
//! OpenAPI document, as the committed copies under `docs/` hold them.

use std::process::ExitCode;

use junction_core::schema::{app_schema, flow_schema};

use crate::cli::SchemaKind;

pub fn schema(kind: SchemaKind) -> anyhow::Result<ExitCode> {
    let schema = match kind {
        SchemaKind::App => app_schema(),
        SchemaKind::Flow => flow_schema(),
        SchemaKind::Openapi => junction_http::build_document(),
    };
    outln!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}
