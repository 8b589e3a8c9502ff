//! No code: this crate only names dependency features (see its Cargo.toml) so that
//! the run command's build and the test command's build compile each crate once.
