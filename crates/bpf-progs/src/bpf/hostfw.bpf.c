// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host firewall on TC (clsact) ingress and egress.
 *
 * Per packet: parse (Ethernet or none, IPv4 with options / IPv6 with extension headers,
 * TCP/UDP/ICMP/ICMPv6/SCTP, fragments) -> strict-encryption check -> conntrack -> for new
 * connections only, ipcache (peer address -> identity) and policy (identity, direction,
 * protocol, port) -> verdict. Events go to a ring buffer only on state changes (new connection,
 * new TCP flags, verdicts, drops), so the ring buffer is not a per-packet cost.
 *
 * Headers are copied with bpf_skb_load_bytes: offsets depend on IP options and extension
 * headers, and copying keeps every read bounds-checked by the helper.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "hostfw.h"

char _license[] SEC("license") = "Dual BSD/GPL";

/* Loopback is interface 1 in every network namespace. */
#define LOOPBACK_IFINDEX 1
#define NSEC 1000000000ull
/* A half-open TCP connection (SYN seen, handshake not complete) and an unreplied flow of another
 * protocol live in cilium_ct_pending, away from established connections: a flood of spoofed
 * SYNs or datagrams can only ever evict other unconfirmed entries. */
#define CT_TCP_SYN_TIMEOUT (20ull * NSEC)
#define CT_TCP_EST_TIMEOUT (21600ull * NSEC)
#define CT_TCP_CLOSE_TIMEOUT (10ull * NSEC)
#define CT_OTHER_UNREPLIED_TIMEOUT (30ull * NSEC)
#define CT_OTHER_TIMEOUT (60ull * NSEC)
/* IPv6's reassembly timeout (RFC 8200), longer than Linux's 30 s for IPv4. */
#define FRAG_TIMEOUT (60ull * NSEC)

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__type(key, struct ipcache_key);
	__type(value, struct ipcache_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_ipcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__type(key, struct policy_key);
	__type(value, struct policy_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct ct_key);
	__type(value, struct ct_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_ct SEC(".maps");

/* Sized by the agent (a quarter of cilium_ct); see CT_TCP_SYN_TIMEOUT. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ct_key);
	__type(value, struct ct_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_ct_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct frag_key);
	__type(value, struct frag_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_frag SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ct_key);
	__type(value, struct proxy_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_proxy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, METRICS_SLOTS);
	__type(key, __u32);
	__type(value, struct metrics_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_metrics SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_events SEC(".maps");

/* The ring buffer's records have no map value type, so nothing else would put struct event
 * and struct debug_event into the object's BTF, where the agent's layout test reads them.
 * These variables are never loaded: their section is not one the loader turns into a map. */
struct event _event_btf SEC(".btf.types") __attribute__((used));
struct debug_event _debug_event_btf SEC(".btf.types") __attribute__((used));

/* The parsed packet. Ports are in network order. */
struct pkt {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 l4_off;   /* offset of the L4 header in the packet */
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 has_ports; /* sport/dport are meaningful for CT */
	__u8 ttl;       /* TTL or hop limit */
	__u8 pad;
};

static __always_inline void count(__u32 reason, int dir, __u32 len)
{
	__u32 slot = reason * 2 + (dir & 1);
	if (slot >= METRICS_SLOTS)
		return;
	struct metrics_value *m = bpf_map_lookup_elem(&cilium_metrics, &slot);
	if (m) {
		m->count += 1;
		m->bytes += len;
	}
}

static __always_inline void emit(struct __sk_buff *skb, const struct pkt *p, int dir, __u8 type,
				 __u8 subtype, __u8 verdict, __u8 ct_state, __u32 peer_id,
				 const struct policy_value *pv)
{
	struct event *e = bpf_ringbuf_reserve(&cilium_events, sizeof(*e), 0);
	if (!e) {
		count(METRICS_LOST_EVENTS / 2, 0, 0);
		return;
	}
	e->ts = bpf_ktime_get_ns();
	e->type = type;
	e->subtype = subtype;
	e->direction = dir == DIR_INGRESS ? 1 : 2;
	e->family = p->family;
	e->proto = p->proto;
	e->tcp_flags = p->tcp_flags;
	e->verdict = verdict;
	e->ct_state = ct_state;
	e->match_type = pv ? pv->match_type : 0;
	e->icmp_type = p->icmp_type;
	e->icmp_code = p->icmp_code;
	e->pad = 0;
	e->ifindex = skb->ifindex;
	e->pkt_len = skb->len;
	e->src_identity = dir == DIR_INGRESS ? peer_id : ID_HOST;
	e->dst_identity = dir == DIR_INGRESS ? ID_HOST : peer_id;
	e->rule_id = pv ? pv->rule_id : 0;
	e->sport = p->sport;
	e->dport = p->dport;
	__builtin_memcpy(e->saddr, p->saddr, 16);
	__builtin_memcpy(e->daddr, p->daddr, 16);
	bpf_ringbuf_submit(e, 0);
}

/* Cilium's debug message: only with CFG_DEBUG, which costs a ring buffer record per message. */
static __always_inline void dbg(struct __sk_buff *skb, const struct config *cfg, __u8 subtype,
				__u32 arg1, __u32 arg2, __u32 arg3)
{
	if (!(cfg->flags & CFG_DEBUG))
		return;
	struct debug_event *e = bpf_ringbuf_reserve(&cilium_events, sizeof(*e), 0);
	if (!e) {
		count(METRICS_LOST_EVENTS / 2, 0, 0);
		return;
	}
	e->ts = bpf_ktime_get_ns();
	e->type = EV_DEBUG;
	e->subtype = subtype;
	e->source = 0;
	e->hash = bpf_get_hash_recalc(skb);
	e->arg1 = arg1;
	e->arg2 = arg2;
	e->arg3 = arg3;
	e->cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_submit(e, 0);
}

/* The address as Cilium's debug messages carry it: its first (IPv4) or last (IPv6) four bytes
 * as they lie in the packet. */
static __always_inline __u32 dbg_addr(const __u8 *addr, __u8 family)
{
	__u32 a;
	__builtin_memcpy(&a, family == 4 ? addr : addr + 12, 4);
	return a;
}

/* Cilium's "Conntrack lookup 1/2, 2/2" pair for the packet. */
static __always_inline void dbg_ct_lookup(struct __sk_buff *skb, const struct config *cfg,
					  const struct pkt *p, int dir)
{
	if (!(cfg->flags & CFG_DEBUG))
		return;
	int v4 = p->family == 4;
	dbg(skb, cfg, v4 ? DBG_CT_LOOKUP4_1 : DBG_CT_LOOKUP6_1, dbg_addr(p->saddr, p->family),
	    dbg_addr(p->daddr, p->family),
	    ((__u32)bpf_ntohs(p->dport) << 16) | bpf_ntohs(p->sport));
	/* Cilium's tuple flags: 1 is "out" (egress). */
	dbg(skb, cfg, v4 ? DBG_CT_LOOKUP4_2 : DBG_CT_LOOKUP6_2,
	    ((__u32)p->proto << 8) | (dir == DIR_EGRESS ? 1 : 0), 0, 0);
}

static __always_inline int drop(struct __sk_buff *skb, const struct pkt *p, int dir, __u8 reason,
				__u32 peer_id, const struct policy_value *pv,
				const struct config *cfg)
{
	count(reason, dir, skb->len);
	if (cfg->flags & CFG_DROP_NOTIFY)
		emit(skb, p, dir, EV_DROP, reason, FLOW_DROPPED, 0, peer_id, pv);
	return TC_ACT_SHOT;
}

/* Reads the L4 header at `off`; returns 0, or a drop reason. `quoted`: the L4 header inside an
 * ICMP error, of which only 8 bytes are guaranteed (RFC 792), so TCP flags are not read. */
static __always_inline int parse_l4(struct __sk_buff *skb, __u32 off, struct pkt *p, int quoted)
{
	__u8 buf[14];

	p->l4_off = off;
	switch (p->proto) {
	case IPPROTO_TCP:
		if (bpf_skb_load_bytes(skb, off, buf, quoted ? 8 : 14) < 0)
			return DROP_CT_INVALID_HDR;
		p->sport = *(__u16 *)&buf[0];
		p->dport = *(__u16 *)&buf[2];
		p->tcp_flags = quoted ? 0 : buf[13];
		p->has_ports = 1;
		return 0;
	case IPPROTO_UDP:
	case IPPROTO_SCTP_:
		if (bpf_skb_load_bytes(skb, off, buf, 4) < 0)
			return DROP_CT_INVALID_HDR;
		p->sport = *(__u16 *)&buf[0];
		p->dport = *(__u16 *)&buf[2];
		p->has_ports = 1;
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6_:
		if (bpf_skb_load_bytes(skb, off, buf, 8) < 0)
			return DROP_CT_INVALID_HDR;
		p->icmp_type = buf[0];
		p->icmp_code = buf[1];
		/* Echo request/reply pair up on the identifier: request (sport=id, dport=0),
		 * reply (sport=0, dport=id), so a reply is the reverse tuple of its request. */
		if ((p->proto == IPPROTO_ICMP && buf[0] == 8) ||
		    (p->proto == IPPROTO_ICMPV6_ && buf[0] == 128)) {
			p->sport = *(__u16 *)&buf[4];
			p->has_ports = 1;
		} else if ((p->proto == IPPROTO_ICMP && buf[0] == 0) ||
			   (p->proto == IPPROTO_ICMPV6_ && buf[0] == 129)) {
			p->dport = *(__u16 *)&buf[4];
			p->has_ports = 1;
		}
		return 0;
	default:
		/* Other protocols (ESP, GRE, ...) are tracked on addresses only. */
		return 0;
	}
}

static __always_inline void frag_fill_key(struct frag_key *k, const struct pkt *p, __u32 id,
					  __u8 proto)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->saddr, p->saddr, 16);
	__builtin_memcpy(k->daddr, p->daddr, 16);
	k->id = id;
	k->proto = proto;
	k->family = p->family;
}

