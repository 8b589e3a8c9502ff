//! What a code step may ask for: each workspace has a maximum, set by whoever runs
//! Junction, under a ceiling that keeps one step within what a worker can give it.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Wall time of a step that asks for none.
pub const DEFAULT_CODE_TIME_MS: u64 = 1_000;
/// Memory of a step that asks for none.
pub const DEFAULT_CODE_MEMORY_MB: u64 = 64;
/// No workspace may allow more: half the run executor's 60 s Lambda timeout.
pub const CODE_TIME_CEILING_MS: u64 = 30_000;
/// No workspace may allow more: half the run executor's 512 MB.
pub const CODE_MEMORY_CEILING_MB: u64 = 256;

/// The most one code step of a workspace may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CodeLimits {
    /// Milliseconds of wall time (`time_ms` of a step).
    pub max_time_ms: u64,
    /// MiB of memory (`memory_mb` of a step).
    pub max_memory_mb: u64,
}

impl Default for CodeLimits {
    fn default() -> Self {
        Self {
            max_time_ms: 5_000,
            max_memory_mb: 128,
        }
    }
}

impl CodeLimits {
    /// The time a step gets: what it asked for, or the default, never above the maximum
    /// (a maximum lowered after a push applies to the versions already pushed).
    pub fn time_for(&self, asked_ms: Option<u64>) -> Duration {
        Duration::from_millis(
            asked_ms
                .unwrap_or(DEFAULT_CODE_TIME_MS)
                .min(self.max_time_ms),
        )
    }

    /// The memory a step gets, in MiB, on the same terms as [`Self::time_for`].
    pub fn memory_mb_for(&self, asked_mb: Option<u64>) -> u64 {
        asked_mb
            .unwrap_or(DEFAULT_CODE_MEMORY_MB)
            .min(self.max_memory_mb)
    }

    /// Each maximum that is zero or above the ceiling, by field name.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if self.max_time_ms == 0 || self.max_time_ms > CODE_TIME_CEILING_MS {
            problems.push((
                "max_time_ms",
                format!("must be 1 to {CODE_TIME_CEILING_MS} milliseconds"),
            ));
        }
        if self.max_memory_mb == 0 || self.max_memory_mb > CODE_MEMORY_CEILING_MB {
            problems.push((
                "max_memory_mb",
                format!("must be 1 to {CODE_MEMORY_CEILING_MB} MiB"),
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_get_what_they_ask_for_up_to_the_maximum() {
        let limits = CodeLimits {
            max_time_ms: 500,
            max_memory_mb: 200,
        };
        assert_eq!(limits.time_for(None), Duration::from_millis(500));
        assert_eq!(limits.time_for(Some(200)), Duration::from_millis(200));
        assert_eq!(limits.memory_mb_for(None), 64);
        assert_eq!(limits.memory_mb_for(Some(256)), 200);
        assert!(limits.problems().is_empty());
        let too_much = CodeLimits {
            max_time_ms: 0,
            max_memory_mb: 1024,
        };
        let fields: Vec<_> = too_much.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["max_time_ms", "max_memory_mb"]);
    }
}
