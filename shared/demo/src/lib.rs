//! Demo third-party apps served from memory: the walk-through, `junction serve --demo`,
//! the end-to-end tests and the benchmarks all call these instead of the internet.

pub mod apps;
