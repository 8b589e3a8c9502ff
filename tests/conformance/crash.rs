//! Crash safety of the local queue: a process killed (SIGKILL) after receiving a
//! message and before acknowledging it leaves the message to be delivered again after
//! the visibility timeout, and nothing it acknowledged comes back.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use junction_core::ports::{RunQueue, SystemClock};
use junction_local::{Database, Durability, QueueConfig, SqliteQueue};

const DB_ENV: &str = "JUNCTION_CRASH_TEST_DB";
/// How long the child's message stays hidden: long enough that a busy CI machine still
/// checks "invisible right after the crash" inside it.
const CHILD_VISIBILITY_SECS: u64 = 5;

fn queue(path: &Path) -> SqliteQueue {
    let db = Database::open(path, Durability::Process).unwrap();
    SqliteQueue::new(db, Arc::new(SystemClock), QueueConfig::default())
}

/// The child: acknowledges one message, receives another, says so, then waits to be
/// killed. Run only by the parent test (it is ignored otherwise).
#[tokio::test]
#[ignore = "run as a child process by a_killed_worker_loses_nothing"]
async fn crash_child() {
    let Ok(path) = std::env::var(DB_ENV) else {
        return;
    };
    let q = queue(&PathBuf::from(path));
    let done = q.receive(1, Duration::from_secs(30)).await.unwrap();
    q.ack(&done[0].receipt).await.unwrap();
    let held = q
        .receive(1, Duration::from_secs(CHILD_VISIBILITY_SECS))
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    println!("RECEIVED {}", held[0].body);
    use std::io::Write;
    std::io::stdout().flush().unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
}

#[tokio::test]
async fn a_killed_worker_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junction.db");
    let q = queue(&path);
    q.send("acked-before-crash", Duration::ZERO, None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    q.send("in-flight-at-crash", Duration::ZERO, None)
        .await
        .unwrap();

    let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash::crash_child", "--ignored", "--nocapture"])
        .env(DB_ENV, &path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::io::AsyncBufReadExt::read_line(&mut stdout, &mut line),
        )
        .await
        .expect("the child reports within 30 s")
        .unwrap();
        assert!(n > 0, "the child exited without receiving");
        if line.starts_with("RECEIVED") {
            break;
        }
    }
    assert_eq!(line.trim(), "RECEIVED in-flight-at-crash");
    // kill -9: no destructors, no flushes, no goodbyes.
    unsafe {
        libc::kill(child.id().unwrap() as i32, libc::SIGKILL);
    }
    child.wait().await.unwrap();

    let q = queue(&path);
    assert!(
        q.receive(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty(),
        "still invisible right after the crash"
    );
    tokio::time::sleep(Duration::from_secs(CHILD_VISIBILITY_SECS) + Duration::from_millis(300))
        .await;
    let back = q.receive(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(back.len(), 1, "{back:?}");
    assert_eq!(back[0].body, "in-flight-at-crash");
    assert_eq!(back[0].receive_count, 2);
}
