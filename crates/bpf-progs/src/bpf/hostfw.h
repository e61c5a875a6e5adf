/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Layouts shared by the host-firewall programs and the agent. Every struct here has a
 * #[repr(C)] mirror in crates/bpf-progs/src/lib.rs, checked against this object's BTF by a
 * test; change both together.
 */
#ifndef HOSTFW_H
#define HOSTFW_H

#include <linux/types.h>

/* Policy / CT directions, from the host's point of view. */
#define DIR_INGRESS 0
#define DIR_EGRESS 1

/* Reserved identities (Cilium's numbering). */
#define ID_UNKNOWN 0
#define ID_HOST 1
#define ID_WORLD 2

/* ipcache flags. */
#define IPC_F_ENCRYPT 1 /* traffic to this address must leave through WireGuard */
#define IPC_F_NODE 2    /* a cluster node */

/* config.flags */
#define CFG_ENFORCE_INGRESS (1u << 0)
#define CFG_ENFORCE_EGRESS (1u << 1)
#define CFG_AUDIT (1u << 2)
#define CFG_STRICT_ENCRYPT (1u << 3)
#define CFG_TRACE_NOTIFY (1u << 4)
#define CFG_DROP_NOTIFY (1u << 5)
#define CFG_VERDICT_NOTIFY (1u << 6)
#define CFG_AUDIT_INGRESS (1u << 7) /* default-deny ingress only reports */
#define CFG_AUDIT_EGRESS (1u << 8)
#define CFG_ENCRYPTION (1u << 9) /* a node's identity only for packets out of cilium_wg0 */
#define CFG_DEBUG (1u << 10)     /* datapath debug messages (debug.verbose: datapath) */

/* policy_value.verdict */
#define VERDICT_ALLOW 1
#define VERDICT_DENY 2
/* policy_value.flags */
#define POLICY_F_AUDIT 1
#define POLICY_F_FAILSAFE 2 /* an allow no deny can override */
#define POLICY_F_REDIRECT 4 /* an allow through the agent's L7 proxy (TCP) */

/* skb->mark values (Cilium's, under the same mask; WireGuard's own is 0xe00). */
#define MARK_MASK 0x0f00
#define MARK_TO_PROXY 0x0200  /* egress redirected to loopback: routed locally (table 2004) */
#define MARK_FROM_PROXY 0x0b00 /* the proxy's own upstream connections: never redirected */

/* Event types: Cilium's monitor message types. */
#define EV_DROP 1
#define EV_DEBUG 2
#define EV_TRACE 4
#define EV_POLICY_VERDICT 5

/* Hubble verdicts carried in events. */
#define FLOW_FORWARDED 1
#define FLOW_DROPPED 2
#define FLOW_AUDIT 4

/* Trace observation points (Cilium's TRACE_* values). */
#define OBS_TO_PROXY 1
#define OBS_TO_STACK 3
#define OBS_FROM_NETWORK 10
#define OBS_TO_NETWORK 11
#define OBS_FROM_CRYPTO 12
#define OBS_TO_CRYPTO 13

/* CT states, reported as trace reasons (Cilium's TRACE_REASON_*). */
#define CT_NEW 1
#define CT_ESTABLISHED 2
#define CT_REPLY 3
#define CT_RELATED 4

/* Debug message subtypes: Cilium's DBG_* numbers, so Hubble names them the same. */
#define DBG_POLICY_DENIED 5
#define DBG_CT_MATCH 8
#define DBG_CT_VERDICT 15
#define DBG_CT_LOOKUP4_1 48
#define DBG_CT_LOOKUP4_2 49
#define DBG_CT_CREATED4 50
#define DBG_CT_LOOKUP6_1 51
#define DBG_CT_LOOKUP6_2 52
#define DBG_CT_CREATED6 53
#define DBG_IP_ID_MAP_FAILED4 56
#define DBG_IP_ID_MAP_FAILED6 57
#define DBG_IP_ID_MAP_SUCCEED4 58
#define DBG_IP_ID_MAP_SUCCEED6 59

/* Drop reasons: Cilium's codes, so Hubble shows the same names. */
#define DROP_INVALID_SIP 132
#define DROP_POLICY 133
#define DROP_INVALID 134
#define DROP_CT_INVALID_HDR 135
#define DROP_UNKNOWN_L3 139
#define DROP_UNKNOWN_L4 142
#define DROP_INVALID_EXTHDR 156
#define DROP_FRAG_NOT_FOUND 175
#define DROP_SOCKET_LOOKUP_FAILED 178 /* the L7 proxy is not listening */
#define DROP_SOCKET_ASSIGN_FAILED 179
#define DROP_POLICY_DENY 181
#define DROP_UNENCRYPTED 195

/* Metrics slots: reason * 2 + direction; reason 0 is "forwarded". */
#define METRICS_SLOTS 512
#define METRICS_LOST_EVENTS 510 /* ring buffer full */

