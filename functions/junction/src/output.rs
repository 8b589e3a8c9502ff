//! Standard output that a closed reader ends quietly: `junction … | head` stops the
//! command instead of panicking with "failed printing to stdout: Broken pipe".

use std::io::Write as _;

/// `println!` for the CLI's results; see the module.
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}

pub fn write(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // Whoever reads has read enough; nothing is lost that it wanted.
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}
