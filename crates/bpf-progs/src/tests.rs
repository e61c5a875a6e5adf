//! The checked-in object matches its sources, and the Rust mirrors match its BTF.

use std::collections::HashMap;

use object::{Object, ObjectSection};
use sha2::{Digest, Sha256};

use super::*;

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stale objects are caught here without clang; CI also rebuilds them (`cargo xtask bpf --check`).
#[test]
fn manifest_matches_sources_and_object() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(dir.join("obj/MANIFEST")).expect("obj/MANIFEST");
    let mut listed = Vec::new();
    for line in manifest.lines() {
        let Some((kind, rest)) = line.split_once(": ") else { continue };
        if kind != "source" && kind != "object" {
            continue;
        }
        let (hash, path) = rest.split_once(' ').expect("hash and path");
        let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            sha256(&bytes),
            hash,
            "{path} changed since `cargo xtask bpf`: rebuild the objects"
        );
        listed.push(path.to_string());
    }
    for entry in std::fs::read_dir(dir.join("src/bpf")).expect("src/bpf") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        assert!(
            listed.contains(&format!("src/bpf/{name}")),
            "src/bpf/{name} is not in obj/MANIFEST"
        );
    }
}

/// Struct name -> (size, [(member, byte offset)]) from a BTF blob.
fn btf_structs(btf: &[u8]) -> HashMap<String, (u32, Vec<(String, u32)>)> {
    let u32_at = |o: usize| u32::from_le_bytes(btf[o..o + 4].try_into().expect("4 bytes"));
    let hdr_len = u32_at(4) as usize;
    let (type_off, type_len) = (u32_at(8) as usize, u32_at(12) as usize);
    let str_off = u32_at(16) as usize;
    let types = hdr_len + type_off;
    let strings = hdr_len + str_off;
    let name = |off: u32| {
        let start = strings + off as usize;
        let end = btf[start..].iter().position(|b| *b == 0).map_or(btf.len(), |p| start + p);
        String::from_utf8_lossy(&btf[start..end]).into_owned()
    };
    let mut out = HashMap::new();
    let mut o = types;
    while o < types + type_len {
        let (name_off, info, size) = (u32_at(o), u32_at(o + 4), u32_at(o + 8));
        let kind = (info >> 24) & 0x1f;
        let vlen = (info & 0xffff) as usize;
        let kind_flag = info >> 31 == 1;
        o += 12;
        let extra = match kind {
            1 | 14 | 17 => 4,
            3 => 12,
            4 | 5 => vlen * 12,
            6 | 13 => vlen * 8,
            15 | 19 => vlen * 12,
            _ => 0,
        };
        if kind == 4 {
            let members = (0..vlen)
                .map(|i| {
                    let m = o + i * 12;
                    let bits = u32_at(m + 8);
                    let bit_off = if kind_flag { bits & 0xff_ffff } else { bits };
                    (name(u32_at(m)), bit_off / 8)
                })
                .collect();
            out.insert(name(name_off), (size, members));
        }
        o += extra;
    }
    out
}

fn offset_of_all<T>(fields: &[(&str, usize)]) -> Vec<(String, u32)> {
    let _ = std::mem::size_of::<T>();
    fields.iter().map(|(n, o)| (n.to_string(), *o as u32)).collect()
}

macro_rules! layout {
    ($t:ty, $c:literal, { $($rust:ident => $cname:literal),* $(,)? }) => {
        ($c, std::mem::size_of::<$t>() as u32, offset_of_all::<$t>(&[$(($cname, std::mem::offset_of!($t, $rust))),*]))
    };
}

#[test]
fn mirrors_match_the_objects_btf() {
    let file = object::File::parse(HOSTFW_OBJ).expect("ELF object");
    let btf = file.section_by_name(".BTF").expect(".BTF section").data().expect("BTF data");
    let structs = btf_structs(btf);
    let expected = [
        layout!(Config, "config", { flags => "flags", wg_mark => "wg_mark", wg_mark_mask => "wg_mark_mask", trace_sampling => "trace_sampling", wg_port => "wg_port", cluster_port => "cluster_port", proxy_port => "proxy_port", pad => "pad" }),
        layout!(ProxyValue, "proxy_value", { identity => "identity", direction => "direction", pad => "pad" }),
        layout!(IpcacheKey, "ipcache_key", { prefixlen => "prefixlen", family => "family", pad => "pad", addr => "addr" }),
        layout!(IpcacheValue, "ipcache_value", { identity => "identity", flags => "flags" }),
        layout!(PolicyKey, "policy_key", { prefixlen => "prefixlen", identity => "identity", direction => "direction", protocol => "protocol", dport => "dport" }),
        layout!(PolicyValue, "policy_value", { verdict => "verdict", flags => "flags", match_type => "match_type", pad => "pad", rule_id => "rule_id" }),
        layout!(CtKey, "ct_key", { saddr => "saddr", daddr => "daddr", sport => "sport", dport => "dport", proto => "proto", family => "family", path => "path", pad => "pad" }),
        layout!(CtValue, "ct_value", { expires => "expires", packets_fwd => "packets_fwd", bytes_fwd => "bytes_fwd", packets_rev => "packets_rev", bytes_rev => "bytes_rev", rule_id => "rule_id", flags_fwd => "flags_fwd", flags_rev => "flags_rev", direction => "direction", state_flags => "state_flags" }),
        layout!(FragKey, "frag_key", { saddr => "saddr", daddr => "daddr", id => "id", proto => "proto", family => "family", pad => "pad" }),
        layout!(FragValue, "frag_value", { expires => "expires", sport => "sport", dport => "dport", proto => "proto", pad => "pad" }),
        layout!(MetricsValue, "metrics_value", { count => "count", bytes => "bytes" }),
        layout!(Event, "event", { ts => "ts", kind => "type", subtype => "subtype", direction => "direction", family => "family", proto => "proto", tcp_flags => "tcp_flags", verdict => "verdict", ct_state => "ct_state", match_type => "match_type", icmp_type => "icmp_type", icmp_code => "icmp_code", pad => "pad", ifindex => "ifindex", pkt_len => "pkt_len", src_identity => "src_identity", dst_identity => "dst_identity", rule_id => "rule_id", sport => "sport", dport => "dport", saddr => "saddr", daddr => "daddr" }),
        layout!(DebugEvent, "debug_event", { ts => "ts", kind => "type", subtype => "subtype", source => "source", hash => "hash", arg1 => "arg1", arg2 => "arg2", arg3 => "arg3", cpu => "cpu" }),
    ];
    for (cname, size, fields) in expected {
        let (btf_size, btf_fields) =
            structs.get(cname).unwrap_or_else(|| panic!("struct {cname} not in the object's BTF"));
        assert_eq!(*btf_size, size, "size of struct {cname}");
        assert_eq!(btf_fields, &fields, "members of struct {cname}");
    }
}

#[test]
fn object_has_every_program_and_map() {
    let file = object::File::parse(HOSTFW_OBJ).expect("ELF object");
    let symbols: Vec<String> = object::Object::symbols(&file)
        .filter_map(|s| object::ObjectSymbol::name(&s).ok().map(str::to_string))
        .collect();
    for name in programs::ALL.iter().chain(maps::ALL) {
        assert!(symbols.iter().any(|s| s == name), "{name} missing from the object");
    }
}
