//! The log writer of `junction serve`: lines are handed to a thread of its own, which
//! writes what gathered in one call, so the thread answering requests never waits on
//! stderr.
//!
//! Serve logs a line per request and a line per run. Written directly, each line was a
//! `write` to stderr on the one thread that answers requests and runs the runs: 2.4% of
//! a busy server's CPU in `perf`. Here a line costs that thread a copy into a buffer;
//! the writer thread, woken by the first line after a quiet spell, lets lines gather
//! for [`GATHER`] and writes them together.
//!
//! Nothing is dropped: a writer that cannot keep up (a stderr nobody reads) makes the
//! logging threads wait, as a blocking `write` did. What is buffered is written before
//! the process ends normally ([`Flusher`] on drop); a crash can lose at most the lines
//! of the last [`GATHER`].

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long the writer thread lets lines gather before writing them.
const GATHER: Duration = Duration::from_millis(2);
/// Bytes buffered past which logging threads wait for the writer.
const MOST_BUFFERED: usize = 1 << 20;

/// Where the lines go: stderr in serve, a test's own sink in tests.
type Sink = Box<dyn Write + Send>;

/// A [`tracing_subscriber::fmt::MakeWriter`] for lines that the writer thread writes.
#[derive(Clone)]
pub struct GatheredLines {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// The writer thread waits here for a first line, or for the end.
    lines: Condvar,
    /// Logging threads wait here while the buffer is full.
    room: Condvar,
}

#[derive(Default)]
struct State {
    buffer: Vec<u8>,
    /// The writer thread is waiting on `lines` (so a new line must wake it).
    idle: bool,
    closed: bool,
}

/// Writes what is buffered and stops the writer thread when dropped: hold it until the
/// process ends.
pub struct Flusher {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts the writer thread over `sink`. None if no thread could be started, for the
/// caller to write directly instead.
pub fn start(sink: Sink) -> Option<(GatheredLines, Flusher)> {
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        lines: Condvar::new(),
        room: Condvar::new(),
    });
    let for_thread = shared.clone();
    let thread = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_until_closed(&for_thread, sink))
        .ok()?;
    Some((
        GatheredLines {
            shared: shared.clone(),
        },
        Flusher {
            shared,
            thread: Some(thread),
        },
    ))
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A thread that panicked while logging left a buffer that is still whole bytes.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn write_until_closed(shared: &Shared, mut sink: Sink) {
    let mut spare = Vec::new();
    loop {
        let mut state = shared.state();
        while state.buffer.is_empty() && !state.closed {
            state.idle = true;
            state = shared.lines.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        state.idle = false;
        if state.buffer.is_empty() {
            return; // closed, and everything written
        }
        if !state.closed {
            // Let the lines of the next few milliseconds join this write.
            drop(state);
            std::thread::sleep(GATHER);
            state = shared.state();
        }
        std::mem::swap(&mut state.buffer, &mut spare);
        drop(state);
        shared.room.notify_all();
        // Nowhere to report a failed write of the log itself; the lines are dropped
        // rather than kept to fill memory.
        let _ = sink.write_all(&spare).and_then(|()| sink.flush());
        spare.clear();
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.shared.state().closed = true;
        self.shared.lines.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One line's writer: what it is given is appended to the shared buffer.
pub struct LineWriter<'a> {
    shared: &'a Shared,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let shared = self.shared;
        let mut state = shared.state();
        while state.buffer.len() >= MOST_BUFFERED && !state.closed {
            state = shared.room.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        state.buffer.extend_from_slice(bytes);
        // Only a waiting writer thread needs the wake-up (a system call); one that is
        // gathering or writing comes back for these bytes anyway.
        let wake = std::mem::take(&mut state.idle);
        drop(state);
        if wake {
            shared.lines.notify_one();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for GatheredLines {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink whose bytes and write calls a test can read.
    #[derive(Clone, Default)]
    struct Recorded(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Recorded {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut r = self.0.lock().unwrap();
            r.0.extend_from_slice(bytes);
            r.1 += 1;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn line(lines: &GatheredLines, text: &str) {
        use tracing_subscriber::fmt::MakeWriter;
        lines.make_writer().write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn every_line_is_written_in_order_and_lines_logged_together_share_a_write() {
        let sink = Recorded::default();
        let (lines, flusher) = start(Box::new(sink.clone())).unwrap();
        for i in 0..1000 {
            line(&lines, &format!("line {i}\n"));
        }
        drop(flusher);
        let (bytes, writes) = sink.0.lock().unwrap().clone();
        let expected: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        assert!(writes < 10, "{writes} writes for 1000 lines logged at once");
    }

    #[test]
    fn a_line_after_a_quiet_spell_is_written_without_waiting_for_more() {
        let sink = Recorded::default();
        let (lines, _flusher) = start(Box::new(sink.clone())).unwrap();
        for i in 0..3 {
            line(&lines, &format!("line {i}\n"));
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while sink.0.lock().unwrap().1 <= i {
                assert!(
                    std::time::Instant::now() < deadline,
                    "line {i} was not written"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    #[test]
    fn loggers_wait_for_room_rather_than_drop_lines() {
        let sink = Recorded::default();
        let (lines, flusher) = start(Box::new(sink.clone())).unwrap();
        let big = "x".repeat(MOST_BUFFERED / 4 - 1) + "\n";
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let lines = lines.clone();
                let big = big.clone();
                std::thread::spawn(move || (0..10).for_each(|_| line(&lines, &big)))
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        drop(flusher);
        assert_eq!(sink.0.lock().unwrap().0.len(), 40 * big.len());
    }
}
