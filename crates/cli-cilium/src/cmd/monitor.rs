//! `cilium monitor`: datapath events as they happen, in cilium-dbg's line format or as JSON.

use std::io::Write;
use std::process::ExitCode;

use agent_core::api::monitor::{
    EventKind, MonitorEvent, MonitorRecord, drop_reason_name, obs_point_name, proto_name,
    reserved_identity_name, tcp_flag_names,
};

use crate::cli::{Cli, MonitorArgs};

fn identity(id: u32) -> String {
    reserved_identity_name(id).map_or_else(|| id.to_string(), str::to_string)
}

fn endpoints(e: &MonitorEvent) -> String {
    let addr = |ip: std::net::IpAddr, port: u16| match ip {
        std::net::IpAddr::V6(_) => format!("[{ip}]:{port}"),
        _ => format!("{ip}:{port}"),
    };
    let mut s = format!(
        "{} -> {} {}",
        addr(e.src, e.sport),
        addr(e.dst, e.dport),
        proto_name(e.proto).to_lowercase()
    );
    let flags = tcp_flag_names(e.tcp_flags);
    if e.proto == 6 && !flags.is_empty() {
        s.push(' ');
        s.push_str(&flags.join(", "));
    }
    s
}

/// One event in cilium-dbg monitor's shape.
pub fn line(r: &MonitorRecord) -> String {
    let e = &r.event;
    let ids = format!("identity {}->{}", identity(e.src_identity), identity(e.dst_identity));
    // Upstream names the interface where it can, as here.
    let ifname = if r.ifname.is_empty() { e.ifindex.to_string() } else { r.ifname.clone() };
    match e.kind {
        // Upstream's drop line keeps the number.
        EventKind::Drop => format!(
            "xx drop ({}) flow 0x0 to endpoint 0, ifindex {}, {ids}: {}",
            drop_reason_name(e.subtype),
            e.ifindex,
            endpoints(e)
        ),
        EventKind::Trace => {
            let state = match e.ct_state {
                1 => "new",
                2 => "established",
                3 => "reply",
                4 => "related",
                _ => "unknown",
            };
            // No address is translated here, so the original address is always unspecified.
            let orig = if e.src.is_ipv6() { "::" } else { "0.0.0.0" };
            let mut summary = trace_summary(e.subtype).to_string();
            if r.proxy_port != 0 && summary == "-> proxy" {
                summary = format!("-> proxy port {}", r.proxy_port);
            }
            format!(
                "{summary} flow 0x0 , {ids} state {state} ifindex {ifname} orig-ip {orig}: {}",
                endpoints(e)
            )
        }
        EventKind::PolicyVerdict => {
            let action = match e.verdict {
                1 => "allow",
                4 => "audit",
                _ => "deny",
            };
            let remote = if e.ingress { e.src_identity } else { e.dst_identity };
            format!(
                "Policy verdict log: flow 0x0 local EP ID 0, remote ID {}, proto {}, {}, action {action}, auth: disabled, match {}, {}",
                identity(remote),
                e.proto,
                if e.ingress { "ingress" } else { "egress" },
                match_name(e.match_type),
                endpoints(e)
            )
        }
    }
}

/// Where a traced packet went, as cilium-dbg monitor words it (`-> network`, `<- stack`): its
/// own words, not the observation point's name (`to-network`) that Hubble and JSON use. There
/// are no endpoints here but the host: the endpoint numbers upstream would print are 0.
fn trace_summary(obs_point: u8) -> &'static str {
    match obs_point_name(obs_point) {
        "to-endpoint" => "-> endpoint 0",
        "to-proxy" => "-> proxy",
        "to-host" => "-> host from",
        "to-stack" => "-> stack",
        "to-overlay" => "-> overlay",
        "to-network" => "-> network",
        "to-crypto" => "-> crypto",
        "from-endpoint" => "<- endpoint 0",
        "from-proxy" => "<- proxy",
        "from-host" => "<- host",
        "from-stack" => "<- stack",
        "from-overlay" => "<- overlay",
        "from-network" => "<- network",
        "from-crypto" => "<- crypto",
        _ => "unknown trace",
    }
}

