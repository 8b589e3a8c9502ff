//! One module per subcommand.

mod run;
mod schema;
mod validate;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { paths } => validate::validate(&paths, cli.json),
        Command::Run(args) => run::run(args, cli.json).await,
        Command::Schema { kind } => schema::schema(kind),
    }
}
