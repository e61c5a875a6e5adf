//! The filter flags of `hubble observe`, kept as data: one table drives the clap definition
//! (and so `--help`, completions and man pages) and the translation in [`super::filters`].
//!
//! The flags are not ordinary clap fields because `--not` applies to whichever filter flag comes
//! next on the command line: [`FilterArgs`] records every occurrence with its position and hands
//! the translation a list in command-line order.

use clap::{Arg, ArgAction, ArgMatches, Command};

/// A filter flag; [`SPECS`] has its name and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    Not,
    Uuid,
    NodeName,
    NodeLabel,
    Cluster,
    FromCluster,
    ToCluster,
    Protocol,
    TcpFlags,
    Type,
    Verdict,
    DropReasonDesc,
    HttpStatus,
    HttpMethod,
    HttpPath,
    HttpUrl,
    HttpHeader,
    TraceId,
    IpTraceId,
    Fqdn,
    FromFqdn,
    ToFqdn,
    Ip,
    FromIp,
    ToIp,
    SnatIp,
    Ipv4,
    Ipv6,
    IpVersion,
    Pod,
    FromPod,
    ToPod,
    Namespace,
    FromNamespace,
    ToNamespace,
    AllNamespaces,
    FromAllNamespaces,
    ToAllNamespaces,
    Label,
    FromLabel,
    ToLabel,
    Service,
    FromService,
    ToService,
    Port,
    FromPort,
    ToPort,
    Workload,
    FromWorkload,
    ToWorkload,
    Identity,
    FromIdentity,
    ToIdentity,
    TrafficDirection,
    CelExpression,
    Interface,
    Encrypted,
    Unencrypted,
}

/// One row of the table.
#[derive(Debug)]
pub struct Spec {
    /// Which flag.
    pub flag: Flag,
    /// Long name.
    pub long: &'static str,
    /// Short name.
    pub short: Option<char>,
    /// Placeholder in `--help`; `None` for flags without a value.
    pub value: Option<&'static str>,
    /// One-line help.
    pub help: &'static str,
}

const fn spec(
    flag: Flag,
    long: &'static str,
    short: Option<char>,
    value: Option<&'static str>,
    help: &'static str,
) -> Spec {
    Spec { flag, long, short, value, help }
}

use Flag as F;

