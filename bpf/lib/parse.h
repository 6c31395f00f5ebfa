/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/parse.h - Ethernet parsing and MAC address predicates.
 *
 * Every read is bounds-checked against ctx_data_end(); a frame too short
 * for what is read is a drop with a reason, never an out-of-bounds read.
 */
#ifndef XVS_BPF_PARSE_H
#define XVS_BPF_PARSE_H


static __always_inline int mac_is_mcast(const __u8 *mac)
{
	return mac[0] & 1;	/* broadcast is a multicast address too */
}

static __always_inline int mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static __always_inline int mac_eq(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] &&
	       a[3] == b[3] && a[4] == b[4] && a[5] == b[5];
}

/* 01:80:C2:00:00:0X: IEEE 802.1D link-local (STP, LACP, LLDP, PAUSE).
 * A bridge never forwards these; they go to the host stack.
 */
static __always_inline int mac_is_link_local(const __u8 *mac)
{
	return mac[0] == 0x01 && mac[1] == 0x80 && mac[2] == 0xc2 &&
	       mac[3] == 0 && mac[4] == 0 && (mac[5] & 0xf0) == 0;
}

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, XVS_ETH_ALEN);
}

/* Check the Ethernet header; on success *ethp points at it. */
static __always_inline int parse_eth(xvs_ctx_t *ctx, struct ethhdr **ethp)
{
	struct ethhdr *eth;

	if (ctx_pull(ctx, XVS_ETH_HLEN) < 0)
		return -XVS_DROP_TRUNCATED;
	eth = ctx_data(ctx);
	if ((void *)(eth + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TRUNCATED;
	if (mac_is_mcast(eth->h_source))
		return -XVS_DROP_SRC_MCAST;
	if (mac_is_zero(eth->h_source))
		return -XVS_DROP_SRC_ZERO;
	*ethp = eth;
	return 0;
}

#endif /* XVS_BPF_PARSE_H */
