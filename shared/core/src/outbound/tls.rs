//! The crypto under outbound TLS: rustls over aws-lc-rs, installed as the process's
//! default provider before an HTTP client is built.
//!
//! reqwest is built without a crypto provider of its own (its default is ring), so
//! it takes rustls's process default: aws-lc-rs, which the AWS SDK and the
//! identity-token signer link anyway. One crypto library instead of two keeps every
//! binary, and each Lambda package, smaller.

/// Makes aws-lc-rs rustls's default provider, unless the process chose one already
/// (then that one stays: an embedding application may have its reasons).
pub fn use_aws_lc_rs() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncReadExt as _;

    use crate::definition::HttpMethod;
    use crate::outbound::{
        AddressPolicy, Confidential, HttpConfig, OutboundClient, OutboundRequest, RetryPolicy,
    };

    /// An https URL gets a real TLS handshake from the outbound client: the server
    /// sees a ClientHello naming the host, and the call fails cleanly when the server
    /// hangs up, rather than panicking for want of a crypto provider.
    #[tokio::test]
    async fn https_calls_open_with_a_tls_client_hello() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            // The whole first record, however it arrives: one read may return part of
            // it, and rustls shuffles the extensions, so the SNI may be anywhere in it.
            let mut hello = vec![0u8; 5];
            socket.read_exact(&mut hello).await.unwrap();
            let length = u16::from_be_bytes([hello[3], hello[4]]) as usize;
            hello.resize(5 + length, 0);
            socket.read_exact(&mut hello[5..]).await.unwrap();
            hello
        });
        let client = OutboundClient::new(HttpConfig {
            policy: AddressPolicy::allowing(["127.0.0.1/32".parse().unwrap()]),
            retry: RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            },
            timeout: Duration::from_secs(5),
            ..HttpConfig::default()
        })
        .unwrap();
        let request = OutboundRequest {
            method: HttpMethod::Get,
            url: format!("https://localhost:{port}/").parse().unwrap(),
            headers: vec![],
            body: None,
            confidential: Confidential::default(),
            timeout: None,
        };
        let answer = client.send(&request).await;
        let hello = server.await.unwrap();
        // A TLS record of type handshake (22), carrying a ClientHello (1).
        assert_eq!(hello.first(), Some(&22), "{hello:?}");
        assert_eq!(hello.get(5), Some(&1), "{hello:?}");
        assert!(
            hello.windows(9).any(|w| w == b"localhost"),
            "the ClientHello names the host (SNI)"
        );
        assert!(answer.is_err(), "the server hung up: {answer:?}");
    }
}