struct config {
	__u32 flags;
	__u32 wg_mark;      /* skb->mark of WireGuard's own UDP packets (masked) */
	__u32 wg_mark_mask;
	__u32 trace_sampling; /* emit 1 of N trace events; 0 or 1 = all */
	__u16 wg_port;      /* network order: WireGuard's UDP port */
	__u16 cluster_port; /* network order: the plaintext bootstrap port of announcements */
	__u16 proxy_port;   /* host order: the L7 proxy's listener on loopback; 0 = none */
	__u16 pad;
};

struct ipcache_key {
	__u32 prefixlen; /* 32 (family + pad) + address bits */
	__u8 family;     /* 4 or 6 */
	__u8 pad[3];
	__u8 addr[16];   /* IPv4 in the first 4 bytes */
};

struct ipcache_value {
	__u32 identity;
	__u32 flags;
};

struct policy_key {
	__u32 prefixlen; /* 32 identity + 8 direction + 8 protocol + 0..16 port bits */
	__u32 identity;  /* 0 = any peer */
	__u8 direction;
	__u8 protocol;   /* 0 = any */
	__u16 dport;     /* network order; ICMP type for ICMP */
};

struct policy_value {
	__u8 verdict;
	__u8 flags;
	__u8 match_type; /* Hubble policy_match_type */
	__u8 pad;
	__u32 rule_id;   /* resolved to policy names by the agent */
};

/* ct_key.path: where the connection's packets pass. Only WireGuard authenticates a peer, so a
 * plaintext packet never matches a connection that was opened through the tunnel. */
#define PATH_PLAIN 0
#define PATH_TUNNEL 1

struct ct_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport; /* network order */
	__u16 dport;
	__u8 proto;
	__u8 family;
	__u8 path;   /* PATH_* */
	__u8 pad;
};

struct ct_value {
	__u64 expires;    /* CLOCK_MONOTONIC ns */
	__u64 packets_fwd;
	__u64 bytes_fwd;
	__u64 packets_rev;
	__u64 bytes_rev;
	__u32 rule_id;
	__u8 flags_fwd;   /* TCP flags seen from the opener */
	__u8 flags_rev;   /* TCP flags seen in replies */
	__u8 direction;   /* direction of the packet that opened it */
	__u8 state_flags; /* CT_F_* */
};

#define CT_F_AUDITED 1
#define CT_F_CLOSING 2
#define CT_F_SEEDED 4 /* created by the agent from an existing socket */
#define CT_F_PROXY 8  /* its packets from the opener go to the L7 proxy */
#define CT_F_FROM_PROXY 16 /* the L7 proxy's own connection to a server (egress, its mark) */

/* The identity the datapath gave the peer of a connection it handed to the L7 proxy, keyed
 * by the connection as a ct_key with path 0: the proxy judges requests by what WireGuard
 * authenticated, not by an address a plaintext packet can claim. */
struct proxy_value {
	__u32 identity;
	__u8 direction; /* DIR_INGRESS: the peer dialled us; DIR_EGRESS: we dialled the peer */
	__u8 pad[3];
};

struct frag_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 id;
	__u8 proto;  /* IPv4's protocol; IPv6: the Fragment header's next header, the same in every fragment */
	__u8 family;
	__u8 pad[2];
};

struct frag_value {
	__u64 expires; /* CLOCK_MONOTONIC ns */
	__u16 sport;
	__u16 dport;
	__u8 proto;    /* the L4 protocol the first fragment carried */
	__u8 pad[3];
};

struct metrics_value {
	__u64 count;
	__u64 bytes;
};

struct event {
	__u64 ts;          /* CLOCK_MONOTONIC ns */
	__u8 type;         /* EV_* */
	__u8 subtype;      /* drop reason, or observation point */
	__u8 direction;    /* 1 ingress, 2 egress (Hubble TrafficDirection) */
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 verdict;      /* FLOW_* */
	__u8 ct_state;     /* CT_* */
	__u8 match_type;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 pad;
	__u32 ifindex;
	__u32 pkt_len;
	__u32 src_identity;
	__u32 dst_identity;
	__u32 rule_id;
	__u16 sport;       /* network order */
	__u16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
};

/* A datapath debug message (EV_DEBUG): Cilium's debug_msg with the CPU it ran on. What the
 * arguments mean depends on the subtype; the agent turns them into Cilium's sentences. */
struct debug_event {
	__u64 ts;          /* CLOCK_MONOTONIC ns */
	__u8 type;         /* EV_DEBUG, at the offset of event.type */
	__u8 subtype;      /* DBG_* */
	__u16 source;      /* endpoint ID: 0, the host */
	__u32 hash;        /* skb hash, so one packet's messages can be told apart */
	__u32 arg1;
	__u32 arg2;
	__u32 arg3;
	__u32 cpu;
};

#endif