/* Non-first fragments: find the protocol and ports their first fragment carried. `proto` is
 * the key's protocol (see struct frag_key). */
static __always_inline int frag_lookup(struct pkt *p, __u32 id, __u8 proto)
{
	struct frag_key k;
	frag_fill_key(&k, p, id, proto);
	struct frag_value *v = bpf_map_lookup_elem(&cilium_frag, &k);
	if (!v || v->expires < bpf_ktime_get_ns())
		return DROP_FRAG_NOT_FOUND;
	p->proto = v->proto;
	p->sport = v->sport;
	p->dport = v->dport;
	p->has_ports = p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP || p->proto == IPPROTO_SCTP_;
	return 0;
}

static __always_inline void frag_record(const struct pkt *p, __u32 id, __u8 proto)
{
	struct frag_key k;
	frag_fill_key(&k, p, id, proto);
	struct frag_value v = {
		.expires = bpf_ktime_get_ns() + FRAG_TIMEOUT,
		.sport = p->sport,
		.dport = p->dport,
		.proto = p->proto,
	};
	bpf_map_update_elem(&cilium_frag, &k, &v, BPF_ANY);
}

static __always_inline int parse_ipv4(struct __sk_buff *skb, __u32 off, struct pkt *p)
{
	struct iphdr ip;
	if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)) < 0)
		return DROP_INVALID;
	if (ip.version != 4 || ip.ihl < 5)
		return DROP_INVALID;
	__u32 hlen = ip.ihl * 4;
	if (bpf_ntohs(ip.tot_len) < hlen)
		return DROP_INVALID;
	p->family = 4;
	p->proto = ip.protocol;
	p->ttl = ip.ttl;
	__builtin_memcpy(p->saddr, &ip.saddr, 4);
	__builtin_memcpy(p->daddr, &ip.daddr, 4);

	__u16 frag = bpf_ntohs(ip.frag_off);
	__u16 offset = frag & 0x1fff;
	int more = frag & 0x2000;
	if (offset)
		return frag_lookup(p, ip.id, ip.protocol);
	int err = parse_l4(skb, off + hlen, p, 0);
	if (err)
		return err;
	if (more && p->has_ports)
		frag_record(p, ip.id, ip.protocol);
	return 0;
}

