//! The embedded backend for the CLI: the data folder opened with
//! [`junction_local::LocalBuilder`], as the tests open it too.

use std::path::Path;

use junction_local::LocalBuilder;
pub use junction_local::LocalJunction;

/// Opens (creating on first use) the data folder.
pub fn open(data: &Path) -> anyhow::Result<LocalJunction> {
    open_allowing(data, &[])
}

/// The same, allowing calls to the internal networks in `allow` (credential tests
/// against a local mock app).
pub fn open_allowing(data: &Path, allow: &[String]) -> anyhow::Result<LocalJunction> {
    LocalBuilder::new(data).allow_networks(allow).open()
}
