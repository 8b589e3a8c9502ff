//! Ids Junction makes: a prefix saying what it names, then a UUIDv7, so ids sort by
//! creation time (runs list newest first by id). A leaf: records, the engine's
//! leases and the adapters all use it, and it uses none of them.

/// A fresh, time-ordered id with a prefix saying what it names (`ws_…`, `run_…`).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}