static __always_inline int ipv6_ext_len(__u8 nexthdr, const __u8 *hdr)
{
	if (nexthdr == 44) /* fragment */
		return 8;
	if (nexthdr == 51) /* AH: length in 4-byte units, minus 2 */
		return (hdr[1] + 2) * 4;
	return (hdr[1] + 1) * 8;
}

static __always_inline int ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == 0 || nexthdr == 43 || nexthdr == 60 || nexthdr == 44 || nexthdr == 51;
}

static __always_inline int parse_ipv6(struct __sk_buff *skb, __u32 off, struct pkt *p)
{
	struct ipv6hdr ip6;
	if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) < 0)
		return DROP_INVALID;
	if (ip6.version != 6)
		return DROP_INVALID;
	p->family = 6;
	p->ttl = ip6.hop_limit;
	__builtin_memcpy(p->saddr, &ip6.saddr, 16);
	__builtin_memcpy(p->daddr, &ip6.daddr, 16);

	__u8 nexthdr = ip6.nexthdr;
	off += sizeof(ip6);
	int first_frag = 0;
	__u32 frag_id = 0;
	__u8 frag_nh = 0;
	/* Walk at most 8 extension headers; anything deeper is refused rather than trusted. */
#pragma unroll
	for (int i = 0; i < 8; i++) {
		if (!ipv6_is_ext(nexthdr))
			goto l4;
		__u8 hdr[8];
		if (bpf_skb_load_bytes(skb, off, hdr, 8) < 0)
			return DROP_INVALID_EXTHDR;
		if (nexthdr == 44) {
			__u16 fo = bpf_ntohs(*(__u16 *)&hdr[2]);
			frag_id = *(__u32 *)&hdr[4];
			/* What follows a non-first fragment's header is payload: the headers of the
			 * fragmentable part (destination options, L4) came in the first fragment. */
			if (fo >> 3)
				return frag_lookup(p, frag_id, hdr[0]);
			first_frag = fo & 1;
			frag_nh = hdr[0];
		}
		off += ipv6_ext_len(nexthdr, hdr);
		nexthdr = hdr[0];
	}
	if (ipv6_is_ext(nexthdr))
		return DROP_INVALID_EXTHDR;
l4:
	p->proto = nexthdr;
	if (nexthdr == 59) /* no next header */
		return 0;
	int err = parse_l4(skb, off, p, 0);
	if (err)
		return err;
	if (first_frag && p->has_ports)
		frag_record(p, frag_id, frag_nh);
	return 0;
}

/* The packet an ICMP error quotes (its IP header and the first 8 bytes of its L4 header), as
 * sent. Returns 0 when there is one with ports to look up. Extension headers inside a quoted
 * IPv6 packet are not walked: such an error relates to nothing and meets policy. */
static __always_inline int parse_quoted(struct __sk_buff *skb, const struct pkt *p,
					struct pkt *q)
{
	__u32 off = p->l4_off + 8;
	__builtin_memset(q, 0, sizeof(*q));
	if (p->family == 4) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)) < 0)
			return -1;
		if (ip.version != 4 || ip.ihl < 5 || (bpf_ntohs(ip.frag_off) & 0x1fff))
			return -1;
		q->family = 4;
		q->proto = ip.protocol;
		__builtin_memcpy(q->saddr, &ip.saddr, 4);
		__builtin_memcpy(q->daddr, &ip.daddr, 4);
		off += ip.ihl * 4;
	} else {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) < 0)
			return -1;
		if (ip6.version != 6)
			return -1;
		q->family = 6;
		q->proto = ip6.nexthdr;
		__builtin_memcpy(q->saddr, &ip6.saddr, 16);
		__builtin_memcpy(q->daddr, &ip6.daddr, 16);
		off += sizeof(ip6);
	}
	if (parse_l4(skb, off, q, 1) || !q->has_ports)
		return -1;
	return 0;
}

