//! `junction serve --demo`: a demo workspace seeded with the example apps and flows,
//! the demo third-party apps served from the same process, and a host page at `/`
//! that embeds the marketplace widget beside a live log of the events it emits.

mod host;
mod seed;

pub use host::router;
pub use seed::{seed, Demo};
