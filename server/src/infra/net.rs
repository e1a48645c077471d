//! The network helpers both front doors use: where a request really came from.
use std::net::IpAddr;

use http::HeaderMap;
use ipnet::IpNet;

/// The client's address: the connection's peer, or, when the peer is a proxy listed in the
/// configuration, the last `X-Forwarded-For` hop that no trusted proxy vouches for. A header
/// from anyone else is ignored, so a client cannot pick its own address.
pub fn source_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(&client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = ip.to_canonical(),
            Err(_) => break,
        }
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// Whether the request reached the first proxy over TLS: only a trusted proxy's
/// `X-Forwarded-Proto` says so (this server itself speaks plain HTTP).
pub fn came_over_tls(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&peer.to_canonical()))
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.9, 203.0.113.5, 10.1.1.1".parse().unwrap(),
        );
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Through two trusted hops: the first untrusted address from the right.
        assert_eq!(
            source_address(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.5")
        );
        // Straight from a client: its header means nothing.
        assert_eq!(
            source_address(ip("192.0.2.1"), &headers, &trusted),
            ip("192.0.2.1")
        );
        assert_eq!(
            source_address(ip("192.0.2.1"), &headers, &[]),
            ip("192.0.2.1")
        );
        assert_eq!(
            source_address(ip("::ffff:192.0.2.1"), &HeaderMap::new(), &trusted),
            ip("192.0.2.1")
        );
    }
}
