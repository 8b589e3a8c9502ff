//! HTTP clients for tests, with the same TLS set-up as Junction's own.

/// A reqwest client as Junction builds its own: rustls over aws-lc-rs, rustls's
/// process default (reqwest is built without a provider of its own, see
/// `junction_core::outbound::tls`), installed here if nothing has yet.
pub fn client() -> reqwest::Client {
    builder()
        .build()
        .expect("a reqwest client with aws-lc-rs builds")
}

/// [`client`]'s builder, for tests that need another redirect policy or timeout.
pub fn builder() -> reqwest::ClientBuilder {
    junction_core::outbound::tls::use_aws_lc_rs();
    reqwest::Client::builder()
}
