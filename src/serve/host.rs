//! Which names a request may give in its `Host` header. A page on any web site can make the
//! browser resolve its own domain to 127.0.0.1 (DNS rebinding) and then read the preview,
//! drafts included, as if it were the same origin; the browser still sends that domain as the
//! `Host`, so serve answers only to names that cannot be rebound: loopback, the address it is
//! bound to, and the host of `--base-url` when given.

use std::net::IpAddr;

/// The names serve answers to.
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    /// The bound address; a wildcard (`0.0.0.0`, `::`) stands for every address of the machine.
    bind: IpAddr,
    /// Further names, lower case, without a port (the host of `--base-url`).
    names: Vec<String>,
}

impl Hosts {
    /// The names of a server bound to `bind`, plus `also` (a URL's host, a port allowed).
    pub(crate) fn new(bind: IpAddr, also: Option<&str>) -> Hosts {
        Hosts {
            bind,
            names: also.and_then(name_of).into_iter().collect(),
        }
    }

    /// Whether a request naming `host` (a `Host` header: `name`, `name:port`, `[v6]:port`) is
    /// for this server. The port is not checked: only the name says which site a browser thinks
    /// it is talking to, and a forwarded port (ssh -L) changes the port only.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let Some(name) = name_of(host) else { return false };
        if name == "localhost" || self.names.contains(&name) {
            return true;
        }
        let Ok(ip) = name.parse::<IpAddr>() else { return false };
        // An address typed as digits cannot be rebound; on a wildcard bind, any of the
        // machine's addresses may be the one browsed.
        ip.is_loopback() || ip == self.bind || self.bind.is_unspecified()
    }

    /// The names accepted, for the refusal message.
    pub(crate) fn describe(&self) -> String {
        let mut list = vec!["localhost".to_string(), "127.0.0.1".into(), "[::1]".into()];
        if self.bind.is_unspecified() {
            list.push("any IP address of this machine".into());
        } else if !self.bind.is_loopback() {
            list.push(match self.bind {
                IpAddr::V4(ip) => ip.to_string(),
                IpAddr::V6(ip) => format!("[{ip}]"),
            });
        }
        list.extend(self.names.iter().cloned());
        list.join(", ")
    }
}

/// The name part of a `Host` value (`Example.org.:8080` → `example.org`, `[::1]:80` → `::1`),
/// lower case, without a trailing dot; None when it is not `name[:port]`.
fn name_of(host: &str) -> Option<String> {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            inside.parse::<std::net::Ipv6Addr>().ok()?;
            let port = match after {
                "" => None,
                after => Some(after.strip_prefix(':')?),
            };
            (inside, port)
        }
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'));
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_are_accepted_with_or_without_a_port() {
        let hosts = Hosts::new("127.0.0.1".parse().unwrap(), None);
        for ok in [
            "localhost",
            "localhost:1111",
            "LocalHost.:1111",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "192.168.1.5:1111",
            "",
            ":1111",
            "localhost:",
            "localhost:http",
            "localhost:1111:2",
            "[::1",
            "[::1]x",
            "[evil]:80",
            "::1",
            "local host",
            "localhost/x",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn the_bound_address_and_the_base_url_host_are_accepted() {
        let lan = Hosts::new("192.168.1.5".parse().unwrap(), Some("Preview.Example:8080"));
        assert!(lan.allows("192.168.1.5:1111"));
        assert!(lan.allows("preview.example"));
        assert!(lan.allows("localhost:1111"));
        assert!(!lan.allows("192.168.1.6:1111"));
        assert!(!lan.allows("example"));
        assert!(lan.describe().contains("192.168.1.5"));

        let any = Hosts::new("0.0.0.0".parse().unwrap(), None);
        assert!(any.allows("10.0.0.7:1111"));
        assert!(any.allows("[fe80::1]:1111"));
        assert!(!any.allows("mylaptop.local:1111"), "a name can be rebound");
    }
}
