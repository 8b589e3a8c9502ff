//! What the binary's test suites share: starting `junction serve` and reading its banner.

use std::path::Path;
use std::time::Duration;

pub type Lines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// `junction serve` on a free port over `data`, with `extra` arguments; its stdout's lines.
pub fn spawn_serve(data: &Path, extra: &[&str]) -> (tokio::process::Child, Lines) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_junction"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    (child, lines)
}

/// The next line the server prints (30 s at most).
pub async fn next_line(lines: &mut Lines) -> String {
    tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the server printed in time")
        .unwrap()
        .expect("the server is still running")
}

/// The first `http://` URL in a line of the banner.
pub fn url_in(line: &str) -> Option<String> {
    line.split_whitespace()
        .find(|w| w.starts_with("http://"))
        .map(str::to_string)
}

/// The API's URL, from the banner's first line.
pub async fn api_url(lines: &mut Lines) -> String {
    let first = next_line(lines).await;
    url_in(&first).unwrap_or_else(|| panic!("no URL in '{first}'"))
}
