// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/frame.c - frames made from a flow description; see frame.h.
 *
 * Headers are filled in as local structs and copied into the frame, so
 * nothing is written through a pointer the frame's byte offsets leave
 * unaligned (an IPv4 header starts 14 bytes in).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "frame.h"
#include "maps/tunnel.h"

#define FRAME_MIN	60	/* the Ethernet minimum, without FCS */
#define ETH_P_8021Q_	0x8100
#define IP_DF_		0x4000
#define IPPROTO_ICMPV6_	58
#define ICMP_ECHO_	8
#define ICMPV6_ECHO_	128
#define ARP_REQUEST	1
#define TP_SRC_DEFAULT	49152
#define TP_DST_DEFAULT	9	/* discard */

static const __u8 src_default[ETH_ALEN] = { 0x02, 0x78, 0x76, 0x73, 0x00, 0x01 };
static const __u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 ip6_src_default[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const __u8 ip6_dst_default[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* A frame being written: bytes are appended; err once one did not fit. */
struct fb {
	__u8 *buf;
	size_t len, size;
	int err;
};

struct arp_ipv4 {
	__be16 htype, ptype;
	__u8   hlen, plen;
	__be16 op;
	__u8   sha[ETH_ALEN];
	__be32 spa;
	__u8   tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

/* TCP, UDP and ICMP(v6) echo headers: what a frame's L4 part can be. */
union l4hdr {
	struct tcphdr tcp;
	struct udphdr udp;
	__u8 icmp[8];
};

static void put(struct fb *b, const void *data, size_t n)
{
	if (b->err || n > b->size - b->len) {
		b->err = -ENOSPC;
		return;
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
}

static bool is_set(const void *mask, size_t n)
{
	const __u8 *m = mask;

	while (n--)
		if (*m++)
			return true;
	return false;
}

/* The field's value if the mask sets it, else dflt. */
#define FIELD(key, mask, f, dflt) \
	(is_set(&(mask)->f, sizeof((mask)->f)) ? (key)->f : (dflt))

static __u32 csum_add(__u32 sum, const void *data, size_t len)
{
	const __u8 *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static __be16 csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* The L4 header of protocol `proto` into h; `pseudo`: the sum of the IP
 * pseudo header's addresses and protocol (ICMP over IPv4 has none).
 * Returns its length, 0 for a protocol without one here.
 */
static size_t l4_build(const struct xvs_flow_key *key, const struct xvs_flow_key *mask,
		       __u8 proto, __u32 pseudo, union l4hdr *h)
{
	__be16 *csum;
	size_t len;

	memset(h, 0, sizeof(*h));
	switch (proto) {
	case IPPROTO_TCP:
		h->tcp.source = FIELD(key, mask, tp_src, htons(TP_SRC_DEFAULT));
		h->tcp.dest = FIELD(key, mask, tp_dst, htons(TP_DST_DEFAULT));
		h->tcp.doff = sizeof(h->tcp) / 4;
		h->tcp.syn = 1;
		h->tcp.window = htons(64240);
		csum = &h->tcp.check;
		len = sizeof(h->tcp);
		break;
	case IPPROTO_UDP:
		h->udp.source = FIELD(key, mask, tp_src, htons(TP_SRC_DEFAULT));
		h->udp.dest = FIELD(key, mask, tp_dst, htons(TP_DST_DEFAULT));
		h->udp.len = htons(sizeof(h->udp));
		csum = &h->udp.check;
		len = sizeof(h->udp);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6_:
		/* The type and code are the key's tp_src and tp_dst. */
		h->icmp[0] = ntohs(FIELD(key, mask, tp_src, htons(proto == IPPROTO_ICMP ?
						ICMP_ECHO_ : ICMPV6_ECHO_)));
		h->icmp[1] = ntohs(FIELD(key, mask, tp_dst, 0));
		csum = (__be16 *)&h->icmp[2];
		len = sizeof(h->icmp);
		if (proto == IPPROTO_ICMP)
			pseudo = 0;
		break;
	default:
		return 0;
	}
	if (proto != IPPROTO_ICMP)
		pseudo += len;
	*csum = csum_fold(csum_add(pseudo, h, len));
	/* 0 is "no checksum" in UDP: a sum of 0 is sent as all ones. */
	if (proto == IPPROTO_UDP && !*csum)
		*csum = 0xffff;
	return len;
}

static void ip4_build(struct fb *b, const struct xvs_flow_key *key,
		      const struct xvs_flow_key *mask)
{
	struct iphdr ip = {
		.version = 4, .ihl = sizeof(ip) / 4, .ttl = 64,
		.frag_off = htons(IP_DF_),
		.protocol = FIELD(key, mask, nw_proto, IPPROTO_ICMP),
		.saddr = FIELD(key, mask, nw_src[0], htonl(0xc0000201)),
		.daddr = FIELD(key, mask, nw_dst[0], htonl(0xc0000202)),
	};
	union l4hdr h;
	size_t len;

	len = l4_build(key, mask, ip.protocol,
		       csum_add(ip.protocol, &ip.saddr, 8), &h);
	ip.tot_len = htons(sizeof(ip) + len);
	ip.check = csum_fold(csum_add(0, &ip, sizeof(ip)));
	put(b, &ip, sizeof(ip));
	put(b, &h, len);
}

static void ip6_build(struct fb *b, const struct xvs_flow_key *key,
		      const struct xvs_flow_key *mask)
{
	struct ipv6hdr ip = {
		.version = 6, .hop_limit = 64,
		.nexthdr = FIELD(key, mask, nw_proto, IPPROTO_ICMPV6_),
	};
	union l4hdr h;
	size_t len;

	memcpy(&ip.saddr, is_set(mask->nw_src, sizeof(mask->nw_src)) ?
	       (const void *)key->nw_src : ip6_src_default, sizeof(ip.saddr));
	memcpy(&ip.daddr, is_set(mask->nw_dst, sizeof(mask->nw_dst)) ?
	       (const void *)key->nw_dst : ip6_dst_default, sizeof(ip.daddr));
	len = l4_build(key, mask, ip.nexthdr,
		       csum_add(ip.nexthdr, &ip.saddr, 32), &h);
	ip.payload_len = htons(len);
	put(b, &ip, sizeof(ip));
	put(b, &h, len);
}

/* A request asks for tpa (tha unknown); other operations name dl_dst. */
static void arp_build(struct fb *b, const struct xvs_flow_key *key,
		      const struct xvs_flow_key *mask, const __u8 *src,
		      const __u8 *dst)
{
	struct arp_ipv4 a = {
		.htype = htons(1), .ptype = htons(ETH_P_IP),
		.hlen = ETH_ALEN, .plen = 4,
		.op = htons(FIELD(key, mask, nw_proto, ARP_REQUEST)),
		.spa = FIELD(key, mask, nw_src[0], htonl(0xc0000201)),
		.tpa = FIELD(key, mask, nw_dst[0], htonl(0xc0000202)),
	};

	memcpy(a.sha, src, ETH_ALEN);
	if (a.op != htons(ARP_REQUEST))
		memcpy(a.tha, dst, ETH_ALEN);
	put(b, &a, sizeof(a));
}

int frame_build(const struct xvs_flow_key *key, const struct xvs_flow_key *mask,
		bool tagged, __u8 *buf, size_t size)
{
	__be16 type = FIELD(key, mask, dl_type, htons(ETH_P_IP));
	__be16 tag[2] = { htons(ETH_P_8021Q_), htons(key->dl_vlan) };
	const __u8 *dst, *src;
	struct fb b = { buf, 0, size, 0 };
	__u8 zero[FRAME_MIN] = {};

	dst = is_set(mask->dl_dst, ETH_ALEN) ? key->dl_dst : bcast;
	src = is_set(mask->dl_src, ETH_ALEN) ? key->dl_src : src_default;
	put(&b, dst, ETH_ALEN);
	put(&b, src, ETH_ALEN);
	if (tagged)
		put(&b, tag, sizeof(tag));
	put(&b, &type, sizeof(type));
	switch (ntohs(type)) {
	case ETH_P_IP:
		ip4_build(&b, key, mask);
		break;
	case ETH_P_IPV6:
		ip6_build(&b, key, mask);
		break;
	case ETH_P_ARP:
		arp_build(&b, key, mask, src, dst);
		break;
	}
	if (b.len < FRAME_MIN)
		put(&b, zero, FRAME_MIN - b.len);
	return b.err ?: (int)b.len;
}

int frame_gre(const struct frame_gre *g, __u8 *buf, size_t size, size_t len)
{
	size_t glen = XVS_GRE_HLEN + (g->has_key ? XVS_GRE_KEY_HLEN : 0);
	size_t hlen = ETH_HLEN + sizeof(struct iphdr) + glen;
	__be16 proto = htons(ETH_P_IP);
	struct iphdr ip = {
		.version = 4, .ihl = sizeof(ip) / 4, .ttl = 64,
		.protocol = XVS_IPPROTO_GRE, .tot_len = htons(hlen - ETH_HLEN + len),
		.saddr = g->saddr, .daddr = g->daddr,
	};
	__be16 gre[4] = {
		htons(g->has_key ? XVS_GRE_F_KEY : 0), htons(XVS_GRE_PROTO_TEB),
	};
	struct fb b = { buf, 0, size, 0 };

	if (hlen + len > size)
		return -ENOSPC;
	memmove(buf + hlen, buf, len);
	ip.check = csum_fold(csum_add(0, &ip, sizeof(ip)));
	memcpy(&gre[2], &g->key, sizeof(g->key));
	put(&b, g->dst, ETH_ALEN);
	put(&b, g->src, ETH_ALEN);
	put(&b, &proto, sizeof(proto));
	put(&b, &ip, sizeof(ip));
	put(&b, gre, glen);
	return hlen + len;
}