fn match_name(m: u8) -> &'static str {
    match m {
        1 => "L3-Only",
        2 => "L3-L4",
        3 => "L4-Only",
        4 => "all",
        5 => "L3-Proto",
        6 => "Proto-Only",
        _ => "none",
    }
}

pub async fn run(cli: &Cli, args: &MonitorArgs) -> anyhow::Result<ExitCode> {
    let client = crate::client(&cli.host)?;
    let mut stream = client.monitor(&args.types).await?;
    if !args.json {
        eprintln!("Listening for events... Press Ctrl-C to quit");
    }
    let mut out = std::io::stdout().lock();
    while let Some(line) = stream.next_line().await {
        let line = line?;
        let text = if args.json {
            line
        } else if let Ok(ev) = serde_json::from_str::<MonitorRecord>(&line) {
            self::line(&ev)
        } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
            format!("Lost {} events", v["lost"])
        } else {
            continue;
        };
        match writeln!(out, "{text}").and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            other => other?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::line;
    use agent_core::api::monitor::{EventKind, MonitorEvent, MonitorRecord};

    fn event(kind: EventKind, subtype: u8) -> MonitorRecord {
        let event = MonitorEvent {
            time_ns: 0,
            kind,
            subtype,
            ingress: false,
            src: "192.168.1.10".parse().expect("ip"),
            dst: "192.168.1.11".parse().expect("ip"),
            sport: 40000,
            dport: 8080,
            proto: 6,
            tcp_flags: 0x02,
            verdict: 0,
            ct_state: 1,
            match_type: 0,
            icmp_type: 0,
            icmp_code: 0,
            ifindex: 2,
            len: 60,
            src_identity: 1,
            dst_identity: 6,
            rule_id: 0,
        };
        MonitorRecord { event, ifname: "eth0".into(), proxy_port: 0 }
    }

    #[test]
    fn traces_read_as_cilium_dbg_monitor_prints_them() {
        assert_eq!(
            line(&event(EventKind::Trace, 11)),
            "-> network flow 0x0 , identity host->remote-node state new ifindex eth0 orig-ip 0.0.0.0: 192.168.1.10:40000 -> 192.168.1.11:8080 tcp SYN"
        );
        let mut to_proxy = event(EventKind::Trace, 1);
        assert!(line(&to_proxy).starts_with("-> proxy flow 0x0 , identity "), "no port known");
        to_proxy.proxy_port = 10000;
        assert!(line(&to_proxy).starts_with("-> proxy port 10000 flow 0x0 , identity "));
        // An agent that does not name the interface: its number.
        let mut unnamed = event(EventKind::Trace, 11);
        unnamed.ifname.clear();
        assert!(line(&unnamed).contains(" ifindex 2 orig-ip "));
        // The stream's JSON: the event's fields and the agent's additions side by side.
        let json = serde_json::to_value(&to_proxy).expect("json");
        assert_eq!((json["ifindex"].as_u64(), json["ifname"].as_str()), (Some(2), Some("eth0")));
        assert_eq!(json["proxy_port"].as_u64(), Some(10000));
        let back: MonitorRecord = serde_json::from_value(json).expect("parse");
        assert_eq!(back, to_proxy);
        assert!(line(&event(EventKind::Trace, 10)).starts_with("<- network flow"));
        assert!(line(&event(EventKind::Trace, 3)).starts_with("-> stack flow"));
        let drop = line(&event(EventKind::Drop, 133));
        assert!(
            drop.starts_with("xx drop (Policy denied) flow 0x0 to endpoint 0, ifindex 2, "),
            "{drop}"
        );
    }
}
