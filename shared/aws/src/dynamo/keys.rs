//! Key design of the single table. Every item has `pk` and `sk`; the overloaded
//! indexes `gsi1` (`gsi1pk`, `gsi1sk`) and `gsi2` serve the secondary access patterns.
//! See infra/dynamodb.md for the table of patterns.

pub fn ws(ws: &str) -> String {
    format!("WS#{ws}")
}
pub const WORKSPACE_SK: &str = "WORKSPACE";
/// The gsi1 partition that lists every workspace (`gsi1sk` is `ws(id)`).
pub const WORKSPACES: &str = "WORKSPACES";
pub fn app_key(key: &str) -> String {
    format!("APPKEY#{key}")
}
pub fn app(id: &str) -> String {
    format!("APP#{id}")
}
pub fn flow_version(flow: &str, number: u32) -> String {
    format!("FLOWV#{flow}#{number:010}")
}
pub fn flow_head(flow: &str) -> String {
    format!("FLOW#{flow}")
}
pub fn tag(ws: &str, tag: &str) -> String {
    format!("WS#{ws}#TAG#{tag}")
}
pub fn published(ws: &str) -> String {
    format!("WS#{ws}#PUBLISHED")
}
pub fn user(id: &str) -> String {
    format!("USER#{id}")
}
pub fn account(id: &str) -> String {
    format!("ACCOUNT#{id}")
}
pub fn user_index(ws: &str, user: &str) -> String {
    format!("WS#{ws}#USER#{user}")
}
pub fn integration(id: &str) -> String {
    format!("INT#{id}")
}
pub fn flow_index(ws: &str, flow: &str) -> String {
    format!("WS#{ws}#FLOW#{flow}")
}
pub fn event(ws: &str, event: &str) -> String {
    format!("WS#{ws}#EVENT#{event}")
}
pub fn event_sk(user: &str, integration: &str) -> String {
    format!("USER#{user}#INT#{integration}")
}
pub fn token(hash: &str) -> String {
    format!("TOKEN#{hash}")
}
pub fn run(id: &str) -> String {
    format!("RUN#{id}")
}
pub fn integration_runs(ws: &str, integration: &str) -> String {
    format!("WS#{ws}#INT#{integration}")
}
pub fn runs_in_status(ws: &str, status: &str) -> String {
    format!("WS#{ws}#RUNSTATUS#{status}")
}
pub fn dedupe(key: &str) -> String {
    format!("DEDUPE#{key}")
}
pub fn usage(ws: &str, month: &str) -> String {
    format!("WS#{ws}#USAGE#{month}")
}
pub const TOTAL_SK: &str = "TOTAL";
/// The usage item counting poll requests (apart from tasks; no user id is `POLLS`,
/// theirs are under `USER#`).
pub const POLL_REQUESTS_SK: &str = "POLLS";
pub fn lease(name: &str) -> String {
    format!("LEASE#{name}")
}
pub fn rate_window(name: &str, window: i64) -> String {
    format!("RATE#{name}#{window}")
}
pub fn hold(name: &str) -> String {
    format!("HOLD#{name}")
}
pub fn due_shard(shard: u32) -> String {
    format!("DUE#{shard:02}")
}
pub fn due_position(due_ms: i64, key: &str) -> String {
    format!("{:016}#{key}", due_ms.max(0))
}
pub fn due_pointer(key: &str) -> String {
    format!("DUEKEY#{key}")
}
/// The partition of one scope's stored values (`storage` steps).
pub fn stored_scope(ws: &str, scope: &str) -> String {
    format!("WS#{ws}#STORE#{scope}")
}
pub fn stored_key(key: &str) -> String {
    format!("KEY#{key}")
}
/// The sort key of single-item partitions.
pub const ITEM_SK: &str = "ITEM";
/// A workspace's sealed secrets (envelope vault); `sk` is the secret's name.
pub fn vault(ws: &str) -> String {
    format!("WS#{ws}#VAULT")
}
/// The gsi1 partition of the secrets sealed under one data key (`gsi1sk` is
/// `<ws>#<name>`): what a key rotation re-seals, and what must be empty to retire it.
pub fn sealed_under(key_id: &str) -> String {
    format!("VAULT#KEY#{key_id}")
}
