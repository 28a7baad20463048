//! The client's address, for the login throttle: the peer of the connection
//! (`ConnectInfo<SocketAddr>`, which `axum::serve` provides when the router is served with
//! `into_make_service_with_connect_info`), or — when that peer is one of the configured
//! `trusted_proxies` — the nearest address in `X-Forwarded-For` that is not one of them.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

use super::{AppError, AppState};

/// Where a request comes from, as the throttle counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key failures are counted under: an IPv4 address, or the /64 network of an IPv6 one
    /// (one subscriber holds a whole /64 and can take any address in it, RFC 6177).
    pub fn key(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                    format!("{net}/64")
                }
            },
        }
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy, else the last address of
/// `forwarded_for` (the `X-Forwarded-For` values, in order) that is not a trusted proxy.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut hops = forwarded_for
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    while let Some(hop) = hops.pop() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A hop that is no address: nothing further left can be trusted.
            Err(_) => break,
        }
    }
    peer
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "no client address: serve the router with into_make_service_with_connect_info"
                ))
            })?;
        let trusted = parts
            .extensions
            .get::<AppState>()
            .map(|s| s.config.trusted_proxies.clone())
            .unwrap_or_default();
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientAddr(client_address(peer, &forwarded, &trusted)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy = ip("10.0.0.1");
        // Not from the proxy: the header is the client's own claim and is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["198.51.100.1"], &[proxy]),
            ip("203.0.113.9")
        );
        // From the proxy: the nearest hop it did not add itself.
        assert_eq!(
            client_address(proxy, &["198.51.100.1, 203.0.113.9"], &[proxy]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(proxy, &["198.51.100.1", "203.0.113.9, 10.0.0.1"], &[proxy]),
            ip("203.0.113.9")
        );
        // From the proxy without a usable header: the proxy.
        assert_eq!(client_address(proxy, &[], &[proxy]), proxy);
        assert_eq!(client_address(proxy, &["unknown"], &[proxy]), proxy);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        assert_eq!(ClientAddr(ip("127.0.0.2")).key(), "127.0.0.2");
        assert_eq!(
            ClientAddr(ip("2001:db8:1:2:aaaa::1")).key(),
            ClientAddr(ip("2001:db8:1:2:bbbb::9")).key()
        );
        assert_eq!(ClientAddr(ip("2001:db8:1:2::5")).key(), "2001:db8:1:2::/64");
        assert_eq!(ClientAddr(ip("::ffff:192.0.2.7")).key(), "192.0.2.7");
    }
}