static __always_inline __u32 peer_identity(struct __sk_buff *skb, const struct config *cfg,
					   const struct pkt *p, int dir, __u32 *flags)
{
	struct ipcache_key k;
	__builtin_memset(&k, 0, sizeof(k));
	k.family = p->family;
	k.prefixlen = 32 + (p->family == 4 ? 32 : 128);
	const __u8 *addr = dir == DIR_INGRESS ? p->saddr : p->daddr;
	__builtin_memcpy(k.addr, addr, 16);
	struct ipcache_value *v = bpf_map_lookup_elem(&cilium_ipcache, &k);
	int v4 = p->family == 4;
	if (!v) {
		dbg(skb, cfg, v4 ? DBG_IP_ID_MAP_FAILED4 : DBG_IP_ID_MAP_FAILED6,
		    dbg_addr(addr, p->family), 0, 0);
		*flags = 0;
		return ID_WORLD;
	}
	dbg(skb, cfg, v4 ? DBG_IP_ID_MAP_SUCCEED4 : DBG_IP_ID_MAP_SUCCEED6,
	    dbg_addr(addr, p->family), v->identity, 0);
	*flags = v->flags;
	return v->identity;
}

/* Longest-prefix policy lookup for one identity; NULL when nothing matches. */
static __always_inline struct policy_value *policy_lookup(__u32 identity, int dir,
							  const struct pkt *p)
{
	struct policy_key k = {
		.prefixlen = 64,
		.identity = identity,
		.direction = dir,
		.protocol = p->proto,
		.dport = p->dport,
	};
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6_)
		k.dport = bpf_htons(p->icmp_type);
	return bpf_map_lookup_elem(&cilium_policy, &k);
}

static __always_inline int icmp_error(const struct pkt *p)
{
	if (p->proto == IPPROTO_ICMP)
		return p->icmp_type == 3 || p->icmp_type == 11 || p->icmp_type == 12;
	return p->proto == IPPROTO_ICMPV6_ && p->icmp_type >= 1 && p->icmp_type <= 4;
}

/* The link's own control traffic, which must pass for the link to work and reaches no
 * application: IPv6 neighbour discovery (hop limit 255 proves it was not routed, RFC 4861),
 * multicast listener discovery (hop limit 1, from a link-local or the unspecified address,
 * RFC 3810) and IGMP (TTL 1). */
static __always_inline int link_control(const struct pkt *p)
{
	if (p->proto == IPPROTO_IGMP)
		return p->ttl == 1;
	if (p->proto != IPPROTO_ICMPV6_)
		return 0;
	if (p->icmp_type >= 133 && p->icmp_type <= 137)
		return p->ttl == 255;
	if ((p->icmp_type >= 130 && p->icmp_type <= 132) || p->icmp_type == 143) {
		int link_local = p->saddr[0] == 0xfe && (p->saddr[1] & 0xc0) == 0x80;
		__u64 hi = *(__u64 *)&p->saddr[0], lo = *(__u64 *)&p->saddr[8];
		return p->ttl == 1 && (link_local || (hi == 0 && lo == 0));
	}
	return 0;
}

static __always_inline void ct_fill_key(struct ct_key *k, const struct pkt *p, int reverse,
					__u8 path)
{
	__builtin_memset(k, 0, sizeof(*k));
	if (!reverse) {
		__builtin_memcpy(k->saddr, p->saddr, 16);
		__builtin_memcpy(k->daddr, p->daddr, 16);
		k->sport = p->sport;
		k->dport = p->dport;
	} else {
		__builtin_memcpy(k->saddr, p->daddr, 16);
		__builtin_memcpy(k->daddr, p->saddr, 16);
		k->sport = p->dport;
		k->dport = p->sport;
	}
	k->proto = p->proto;
	k->family = p->family;
	k->path = path;
}

/* A connection past its handshake: TCP once the opener acknowledged the reply (a spoofed SYN
 * never gets that far), other protocols once a reply came back. */
static __always_inline int ct_established(__u8 proto, const struct ct_value *v)
{
	if (v->state_flags & CT_F_SEEDED)
		return 1;
	/* The proxy answers an egress connection over loopback, where no reply passes a device:
	 * the opener's ACK (sent only after the proxy's SYN-ACK) is the handshake's end. */
	if ((v->state_flags & CT_F_PROXY) && v->direction == DIR_EGRESS)
		return (v->flags_fwd & TCP_ACK) != 0;
	if (proto != IPPROTO_TCP)
		return v->packets_rev > 0;
	return (v->flags_fwd & TCP_ACK) && (v->flags_rev & TCP_ACK);
}

static __always_inline __u64 ct_timeout(const struct pkt *p, const struct ct_value *v)
{
	int established = ct_established(p->proto, v);
	if (p->proto != IPPROTO_TCP)
		return established ? CT_OTHER_TIMEOUT : CT_OTHER_UNREPLIED_TIMEOUT;
	if ((v->state_flags & CT_F_CLOSING) || (p->tcp_flags & (TCP_FIN | TCP_RST)))
		return CT_TCP_CLOSE_TIMEOUT;
	return established ? CT_TCP_EST_TIMEOUT : CT_TCP_SYN_TIMEOUT;
}

/* A tracked tuple that a new connection takes over is judged as new, as Cilium reopens
 * entries: a SYN on a closing entry, and, on egress, a packet whose owner is not the entry's
 * (the L7 proxy's own connection, marked, against an application's). Otherwise an application
 * could take over the tuple of the proxy's finished connection to a server and reach it
 * unchecked, or a proxy connection could be sent back into the proxy. */
static __always_inline int ct_reopened(const struct pkt *p, const struct ct_value *v, int dir,
				       __u32 mark)
{
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
	    (v->state_flags & CT_F_CLOSING))
		return 1;
	if (dir != DIR_EGRESS || !(v->state_flags & (CT_F_PROXY | CT_F_FROM_PROXY)))
		return 0;
	int from_proxy = (mark & MARK_MASK) == MARK_FROM_PROXY;
	return from_proxy != ((v->state_flags & CT_F_FROM_PROXY) != 0);
}