/// Every filter flag, in `--help` order.
pub const SPECS: &[Spec] = &[
    spec(
        F::Not,
        "not",
        None,
        None,
        "Put the next filter on the denylist, e.g. --not --from-ip 2.2.2.2",
    ),
    spec(
        F::FromIp,
        "from-ip",
        None,
        Some("IP"),
        "Flows from this IP address or CIDR (e.g. 1.1.1.1, 1.1.1.0/24)",
    ),
    spec(F::Ip, "ip", None, Some("IP"), "Flows from or to this IP address or CIDR"),
    spec(F::ToIp, "to-ip", None, Some("IP"), "Flows to this IP address or CIDR"),
    spec(F::SnatIp, "snat-ip", None, Some("IP"), "Flows SNATed to this IP address or CIDR"),
    spec(F::FromPort, "from-port", None, Some("PORT"), "Flows from this port (e.g. 8080)"),
    spec(F::Port, "port", None, Some("PORT"), "Flows from or to this port"),
    spec(F::ToPort, "to-port", None, Some("PORT"), "Flows to this port"),
    spec(
        F::Protocol,
        "protocol",
        None,
        Some("PROTO"),
        "Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, vrrp, igmp, dns, http, kafka",
    ),
    spec(
        F::Verdict,
        "verdict",
        None,
        Some("VERDICT"),
        "Flows with this verdict: FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED (upper case)",
    ),
    spec(
        F::DropReasonDesc,
        "drop-reason-desc",
        None,
        Some("REASON"),
        "Drops with this reason (e.g. POLICY_DENIED, UNSUPPORTED_L3_PROTOCOL)",
    ),
    spec(
        F::Type,
        "type",
        Some('t'),
        Some("TYPE[:SUBTYPE]"),
        "Events of this type: trace[:POINT], drop, capture, l7, policy-verdict, trace-sock or a \
         number. POINT: to-network, from-network, to-stack, from-stack, to-endpoint, \
         from-endpoint, to-host, from-host, to-proxy, from-proxy, to-overlay, from-overlay, \
         to-crypto, from-crypto or a number. trace-audit: what policy audit mode let through \
         (verdict AUDIT)",
    ),
    spec(
        F::TcpFlags,
        "tcp-flags",
        None,
        Some("FLAGS"),
        "Flows with all of these TCP flags (e.g. syn, syn,ack, fin)",
    ),
    spec(
        F::FromLabel,
        "from-label",
        None,
        Some("SELECTOR"),
        "Flows from an endpoint with these labels (e.g. key1=value1, reserved:world)",
    ),
    spec(
        F::Label,
        "label",
        Some('l'),
        Some("SELECTOR"),
        "Flows from or to an endpoint with these labels",
    ),
    spec(F::ToLabel, "to-label", None, Some("SELECTOR"), "Flows to an endpoint with these labels"),
    spec(
        F::FromIdentity,
        "from-identity",
        None,
        Some("IDENTITY"),
        "Flows from this security identity: a number or a reserved name (host, world, remote-node, health, ...)",
    ),
    spec(
        F::Identity,
        "identity",
        None,
        Some("IDENTITY"),
        "Flows from or to this security identity",
    ),
    spec(F::ToIdentity, "to-identity", None, Some("IDENTITY"), "Flows to this security identity"),
    spec(
        F::NodeName,
        "node-name",
        None,
        Some("PATTERN"),
        "Flows observed on these nodes (e.g. vm-*, cluster/vm-1)",
    ),
    spec(
        F::NodeLabel,
        "node-label",
        None,
        Some("SELECTOR"),
        "Flows observed on nodes with these labels (e.g. key1=value1)",
    ),
    spec(F::Ipv4, "ipv4", Some('4'), None, "IPv4 flows only"),
    spec(F::Ipv6, "ipv6", Some('6'), None, "IPv6 flows only"),
    spec(
        F::IpVersion,
        "ip-version",
        None,
        Some("none|v4|v6"),
        "Flows of this IP version (none: non-IP, e.g. ARP)",
    ),
    spec(
        F::TrafficDirection,
        "traffic-direction",
        None,
        Some("ingress|egress"),
        "Flows in this direction",
    ),
    spec(F::Uuid, "uuid", None, Some("UUID"), "The flow with this unique identifier"),
    spec(
        F::Interface,
        "interface",
        None,
        Some("NAME"),
        "Flows observed at this network interface (e.g. eth0)",
    ),
    spec(F::Encrypted, "encrypted", None, None, "Encrypted flows only (WireGuard, IPsec)"),
    spec(F::Unencrypted, "unencrypted", None, None, "Unencrypted flows only"),
    spec(F::TraceId, "trace-id", None, Some("ID"), "Flows with this trace ID"),
    spec(F::IpTraceId, "ip-trace-id", None, Some("ID"), "Flows with this IP trace ID"),
    spec(
        F::HttpStatus,
        "http-status",
        None,
        Some("CODE"),
        "HTTP flows with this status code prefix (e.g. 404, 5+)",
    ),
    spec(
        F::HttpMethod,
        "http-method",
        None,
        Some("METHOD"),
        "HTTP flows with this method (e.g. get, post)",
    ),
    spec(
        F::HttpPath,
        "http-path",
        None,
        Some("REGEX"),
        "HTTP flows whose path matches this regular expression",
    ),
    spec(
        F::HttpUrl,
        "http-url",
        None,
        Some("REGEX"),
        "HTTP flows whose URL matches this regular expression",
    ),
    spec(F::HttpHeader, "http-header", None, Some("KEY:VALUE"), "HTTP flows with this header"),
    spec(
        F::FromFqdn,
        "from-fqdn",
        None,
        Some("FQDN"),
        "Flows from this domain name (e.g. *.cilium.io)",
    ),
    spec(F::Fqdn, "fqdn", None, Some("FQDN"), "Flows from or to this domain name"),
    spec(F::ToFqdn, "to-fqdn", None, Some("FQDN"), "Flows to this domain name"),
    spec(
        F::FromPod,
        "from-pod",
        None,
        Some("[NS/]POD"),
        "Flows from pods with this name prefix (namespace default: default)",
    ),
    spec(F::Pod, "pod", None, Some("[NS/]POD"), "Flows from or to pods with this name prefix"),
    spec(F::ToPod, "to-pod", None, Some("[NS/]POD"), "Flows to pods with this name prefix"),
    spec(
        F::FromNamespace,
        "from-namespace",
        None,
        Some("NS"),
        "Flows from this Kubernetes namespace",
    ),
    spec(
        F::Namespace,
        "namespace",
        Some('n'),
        Some("NS"),
        "Flows from or to this Kubernetes namespace",
    ),
    spec(F::ToNamespace, "to-namespace", None, Some("NS"), "Flows to this Kubernetes namespace"),
    spec(
        F::FromAllNamespaces,
        "from-all-namespaces",
        None,
        None,
        "Flows from any Kubernetes namespace",
    ),
    spec(
        F::AllNamespaces,
        "all-namespaces",
        Some('A'),
        None,
        "Flows from or to any Kubernetes namespace",
    ),
    spec(F::ToAllNamespaces, "to-all-namespaces", None, None, "Flows to any Kubernetes namespace"),
    spec(
        F::FromService,
        "from-service",
        None,
        Some("[NS/]SVC"),
        "Flows from this service's ClusterIP (name prefix)",
    ),
    spec(
        F::Service,
        "service",
        None,
        Some("[NS/]SVC"),
        "Flows from or to this service's ClusterIP",
    ),
    spec(F::ToService, "to-service", None, Some("[NS/]SVC"), "Flows to this service's ClusterIP"),
    spec(
        F::FromWorkload,
        "from-workload",
        None,
        Some("[KIND/]NAME"),
        "Flows from endpoints of this workload",
    ),
    spec(
        F::Workload,
        "workload",
        None,
        Some("[KIND/]NAME"),
        "Flows from or to endpoints of this workload",
    ),
    spec(
        F::ToWorkload,
        "to-workload",
        None,
        Some("[KIND/]NAME"),
        "Flows to endpoints of this workload",
    ),
    spec(
        F::FromCluster,
        "from-cluster",
        None,
        Some("NAME"),
        "Flows from endpoints of this cluster",
    ),
    spec(
        F::Cluster,
        "cluster",
        None,
        Some("NAME"),
        "Flows from or to endpoints of these clusters (e.g. prod-*)",
    ),
    spec(F::ToCluster, "to-cluster", None, Some("NAME"), "Flows to endpoints of this cluster"),
    spec(
        F::CelExpression,
        "cel-expression",
        None,
        Some("EXPR"),
        "Flows matching this CEL expression",
    ),
];

