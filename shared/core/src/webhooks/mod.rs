//! Third-party webhook deliveries: verifying their signatures (the receiver that uses
//! this comes with the triggers work).

mod signature;

pub use signature::{verify, Encoding, SignatureError, SignatureScheme};