/* Where a conntrack entry was found. */
struct ct_hit {
	struct ct_value *v;
	struct ct_key key;
	int reply;   /* the packet goes against the opener's direction */
	int pending; /* in cilium_ct_pending */
};

static __always_inline int ct_find_in(void *map, const struct pkt *p, __u8 path, __u64 now,
				      struct ct_hit *h)
{
	ct_fill_key(&h->key, p, 0, path);
	struct ct_value *v = bpf_map_lookup_elem(map, &h->key);
	if (v && v->expires >= now) {
		h->v = v;
		h->reply = 0;
		return 1;
	}
	ct_fill_key(&h->key, p, 1, path);
	v = bpf_map_lookup_elem(map, &h->key);
	if (v && v->expires >= now) {
		h->v = v;
		h->reply = 1;
		return 1;
	}
	return 0;
}

/* The connection `p` belongs to. Packets out of the tunnel are authenticated, so they may also
 * use entries of the plain path (a connection opened before its tunnel with strict mode off,
 * and entries of earlier versions); plaintext packets only ever match plaintext connections. */
static __always_inline int ct_find(const struct pkt *p, __u8 path, __u64 now, struct ct_hit *h)
{
	h->pending = 0;
	if (ct_find_in(&cilium_ct, p, path, now, h))
		return 1;
	h->pending = 1;
	if (ct_find_in(&cilium_ct_pending, p, path, now, h))
		return 1;
	if (path != PATH_TUNNEL)
		return 0;
	h->pending = 0;
	if (ct_find_in(&cilium_ct, p, PATH_PLAIN, now, h))
		return 1;
	h->pending = 1;
	return ct_find_in(&cilium_ct_pending, p, PATH_PLAIN, now, h);
}

static __always_inline int sampled(const struct config *cfg)
{
	return cfg->trace_sampling <= 1 || bpf_get_prandom_u32() % cfg->trace_sampling == 0;
}

/* A packet of a node's plaintext control traffic (WireGuard's handshakes and data, the
 * signed bootstrap announcements), which has to reach this host before any tunnel exists. */
static __always_inline int node_control(const struct pkt *p, const struct config *cfg)
{
	return (p->proto == IPPROTO_UDP && p->dport == cfg->wg_port) ||
	       (p->proto == IPPROTO_TCP && p->dport == cfg->cluster_port);
}

/* The L7 proxy's socket for a packet of a redirected connection: the proxy's own socket of
 * this connection once it has one, else its listener on loopback, which then accepts the
 * connection with the original destination as its local address (the application is not
 * touched, and nothing outside can reach the listener itself). NULL when the proxy is not
 * listening (the agent is down or restarting). The caller releases it. */
static __always_inline struct bpf_sock *proxy_sk(struct __sk_buff *skb, const struct pkt *p,
						 const struct config *cfg)
{
	struct bpf_sock_tuple t;
	__u32 len;
	__builtin_memset(&t, 0, sizeof(t));
	if (p->family == 4) {
		__builtin_memcpy(&t.ipv4.saddr, p->saddr, 4);
		__builtin_memcpy(&t.ipv4.daddr, p->daddr, 4);
		t.ipv4.sport = p->sport;
		t.ipv4.dport = p->dport;
		len = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, p->saddr, 16);
		__builtin_memcpy(t.ipv6.daddr, p->daddr, 16);
		t.ipv6.sport = p->sport;
		t.ipv6.dport = p->dport;
		len = sizeof(t.ipv6);
	}
	/* The connection's own socket; a listener found this way is the application's, and a
	 * socket in TIME_WAIT is a closed connection: neither is the proxy's. */
	struct bpf_sock *sk = bpf_skc_lookup_tcp(skb, &t, len, BPF_F_CURRENT_NETNS, 0);
	if (sk && (sk->state == BPF_TCP_LISTEN || sk->state == BPF_TCP_TIME_WAIT)) {
		bpf_sk_release(sk);
		sk = NULL;
	}
	if (sk)
		return sk;
	if (!cfg->proxy_port)
		return NULL;
	if (p->family == 4) {
		t.ipv4.daddr = bpf_htonl(0x7f000001);
		t.ipv4.dport = bpf_htons(cfg->proxy_port);
	} else {
		__builtin_memset(t.ipv6.daddr, 0, 16);
		t.ipv6.daddr[3] = bpf_htonl(1);
		t.ipv6.dport = bpf_htons(cfg->proxy_port);
	}
	sk = bpf_skc_lookup_tcp(skb, &t, len, BPF_F_CURRENT_NETNS, 0);
	if (sk && sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		sk = NULL;
	}
	return sk;
}

/* Hands a packet of a redirected connection to the proxy (TC ingress only). No proxy is a
 * drop: an L7 port never falls back to what L4 allows. Returns 0 or a drop reason. */
static __always_inline int to_proxy(struct __sk_buff *skb, const struct pkt *p,
				    const struct config *cfg)
{
	struct bpf_sock *sk = proxy_sk(skb, p, cfg);
	if (!sk)
		return DROP_SOCKET_LOOKUP_FAILED;
	long err = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	return err ? DROP_SOCKET_ASSIGN_FAILED : 0;
}

/* Egress: the proxy must be there before a packet is sent its way (0 or a drop reason). */
static __always_inline int proxy_ready(struct __sk_buff *skb, const struct pkt *p,
				       const struct config *cfg)
{
	struct bpf_sock *sk = proxy_sk(skb, p, cfg);
	if (!sk)
		return DROP_SOCKET_LOOKUP_FAILED;
	bpf_sk_release(sk);
	return 0;
}

