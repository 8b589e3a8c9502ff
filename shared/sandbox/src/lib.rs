//! Sandboxed JavaScript for code steps: QuickJS (through rquickjs) in a fresh runtime
//! per execution, with limits the engine enforces itself (memory, stack depth, wall
//! time through an interrupt handler). The code sees only the JSON it is given, has
//! no network, files, environment or timers, and returns a JSON value.

mod limits;
mod memory;
mod run;

pub use limits::Limits;
pub use run::{check_syntax, run, CodeError, CodeOutput, ErrorKind};
