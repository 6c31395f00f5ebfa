/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/ctx_skb.h - the context shim for TC (sk_buff) programs.
 * Same names as ctx_xdp.h; see there.
 */
#ifndef XVS_BPF_CTX_H
#define XVS_BPF_CTX_H

#include <bpf/bpf_endian.h>
#include "vlan.h"
#include "../../maps/stats.h"

#define XVS_ETH_HLEN	14

#define XVS_CTX_IS_XDP 0

/* A macro, not a typedef: CO-RE relocations must name the kernel type. */
#define xvs_ctx_t struct __sk_buff

static __always_inline void *ctx_data(const xvs_ctx_t *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *ctx_data_end(const xvs_ctx_t *ctx)
{
	return (void *)(long)ctx->data_end;
}

static __always_inline __u32 ctx_len(xvs_ctx_t *ctx)
{
	return ctx->len;
}

static __always_inline __u32 ctx_linear_len(const xvs_ctx_t *ctx)
{
	return ctx->data_end - ctx->data;
}

static __always_inline __u32 ctx_ifindex(const xvs_ctx_t *ctx)
{
	return ctx->ifindex;
}

/* An skb may hold headers in paged fragments: make the first `len` bytes
 * linear (all of a shorter skb) so direct packet access can read them.
 */
static __always_inline int ctx_pull(xvs_ctx_t *ctx, __u32 len)
{
	if (ctx->len < len)
		len = ctx->len;
	if (ctx->data_end - ctx->data >= len)
		return 0;
	return bpf_skb_pull_data(ctx, len);
}

static __always_inline int ctx_is_gso(const xvs_ctx_t *ctx)
{
	return ctx->gso_size != 0;
}

/* The receive path moved a tag into the skb (vlan_present). */
static __always_inline int ctx_hw_tagged(const xvs_ctx_t *ctx)
{
	return ctx->vlan_present;
}

/* Strip the `hlen` bytes of a tunnel packet's outer headers.  The room
 * goes from behind the outer Ethernet header (the only way the helper
 * shrinks at L2): outer IPv4 and GRE, the inner Ethernet header and its
 * tag; the inner addresses and EtherType are then written over the outer
 * ones, and an inner tag becomes the skb's, where the pipeline expects a
 * received tag.  The GSO size stays: the segments can only be smaller.
 * A checksum the receive path verified stays verified: GRE (without its
 * own checksum, which we refuse) adds no checksum level, so the first one
 * is the inner packet's.  skb->protocol stays the outer one; every way out of the switch (a
 * transmit to a port's peer, a delivery into a stack) sets it anew.
 */
static __always_inline int ctx_tun_decap(xvs_ctx_t *ctx, __u32 hlen)
{
	struct ethhdr *eth, *in;
	__u8 macs[2 * XVS_ETH_ALEN];
	struct xvs_tag t;
	__u32 cut;
	int ret;

	if (hlen > 64)
		return -XVS_DROP_TUN_TRUNCATED;
	in = ctx_data(ctx) + hlen;
	if ((void *)(in + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TUN_TRUNCATED;
	ret = vlan_parse_inband(in, ctx_data_end(ctx), &t);
	if (ret)
		return ret;
	__builtin_memcpy(macs, in, sizeof(macs));
	/* Outer IPv4 + GRE + inner Ethernet, and the inner tag if any. */
	cut = hlen + (t.present ? XVS_VLAN_HLEN : 0);
	if (bpf_skb_adjust_room(ctx, -(__s32)cut, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_FIXED_GSO |
				BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		return -XVS_DROP_TUN_TRUNCATED;
	eth = ctx_data(ctx);
	if ((void *)(eth + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TUN_TRUNCATED;
	__builtin_memcpy(eth, macs, sizeof(macs));
	eth->h_proto = t.inner;
	if (t.present && bpf_skb_vlan_push(ctx, t.proto, t.tci))
		return -XVS_DROP_VLAN_TAG_FAIL;
	return 0;
}

/* --- 802.1Q: the outer tag is the skb's (the stack moves it there) --- */

static __always_inline int ctx_vlan_get(xvs_ctx_t *ctx, struct xvs_tag *t)
{
	struct ethhdr *eth;

	if (ctx_pull(ctx, XVS_ETH_HLEN + XVS_VLAN_HLEN) < 0)
		return -XVS_DROP_TRUNCATED;
	eth = ctx_data(ctx);
	if ((void *)(eth + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TRUNCATED;
	if (!ctx->vlan_present)
		return vlan_parse_inband(eth, ctx_data_end(ctx), t);
	t->present = 1;
	t->tci = ctx->vlan_tci;
	t->proto = ctx->vlan_proto;
	t->inner = eth->h_proto;
	return 0;
}

/* Make the skb carry tag `tci` (as its offloaded tag), or no tag. */
static __always_inline int ctx_vlan_set(xvs_ctx_t *ctx, int tagged, __u16 tci)
{
	struct ethhdr *eth;

	if (ctx->vlan_present) {
		if (tagged && ctx->vlan_tci == tci)
			return 0;
		if (bpf_skb_vlan_pop(ctx))
			return -XVS_DROP_VLAN_TAG_FAIL;
	} else {
		eth = ctx_data(ctx);
		if ((void *)(eth + 1) > ctx_data_end(ctx))
			return -XVS_DROP_TRUNCATED;
		/* An in-band tag (the host sent it so): pop it too. */
		if (eth_is_vlan(eth->h_proto) && bpf_skb_vlan_pop(ctx))
			return -XVS_DROP_VLAN_TAG_FAIL;
	}
	if (tagged && bpf_skb_vlan_push(ctx, bpf_htons(XVS_ETH_P_8021Q), tci))
		return -XVS_DROP_VLAN_TAG_FAIL;
	return 0;
}

#endif /* XVS_BPF_CTX_H */