/* Egress: a socket can only be assigned on a TC ingress, so a packet this host sends to a
 * redirected port turns round to loopback's ingress (hostfw_to_proxy assigns it there). It
 * gets loopback's all-zero Ethernet header (devices without one get one pushed) and the mark
 * that routes it locally although its destination is the peer. Returns 0 or a drop reason;
 * the caller returns the redirect. */
static __always_inline int to_loopback(struct __sk_buff *skb, const struct pkt *p, int l2,
				       __u32 off)
{
	/* Tags in the data never come from a local socket; a tag in the metadata would make
	 * loopback take the packet for a VLAN it does not have. */
	if (l2 && off != ETH_HLEN)
		return DROP_INVALID;
	if (skb->vlan_present && bpf_skb_vlan_pop(skb))
		return DROP_INVALID;
	if (!l2 && bpf_skb_change_head(skb, ETH_HLEN, 0))
		return DROP_INVALID;
	struct ethhdr eth;
	__builtin_memset(&eth, 0, sizeof(eth));
	eth.h_proto = bpf_htons(p->family == 4 ? ETH_P_IP : ETH_P_IPV6);
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0))
		return DROP_INVALID;
	skb->mark = MARK_TO_PROXY;
	return 0;
}

static __always_inline int handle(struct __sk_buff *skb, int dir, int l2, __u8 path)
{
	__u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&cilium_config, &zero);
	if (!cfg)
		return TC_ACT_OK;

	struct pkt p;
	__builtin_memset(&p, 0, sizeof(p));
	__u32 off = l2 ? ETH_HLEN : 0;
	__u16 proto = bpf_ntohs(skb->protocol);
	int err;
	/* The kernel takes the outer VLAN tag off before tc sees a frame; a second tag (QinQ)
	 * stays in the data. The IP packet inside is judged here, whatever device would take the
	 * frame later; deeper stacks are refused. */
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (!l2 || (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD_))
			break;
		__u16 inner;
		if (bpf_skb_load_bytes(skb, off + 2, &inner, 2) < 0)
			return drop(skb, &p, dir, DROP_INVALID, ID_UNKNOWN, NULL, cfg);
		proto = bpf_ntohs(inner);
		off += 4;
	}
	if (proto == ETH_P_IP)
		err = parse_ipv4(skb, off, &p);
	else if (proto == ETH_P_IPV6)
		err = parse_ipv6(skb, off, &p);
	else if (proto == ETH_P_8021Q_ || proto == ETH_P_8021AD_)
		err = DROP_UNKNOWN_L3;
	else
		/* ARP, LLDP and the other non-IP protocols never reach an IP socket. */
		return TC_ACT_OK;
	if (err)
		return drop(skb, &p, dir, err, ID_UNKNOWN, NULL, cfg);

	__u32 ipc_flags = 0;
	__u32 peer_id = peer_identity(skb, cfg, &p, dir, &ipc_flags);
	/* This host's own addresses never arrive from a wire: such a packet is forged. */
	if (dir == DIR_INGRESS && peer_id == ID_HOST)
		return drop(skb, &p, dir, DROP_INVALID_SIP, ID_WORLD, NULL, cfg);
	__u8 obs = path == PATH_TUNNEL ? (dir == DIR_INGRESS ? OBS_FROM_CRYPTO : OBS_TO_CRYPTO)
				       : (dir == DIR_INGRESS ? OBS_FROM_NETWORK : OBS_TO_NETWORK);

	/* Strict encryption: nothing leaves a physical device in plaintext for a node that must
	 * be reached through WireGuard; only WireGuard's own (marked) packets may. */
	if (path == PATH_PLAIN && dir == DIR_EGRESS && (cfg->flags & CFG_STRICT_ENCRYPT) &&
	    (ipc_flags & IPC_F_ENCRYPT) && (skb->mark & cfg->wg_mark_mask) != cfg->wg_mark)
		return drop(skb, &p, dir, DROP_UNENCRYPTED, peer_id, NULL, cfg);

	__u64 now = bpf_ktime_get_ns();
	struct ct_hit hit;
	int tracked = p.has_ports || (p.proto != IPPROTO_ICMP && p.proto != IPPROTO_ICMPV6_);
	if (tracked)
		dbg_ct_lookup(skb, cfg, &p, dir);
	int found = tracked && ct_find(&p, path, now, &hit);
	if (found && !hit.reply && ct_reopened(&p, hit.v, dir, skb->mark)) {
		/* Forgotten here, judged below as the new connection it is. */
		bpf_map_delete_elem(hit.pending ? (void *)&cilium_ct_pending : (void *)&cilium_ct,
				    &hit.key);
		found = 0;
	}
	if (found) {
		struct ct_value *ct = hit.v;
		/* Cilium's CT states: 1 established, 2 reply. */
		dbg(skb, cfg, DBG_CT_MATCH, (__u32)((ct->expires - now) / 1000000000ULL), 0, 0);
		dbg(skb, cfg, DBG_CT_VERDICT, hit.reply ? 2 : 1, 0, 0);
		__u8 *seen = hit.reply ? &ct->flags_rev : &ct->flags_fwd;
		__u8 new_flags = p.tcp_flags & ~*seen;
		if (hit.reply) {
			__sync_fetch_and_add(&ct->packets_rev, 1);
			__sync_fetch_and_add(&ct->bytes_rev, skb->len);
		} else {
			__sync_fetch_and_add(&ct->packets_fwd, 1);
			__sync_fetch_and_add(&ct->bytes_fwd, skb->len);
		}
		*seen |= p.tcp_flags;
		if (p.tcp_flags & (TCP_FIN | TCP_RST))
			ct->state_flags |= CT_F_CLOSING;
		ct->expires = now + ct_timeout(&p, ct);
		if (hit.pending && ct_established(p.proto, ct)) {
			/* Confirmed: over to the table a flood cannot reach. */
			struct ct_value v = *ct;
			if (bpf_map_update_elem(&cilium_ct, &hit.key, &v, BPF_ANY) == 0)
				bpf_map_delete_elem(&cilium_ct_pending, &hit.key);
		}
		int proxied = (ct->state_flags & CT_F_PROXY) && !hit.reply;
		if (proxied) {
			int err = dir == DIR_INGRESS ? to_proxy(skb, &p, cfg) : proxy_ready(skb, &p, cfg);
			if (err)
				return drop(skb, &p, dir, err, peer_id, NULL, cfg);
		}
		count(0, dir, skb->len);
		if (new_flags && (cfg->flags & CFG_TRACE_NOTIFY) && sampled(cfg))
			emit(skb, &p, dir, EV_TRACE, proxied ? OBS_TO_PROXY : obs, FLOW_FORWARDED,
			     hit.reply ? CT_REPLY : CT_ESTABLISHED, peer_id, NULL);
		if (proxied && dir == DIR_EGRESS) {
			int err = to_loopback(skb, &p, l2, off);
			if (err)
				return drop(skb, &p, dir, err, peer_id, NULL, cfg);
			return bpf_redirect(LOOPBACK_IFINDEX, BPF_F_INGRESS);
		}
		return TC_ACT_OK;
	}

	/* Packets that belong to something else: an ICMP error quoting a packet of a tracked
	 * connection (path MTU discovery needs them), and the link's own control traffic. They
	 * create no entry, and deny rules still apply to them. */
	int related = link_control(&p);
	if (icmp_error(&p)) {
		struct pkt q;
		related = !parse_quoted(skb, &p, &q) && ct_find(&q, path, now, &hit);
	}

	/* A node's identity belongs to what WireGuard authenticated. The same address in
	 * plaintext is a spoof (strict mode drops it) or, at best, a host of the world. */
	if (dir == DIR_INGRESS && path == PATH_PLAIN && (ipc_flags & IPC_F_NODE) &&
	    (cfg->flags & CFG_ENCRYPTION) && !related && !node_control(&p, cfg)) {
		if (cfg->flags & CFG_STRICT_ENCRYPT)
			return drop(skb, &p, dir, DROP_UNENCRYPTED, ID_WORLD, NULL, cfg);
		peer_id = ID_WORLD;
	}

	/* A new connection: the only place policy is looked up. */
	int enforced = cfg->flags & (dir == DIR_INGRESS ? CFG_ENFORCE_INGRESS : CFG_ENFORCE_EGRESS);
	__u8 verdict = FLOW_FORWARDED;
	__u8 reason = 0;
	struct policy_value *pv = NULL;
	if (peer_id != ID_HOST) {
		struct policy_value *by_id = policy_lookup(peer_id, dir, &p);
		struct policy_value *any = policy_lookup(0, dir, &p);
		if (by_id && (by_id->flags & POLICY_F_FAILSAFE))
			pv = by_id;
		else if (any && (any->flags & POLICY_F_FAILSAFE))
			pv = any;
		else if (by_id && by_id->verdict == VERDICT_DENY)
			pv = by_id;
		else if (any && any->verdict == VERDICT_DENY)
			pv = any;
		else if (by_id)
			pv = by_id;
		else
			pv = any;
		if (pv && pv->verdict == VERDICT_DENY) {
			reason = DROP_POLICY_DENY;
			verdict = (pv->flags & POLICY_F_AUDIT) || (cfg->flags & CFG_AUDIT) ? FLOW_AUDIT
											    : FLOW_DROPPED;
		} else if (!pv && enforced && !related) {
			__u32 audit = CFG_AUDIT | (dir == DIR_INGRESS ? CFG_AUDIT_INGRESS : CFG_AUDIT_EGRESS);
			reason = DROP_POLICY;
			verdict = (cfg->flags & audit) ? FLOW_AUDIT : FLOW_DROPPED;
		}
	}
	if (tracked)
		/* Cilium's CT states: 0 new, 3 related. */
		dbg(skb, cfg, DBG_CT_VERDICT, related ? 3 : 0, 0, 0);
	if (reason)
		dbg(skb, cfg, DBG_POLICY_DENIED, dir == DIR_INGRESS ? peer_id : ID_HOST,
		    dir == DIR_INGRESS ? ID_HOST : peer_id, 0);
	if ((cfg->flags & CFG_VERDICT_NOTIFY) && (enforced || pv))
		emit(skb, &p, dir, EV_POLICY_VERDICT, 0, verdict, related ? CT_RELATED : CT_NEW,
		     peer_id, pv);
	if (verdict == FLOW_DROPPED)
		return drop(skb, &p, dir, reason, peer_id, pv, cfg);

	/* An allow with L7 rules: every packet towards the port goes through the proxy, also one
	 * that opens nothing (a stray ACK must not reach the application's listener). Only the
	 * proxy's own connections to the peer, after it judged the request, go out as they are. */
	int redirect = pv && verdict == FLOW_FORWARDED && (pv->flags & POLICY_F_REDIRECT) &&
		       p.proto == IPPROTO_TCP && !related &&
		       (dir == DIR_INGRESS || (skb->mark & MARK_MASK) != MARK_FROM_PROXY);
	if (redirect) {
		int err = dir == DIR_INGRESS ? to_proxy(skb, &p, cfg) : proxy_ready(skb, &p, cfg);
		if (err)
			return drop(skb, &p, dir, err, peer_id, pv, cfg);
	}

	/* Only a SYN opens a TCP connection: any other segment without an entry is judged on its
	 * own and leaves nothing behind, so it cannot fill the table. */
	int opens = tracked && !related &&
		    (p.proto != IPPROTO_TCP ||
		     (p.tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN);
	if (opens) {
		struct ct_value v;
		__builtin_memset(&v, 0, sizeof(v));
		v.packets_fwd = 1;
		v.bytes_fwd = skb->len;
		v.flags_fwd = p.tcp_flags;
		v.direction = dir;
		v.rule_id = pv ? pv->rule_id : 0;
		v.state_flags = (verdict == FLOW_AUDIT ? CT_F_AUDITED : 0) | (redirect ? CT_F_PROXY : 0);
		if (dir == DIR_EGRESS && (skb->mark & MARK_MASK) == MARK_FROM_PROXY)
			v.state_flags |= CT_F_FROM_PROXY;
		v.expires = now + ct_timeout(&p, &v);
		if (redirect) {
			struct proxy_value pxv;
			__builtin_memset(&pxv, 0, sizeof(pxv));
			pxv.identity = peer_id;
			pxv.direction = dir;
			ct_fill_key(&hit.key, &p, 0, PATH_PLAIN);
			bpf_map_update_elem(&cilium_proxy, &hit.key, &pxv, BPF_ANY);
		}
		ct_fill_key(&hit.key, &p, 0, path);
		bpf_map_update_elem(&cilium_ct_pending, &hit.key, &v, BPF_ANY);
		dbg(skb, cfg, p.family == 4 ? DBG_CT_CREATED4 : DBG_CT_CREATED6, 0,
		    dir == DIR_INGRESS ? peer_id : ID_HOST, 0);
	}
	count(0, dir, skb->len);
	/* As Cilium traces it: where the packet goes, the proxy rather than the stack. */
	if ((cfg->flags & CFG_TRACE_NOTIFY) && sampled(cfg))
		emit(skb, &p, dir, EV_TRACE, redirect ? OBS_TO_PROXY : obs, FLOW_FORWARDED,
		     related ? CT_RELATED : CT_NEW, peer_id, pv);
	if (redirect && dir == DIR_EGRESS) {
		err = to_loopback(skb, &p, l2, off);
		if (err)
			return drop(skb, &p, dir, err, peer_id, pv, cfg);
		return bpf_redirect(LOOPBACK_IFINDEX, BPF_F_INGRESS);
	}
	return TC_ACT_OK;
}

