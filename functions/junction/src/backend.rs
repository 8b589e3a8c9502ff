//! The backend an operator command works on: the local data folder, or an AWS stack
//! (its table, queues and secret prefix from the environment). Commands are written
//! once, generic over the ports, and `on_backend!` runs them on the one chosen.
//! The AWS backend is in builds with the `aws` feature only: the AWS SDK is most of a
//! first build, and the embedded path does not need it.

#[cfg(feature = "aws")]
use junction_aws::wiring::{AwsJunction, Backend};

use crate::cli::{BackendKind, DataArgs};
use crate::local::{open, LocalJunction};

pub enum Opened {
    Local(Box<LocalJunction>),
    #[cfg(feature = "aws")]
    Aws(std::sync::Arc<AwsJunction>),
}

/// Opens the backend `--backend` names.
pub async fn open_backend(data: &DataArgs) -> anyhow::Result<Opened> {
    Ok(match data.backend {
        BackendKind::Local => Opened::Local(Box::new(open(&data.data)?)),
        #[cfg(feature = "aws")]
        BackendKind::Aws => Opened::Aws(
            Backend::from_env()
                .await
                .map_err(|e| anyhow::anyhow!("{e:#}\n(set them from the stack's outputs: see the README, 'Deploy to AWS')"))?
                .junction,
        ),
        #[cfg(not(feature = "aws"))]
        BackendKind::Aws => return Err(without_aws()),
    })
}

/// Why `--backend aws` does not work in this build, and how to get one where it does.
#[cfg(not(feature = "aws"))]
pub fn without_aws() -> anyhow::Error {
    anyhow::anyhow!(
        "this junction was built without the AWS backend; build it with `cargo build --release -p junction --features aws` (or `cargo install --path functions/junction --features aws`)"
    )
}

/// Evaluates `$body` with `$j` bound to `&Junction<…>` of the chosen backend.
macro_rules! on_backend {
    ($data:expr, $j:ident => $body:expr) => {
        match $crate::backend::open_backend($data).await? {
            $crate::backend::Opened::Local(opened) => {
                let $j = &*opened;
                $body
            }
            #[cfg(feature = "aws")]
            $crate::backend::Opened::Aws(opened) => {
                let $j = &*opened;
                $body
            }
        }
    };
}
pub(crate) use on_backend;

/// Names the backend in messages: the data folder, or the stack's table.
pub fn describe(data: &DataArgs) -> String {
    match data.backend {
        BackendKind::Local => data.data.display().to_string(),
        BackendKind::Aws => format!(
            "the AWS stack (table {})",
            std::env::var("JUNCTION_TABLE").unwrap_or_default()
        ),
    }
}
