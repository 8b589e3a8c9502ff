//! What one execution may use.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Heap the script may allocate.
    pub memory_bytes: usize,
    /// Native stack for the interpreter (deep recursion stops here).
    pub stack_bytes: usize,
    /// Wall time, promises included.
    pub time: Duration,
    /// Console lines kept (each cut at 1,000 characters).
    pub console_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: 64 * 1024 * 1024,
            stack_bytes: 512 * 1024,
            time: Duration::from_secs(1),
            console_lines: 100,
        }
    }
}