SEC("classifier/hostfw_ingress")
int hostfw_ingress(struct __sk_buff *skb)
{
	return handle(skb, DIR_INGRESS, 1, PATH_PLAIN);
}

SEC("classifier/hostfw_egress")
int hostfw_egress(struct __sk_buff *skb)
{
	return handle(skb, DIR_EGRESS, 1, PATH_PLAIN);
}

/* Devices without a link-layer header (tun, ipip, gre, ppp, another WireGuard). */
SEC("classifier/hostfw_l3_ingress")
int hostfw_l3_ingress(struct __sk_buff *skb)
{
	return handle(skb, DIR_INGRESS, 0, PATH_PLAIN);
}

SEC("classifier/hostfw_l3_egress")
int hostfw_l3_egress(struct __sk_buff *skb)
{
	return handle(skb, DIR_EGRESS, 0, PATH_PLAIN);
}

/* cilium_wg0: no link-layer header, and what arrives was authenticated by WireGuard. */
SEC("classifier/hostfw_wg_ingress")
int hostfw_wg_ingress(struct __sk_buff *skb)
{
	return handle(skb, DIR_INGRESS, 0, PATH_TUNNEL);
}

SEC("classifier/hostfw_wg_egress")
int hostfw_wg_egress(struct __sk_buff *skb)
{
	return handle(skb, DIR_EGRESS, 0, PATH_TUNNEL);
}