impl Flag {
    /// The table row of this flag.
    pub fn spec(self) -> &'static Spec {
        SPECS.iter().find(|s| s.flag == self).unwrap_or(&SPECS[0])
    }

    /// The long name, for messages.
    pub fn long(self) -> &'static str {
        self.spec().long
    }
}

/// The filter flags of one command line, in the order they were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterArgs {
    /// Each occurrence; flags without a value carry an empty string.
    pub items: Vec<(Flag, String)>,
}

const HEADING: &str = "Filters";

impl clap::Args for FilterArgs {
    fn augment_args(mut cmd: Command) -> Command {
        for s in SPECS {
            let mut arg = Arg::new(s.long).long(s.long).help(s.help).help_heading(HEADING);
            if let Some(c) = s.short {
                arg = arg.short(c);
            }
            arg = match s.value {
                Some(v) => arg.value_name(v).num_args(1).action(ArgAction::Append),
                // Not `Count`: clap keeps one index for all occurrences of a counted flag, and
                // `--not` needs the position of each.
                None => arg.num_args(0).default_missing_value("true").action(ArgAction::Append),
            };
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for FilterArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut positioned: Vec<(usize, Flag, String)> = Vec::new();
        for s in SPECS {
            let Some(indices) = m.indices_of(s.long) else { continue };
            if s.value.is_some() {
                let values = m.get_many::<String>(s.long).into_iter().flatten();
                positioned.extend(indices.zip(values).map(|(i, v)| (i, s.flag, v.clone())));
            } else {
                positioned.extend(indices.map(|i| (i, s.flag, String::new())));
            }
        }
        positioned.sort_by_key(|(i, _, _)| *i);
        Ok(Self { items: positioned.into_iter().map(|(_, f, v)| (f, v)).collect() })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::{FromArgMatches, Parser};

    use super::*;

    #[derive(Debug, Parser)]
    struct T {
        #[command(flatten)]
        f: FilterArgs,
    }

    fn parse(args: &[&str]) -> Vec<(Flag, String)> {
        let m = <T as clap::CommandFactory>::command()
            .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .expect("parse");
        T::from_arg_matches(&m).expect("matches").f.items
    }

    #[test]
    fn keeps_command_line_order() {
        let got = parse(&[
            "--to-port",
            "80",
            "--not",
            "-4",
            "--from-ip=1.1.1.1",
            "--not",
            "-t",
            "drop",
            "-l",
            "app=x",
            "--to-port",
            "443",
            "--encrypted",
        ]);
        let s = |f, v: &str| (f, v.to_string());
        assert_eq!(
            got,
            vec![
                s(Flag::ToPort, "80"),
                s(Flag::Not, ""),
                s(Flag::Ipv4, ""),
                s(Flag::FromIp, "1.1.1.1"),
                s(Flag::Not, ""),
                s(Flag::Type, "drop"),
                s(Flag::Label, "app=x"),
                s(Flag::ToPort, "443"),
                s(Flag::Encrypted, ""),
            ]
        );
    }

    #[test]
    fn table_is_complete_and_unique() {
        let mut longs: Vec<&str> = SPECS.iter().map(|s| s.long).collect();
        longs.sort_unstable();
        longs.dedup();
        assert_eq!(longs.len(), SPECS.len());
        for s in SPECS {
            assert_eq!(s.flag.long(), s.long);
        }
    }
}
