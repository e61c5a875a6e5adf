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

#define CT_TCP_SYN_TIMEOUT (60ull * 1000000000ull)
#define CT_TCP_EST_TIMEOUT (21600ull * 1000000000ull)
#define CT_TCP_CLOSE_TIMEOUT (10ull * 1000000000ull)
#define CT_OTHER_TIMEOUT (60ull * 1000000000ull)
#define FRAG_TIMEOUT (60ull * 1000000000ull)

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

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

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct frag_key);
	__type(value, struct frag_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} cilium_frag SEC(".maps");

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
 * into the object's BTF, where the agent's layout test reads it. This variable is never
 * loaded: its section is not one the loader turns into a map. */
struct event _event_btf SEC(".btf.types") __attribute__((used));

/* The parsed packet. Ports are in network order. */
struct pkt {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 has_ports; /* sport/dport are meaningful for CT */
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

static __always_inline int drop(struct __sk_buff *skb, const struct pkt *p, int dir, __u8 reason,
				__u32 peer_id, const struct policy_value *pv,
				const struct config *cfg)
{
	count(reason, dir, skb->len);
	if (cfg->flags & CFG_DROP_NOTIFY)
		emit(skb, p, dir, EV_DROP, reason, FLOW_DROPPED, 0, peer_id, pv);
	return TC_ACT_SHOT;
}

/* Reads the L4 header at `off`; returns 0, or a drop reason. */
static __always_inline int parse_l4(struct __sk_buff *skb, __u32 off, struct pkt *p)
{
	__u8 buf[14];

	switch (p->proto) {
	case IPPROTO_TCP:
		if (bpf_skb_load_bytes(skb, off, buf, 14) < 0)
			return DROP_CT_INVALID_HDR;
		p->sport = *(__u16 *)&buf[0];
		p->dport = *(__u16 *)&buf[2];
		p->tcp_flags = buf[13];
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

/* Non-first fragments: find the ports their first fragment carried. */
static __always_inline int frag_lookup(struct pkt *p, __u32 id)
{
	struct frag_key k;
	__builtin_memset(&k, 0, sizeof(k));
	__builtin_memcpy(k.saddr, p->saddr, 16);
	__builtin_memcpy(k.daddr, p->daddr, 16);
	k.id = id;
	k.proto = p->proto;
	k.family = p->family;
	struct frag_value *v = bpf_map_lookup_elem(&cilium_frag, &k);
	if (!v)
		return DROP_FRAG_NOT_FOUND;
	p->sport = v->sport;
	p->dport = v->dport;
	p->has_ports = p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP || p->proto == IPPROTO_SCTP_;
	return 0;
}

static __always_inline void frag_record(const struct pkt *p, __u32 id)
{
	struct frag_key k;
	__builtin_memset(&k, 0, sizeof(k));
	__builtin_memcpy(k.saddr, p->saddr, 16);
	__builtin_memcpy(k.daddr, p->daddr, 16);
	k.id = id;
	k.proto = p->proto;
	k.family = p->family;
	struct frag_value v = {.sport = p->sport, .dport = p->dport};
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
	__builtin_memcpy(p->saddr, &ip.saddr, 4);
	__builtin_memcpy(p->daddr, &ip.daddr, 4);

	__u16 frag = bpf_ntohs(ip.frag_off);
	__u16 offset = frag & 0x1fff;
	int more = frag & 0x2000;
	if (offset)
		return frag_lookup(p, ip.id);
	int err = parse_l4(skb, off + hlen, p);
	if (err)
		return err;
	if (more && p->has_ports)
		frag_record(p, ip.id);
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

static __always_inline int parse_ipv6(struct __sk_buff *skb, __u32 off, struct pkt *p)
{
	struct ipv6hdr ip6;
	if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) < 0)
		return DROP_INVALID;
	if (ip6.version != 6)
		return DROP_INVALID;
	p->family = 6;
	__builtin_memcpy(p->saddr, &ip6.saddr, 16);
	__builtin_memcpy(p->daddr, &ip6.daddr, 16);

	__u8 nexthdr = ip6.nexthdr;
	off += sizeof(ip6);
	int first_frag = 0;
	__u32 frag_id = 0;
	/* Walk at most 8 extension headers; anything deeper is refused rather than trusted. */
#pragma unroll
	for (int i = 0; i < 8; i++) {
		if (nexthdr != 0 && nexthdr != 43 && nexthdr != 60 && nexthdr != 44 && nexthdr != 51)
			goto l4;
		__u8 hdr[8];
		if (bpf_skb_load_bytes(skb, off, hdr, 8) < 0)
			return DROP_INVALID_EXTHDR;
		if (nexthdr == 44) {
			__u16 fo = bpf_ntohs(*(__u16 *)&hdr[2]);
			frag_id = *(__u32 *)&hdr[4];
			if (fo >> 3) {
				p->proto = hdr[0];
				return frag_lookup(p, frag_id);
			}
			first_frag = fo & 1;
		}
		off += ipv6_ext_len(nexthdr, hdr);
		nexthdr = hdr[0];
	}
	if (nexthdr == 0 || nexthdr == 43 || nexthdr == 60 || nexthdr == 44 || nexthdr == 51)
		return DROP_INVALID_EXTHDR;
l4:
	p->proto = nexthdr;
	if (nexthdr == 59) /* no next header */
		return 0;
	int err = parse_l4(skb, off, p);
	if (err)
		return err;
	if (first_frag && p->has_ports)
		frag_record(p, frag_id);
	return 0;
}

static __always_inline __u32 peer_identity(const struct pkt *p, int dir, __u32 *flags)
{
	struct ipcache_key k;
	__builtin_memset(&k, 0, sizeof(k));
	k.family = p->family;
	k.prefixlen = 32 + (p->family == 4 ? 32 : 128);
	__builtin_memcpy(k.addr, dir == DIR_INGRESS ? p->saddr : p->daddr, 16);
	struct ipcache_value *v = bpf_map_lookup_elem(&cilium_ipcache, &k);
	if (!v) {
		*flags = 0;
		return ID_WORLD;
	}
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

/* Traffic that belongs to existing connections or to the link itself: ICMP errors (so path
 * MTU discovery keeps working), IPv6 neighbour discovery and multicast listener discovery, and
 * IGMP. None of it reaches an application. */
static __always_inline int icmp_always_allowed(const struct pkt *p)
{
	if (p->proto == IPPROTO_ICMP)
		return p->icmp_type == 3 || p->icmp_type == 11 || p->icmp_type == 12;
	if (p->proto == IPPROTO_ICMPV6_)
		return p->icmp_type <= 4 || (p->icmp_type >= 130 && p->icmp_type <= 137) ||
		       p->icmp_type == 143;
	return p->proto == IPPROTO_IGMP;
}

static __always_inline void ct_fill_key(struct ct_key *k, const struct pkt *p, int reverse)
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
}

static __always_inline __u64 ct_timeout(const struct pkt *p, const struct ct_value *v)
{
	if (p->proto != IPPROTO_TCP)
		return CT_OTHER_TIMEOUT;
	if ((v->state_flags & CT_F_CLOSING) || (p->tcp_flags & (TCP_FIN | TCP_RST)))
		return CT_TCP_CLOSE_TIMEOUT;
	if (v->flags_rev & TCP_ACK || v->state_flags & CT_F_SEEDED)
		return CT_TCP_EST_TIMEOUT;
	return CT_TCP_SYN_TIMEOUT;
}

static __always_inline int sampled(const struct config *cfg)
{
	return cfg->trace_sampling <= 1 || bpf_get_prandom_u32() % cfg->trace_sampling == 0;
}

static __always_inline int handle(struct __sk_buff *skb, int dir, int l2, int is_wg)
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
	if (proto == ETH_P_IP)
		err = parse_ipv4(skb, off, &p);
	else if (proto == ETH_P_IPV6)
		err = parse_ipv6(skb, off, &p);
	else
		return TC_ACT_OK; /* ARP and other non-IP traffic is not ours to judge */
	if (err)
		return drop(skb, &p, dir, err, ID_UNKNOWN, NULL, cfg);

	__u32 ipc_flags = 0;
	__u32 peer_id = peer_identity(&p, dir, &ipc_flags);
	__u8 obs = is_wg ? (dir == DIR_INGRESS ? OBS_FROM_CRYPTO : OBS_TO_CRYPTO)
			 : (dir == DIR_INGRESS ? OBS_FROM_NETWORK : OBS_TO_NETWORK);

	/* Strict encryption: nothing leaves a physical device in plaintext for a node that must
	 * be reached through WireGuard; only WireGuard's own (marked) packets may. */
	if (!is_wg && dir == DIR_EGRESS && (cfg->flags & CFG_STRICT_ENCRYPT) &&
	    (ipc_flags & IPC_F_ENCRYPT) && (skb->mark & cfg->wg_mark_mask) != cfg->wg_mark)
		return drop(skb, &p, dir, DROP_UNENCRYPTED, peer_id, NULL, cfg);

	__u64 now = bpf_ktime_get_ns();
	struct ct_key key;
	if (p.has_ports || (p.proto != IPPROTO_ICMP && p.proto != IPPROTO_ICMPV6_)) {
		ct_fill_key(&key, &p, 0);
		struct ct_value *ct = bpf_map_lookup_elem(&cilium_ct, &key);
		int reply = 0;
		if (!ct || ct->expires < now) {
			ct_fill_key(&key, &p, 1);
			ct = bpf_map_lookup_elem(&cilium_ct, &key);
			reply = 1;
		}
		if (ct && ct->expires >= now) {
			__u8 *seen = reply ? &ct->flags_rev : &ct->flags_fwd;
			__u8 new_flags = p.tcp_flags & ~*seen;
			if (reply) {
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
			count(0, dir, skb->len);
			if (new_flags && (cfg->flags & CFG_TRACE_NOTIFY) && sampled(cfg))
				emit(skb, &p, dir, EV_TRACE, obs, FLOW_FORWARDED,
				     reply ? CT_REPLY : CT_ESTABLISHED, peer_id, NULL);
			return TC_ACT_OK;
		}
	}

	/* A new connection: the only place policy is looked up. */
	int enforced = cfg->flags & (dir == DIR_INGRESS ? CFG_ENFORCE_INGRESS : CFG_ENFORCE_EGRESS);
	__u8 verdict = FLOW_FORWARDED;
	__u8 reason = 0;
	struct policy_value *pv = NULL;
	int related = icmp_always_allowed(&p);
	if (peer_id != ID_HOST && !related) {
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
		} else if (!pv && enforced) {
			__u32 audit = CFG_AUDIT | (dir == DIR_INGRESS ? CFG_AUDIT_INGRESS : CFG_AUDIT_EGRESS);
			reason = DROP_POLICY;
			verdict = (cfg->flags & audit) ? FLOW_AUDIT : FLOW_DROPPED;
		}
	}
	if ((cfg->flags & CFG_VERDICT_NOTIFY) && (enforced || pv))
		emit(skb, &p, dir, EV_POLICY_VERDICT, 0, verdict, CT_NEW, peer_id, pv);
	if (verdict == FLOW_DROPPED)
		return drop(skb, &p, dir, reason, peer_id, pv, cfg);

	if (p.has_ports || (p.proto != IPPROTO_ICMP && p.proto != IPPROTO_ICMPV6_)) {
		struct ct_value v;
		__builtin_memset(&v, 0, sizeof(v));
		v.packets_fwd = 1;
		v.bytes_fwd = skb->len;
		v.flags_fwd = p.tcp_flags;
		v.direction = dir;
		v.rule_id = pv ? pv->rule_id : 0;
		v.state_flags = verdict == FLOW_AUDIT ? CT_F_AUDITED : 0;
		v.expires = now + ct_timeout(&p, &v);
		ct_fill_key(&key, &p, 0);
		bpf_map_update_elem(&cilium_ct, &key, &v, BPF_ANY);
	}
	count(0, dir, skb->len);
	if ((cfg->flags & CFG_TRACE_NOTIFY) && sampled(cfg))
		emit(skb, &p, dir, EV_TRACE, obs, FLOW_FORWARDED, related ? CT_RELATED : CT_NEW,
		     peer_id, pv);
	return TC_ACT_OK;
}

SEC("classifier/hostfw_ingress")
int hostfw_ingress(struct __sk_buff *skb)
{
	return handle(skb, DIR_INGRESS, 1, 0);
}

SEC("classifier/hostfw_egress")
int hostfw_egress(struct __sk_buff *skb)
{
	return handle(skb, DIR_EGRESS, 1, 0);
}

/* cilium_wg0 has no link-layer header. */
SEC("classifier/hostfw_wg_ingress")
int hostfw_wg_ingress(struct __sk_buff *skb)
{
	return handle(skb, DIR_INGRESS, 0, 1);
}

SEC("classifier/hostfw_wg_egress")
int hostfw_wg_egress(struct __sk_buff *skb)
{
	return handle(skb, DIR_EGRESS, 0, 1);
}