/* Loopback's ingress: what an egress program turned round to the L7 proxy (marked) is handed
 * to the proxy's socket; everything else on loopback passes untouched. */
SEC("classifier/hostfw_to_proxy")
int hostfw_to_proxy(struct __sk_buff *skb)
{
	if ((skb->mark & MARK_MASK) != MARK_TO_PROXY)
		return TC_ACT_OK;
	__u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&cilium_config, &zero);
	if (!cfg)
		return TC_ACT_SHOT;
	struct pkt p;
	__builtin_memset(&p, 0, sizeof(p));
	__u16 proto = bpf_ntohs(skb->protocol);
	int err = DROP_UNKNOWN_L3;
	if (proto == ETH_P_IP)
		err = parse_ipv4(skb, ETH_HLEN, &p);
	else if (proto == ETH_P_IPV6)
		err = parse_ipv6(skb, ETH_HLEN, &p);
	if (!err && p.proto != IPPROTO_TCP)
		err = DROP_INVALID;
	if (!err)
		err = to_proxy(skb, &p, cfg);
	if (!err)
		return TC_ACT_OK;
	/* The server this host dialled, as the egress program judged it: a refused connection
	 * says whom it was for. */
	__u32 ipc_flags, peer_id = ID_UNKNOWN;
	if (p.family)
		peer_id = peer_identity(skb, cfg, &p, DIR_EGRESS, &ipc_flags);
	return drop(skb, &p, DIR_EGRESS, err, peer_id, NULL, cfg);
}
