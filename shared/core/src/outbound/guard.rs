//! Refuses outbound calls to loopback, private, link-local and other internal addresses
//! (cloud metadata lives at 169.254.169.254), unless an allowlist permits them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which destination addresses outbound HTTP may reach.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    allow: Vec<IpNet>,
}

/// A destination the policy refuses.
#[derive(Debug, Clone, thiserror::Error)]
#[error("refused to call '{host}': it resolves to an internal address")]
pub struct RefusedAddress {
    pub host: String,
}

impl AddressPolicy {
    /// Public addresses only.
    pub fn public_only() -> Self {
        Self::default()
    }

    /// Public addresses plus these networks (e.g. `127.0.0.1/32` for tests).
    pub fn allowing(nets: impl IntoIterator<Item = IpNet>) -> Self {
        Self {
            allow: nets.into_iter().collect(),
        }
    }

    /// Parses allowlist entries: an IP (`127.0.0.1`) or a network (`10.0.0.0/8`).
    pub fn parse_allowlist(entries: &[String]) -> Result<Self, String> {
        let nets = entries
            .iter()
            .map(|e| {
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "'{e}' is not an IP address or network (like 127.0.0.1 or 10.0.0.0/8)"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::allowing(nets))
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        let allowed = |ip: IpAddr| self.allow.iter().any(|n| n.contains(&ip));
        if allowed(ip) {
            return true;
        }
        match ip {
            IpAddr::V4(v4) => !is_internal_v4(v4),
            IpAddr::V6(v6) => {
                let embedded = embedded_v4(v6);
                if embedded.is_empty() {
                    !is_internal_v6(v6)
                } else {
                    // An IPv6 spelling of IPv4 is judged by what it reaches.
                    embedded
                        .into_iter()
                        .all(|v4| allowed(IpAddr::V4(v4)) || !is_internal_v4(v4))
                }
            }
        }
    }

    /// Checks a URL whose host is an IP literal (those never reach the resolver).
    pub fn check_url(&self, url: &url::Url) -> Result<(), RefusedAddress> {
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => return Ok(()),
        };
        if self.permits(ip) {
            Ok(())
        } else {
            Err(RefusedAddress {
                host: url.host_str().unwrap_or_default().to_string(),
            })
        }
    }
}

/// The IPv4 addresses an IPv6 address stands for: mapped (`::ffff:a.b.c.d`),
/// compatible (`::a.b.c.d`), translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::/96` and
/// `64:ff9b:1::/48`), 6to4 (`2002:AABB:CCDD::`) and Teredo (`2001:0::/32`, its server and
/// its obfuscated client).
fn embedded_v4(ip: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return vec![v4];
    }
    match s {
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        [0, 0, 0, 0, 0, 0, 0, 0 | 1] => Vec::new(),
        [0, 0, 0, 0, 0, 0, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => vec![low],
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] | [0x64, 0xff9b, 1, ..] => vec![low],
        [0x2002, hi, lo, ..] => vec![Ipv4Addr::from(((hi as u32) << 16) | lo as u32)],
        [0x2001, 0, hi, lo, _, _, _, _] => vec![
            Ipv4Addr::from(((hi as u32) << 16) | lo as u32),
            Ipv4Addr::from(!u32::from(low)),
        ],
        _ => Vec::new(),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Carrier-grade NAT, often internal in clouds.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments and benchmarking ranges.
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, and the old site-local fec0::/10.
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        // Discard-only 100::/64 and documentation 2001:db8::/32.
        || (s[0] == 0x100 && s[1..4] == [0, 0, 0])
        || (s[0] == 0x2001 && s[1] == 0xdb8)
}

/// A DNS resolver that drops internal addresses, so a public name that resolves to a
/// private address (DNS rebinding) is refused too.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    pub policy: Arc<AddressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let permitted: Vec<SocketAddr> = found.filter(|a| policy.permits(a.ip())).collect();
            if permitted.is_empty() {
                return Err(
                    Box::new(RefusedAddress { host }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused() {
        let p = AddressPolicy::public_only();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "100.64.0.1",
            // Every IPv6 spelling of an internal IPv4 address.
            "::7f00:1",
            "::127.0.0.1",
            "::ffff:0:a9fe:a9fe",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            "64:ff9b::10.0.0.1",
            "64:ff9b:1::c0a8:101",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "::",
            "fec0::1",
            "2001:db8::1",
            "100::1",
        ] {
            assert!(!p.permits(ip.parse().unwrap()), "{ip} should be refused");
        }
        // The same forms of public addresses stay reachable.
        for ip in [
            "93.184.216.34",
            "2606:4700::1111",
            "8.8.8.8",
            "2002:808:808::1",
            "64:ff9b::8.8.8.8",
        ] {
            assert!(p.permits(ip.parse().unwrap()), "{ip} should be allowed");
        }
    }

    #[test]
    fn allowlist_permits_listed_networks_only() {
        let p = AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap();
        assert!(p.permits("127.0.0.1".parse().unwrap()));
        assert!(!p.permits("127.0.0.2".parse().unwrap()));
        assert!(!p.permits("10.0.0.1".parse().unwrap()));
        assert!(
            p.permits("::ffff:127.0.0.1".parse().unwrap()),
            "the same address"
        );
        assert!(!p.permits("::ffff:127.0.0.2".parse().unwrap()));
        assert!(AddressPolicy::parse_allowlist(&["nope".into()]).is_err());
    }

    #[test]
    fn ip_literal_urls_are_checked() {
        let p = AddressPolicy::public_only();
        let url = url::Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(p.check_url(&url).is_err());
        let url = url::Url::parse("http://[::1]:8080/").unwrap();
        assert!(p.check_url(&url).is_err());
    }
}
