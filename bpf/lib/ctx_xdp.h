/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/ctx_xdp.h - the context shim for XDP programs.
 *
 * The pipeline headers are written against xvs_ctx_t and the ctx_*()
 * accessors below; ctx_skb.h provides the same names for TC programs.  An
 * entry file includes exactly one shim before any pipeline header.
 */
#ifndef XVS_BPF_CTX_H
#define XVS_BPF_CTX_H

#include <bpf/bpf_endian.h>
#include "vlan.h"
#include "../../maps/stats.h"

#define XVS_ETH_HLEN	14

#define XVS_CTX_IS_XDP 1

/* A macro, not a typedef: CO-RE relocations must name the kernel type. */
#define xvs_ctx_t struct xdp_md

static __always_inline void *ctx_data(const xvs_ctx_t *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *ctx_data_end(const xvs_ctx_t *ctx)
{
	return (void *)(long)ctx->data_end;
}

/* The whole frame, fragments of a multi-buffer frame included. */
static __always_inline __u32 ctx_len(xvs_ctx_t *ctx)
{
	return bpf_xdp_get_buff_len(ctx);
}

/* Bytes in the linear part (what ctx_data() .. ctx_data_end() covers). */
static __always_inline __u32 ctx_linear_len(const xvs_ctx_t *ctx)
{
	return ctx->data_end - ctx->data;
}

static __always_inline __u32 ctx_ifindex(const xvs_ctx_t *ctx)
{
	return ctx->ingress_ifindex;
}

/* XDP frames carry the Ethernet header in the linear part already. */
static __always_inline int ctx_pull(xvs_ctx_t *ctx, __u32 len)
{
	return 0;
}

/* An XDP frame is one packet, its tags in the frame. */
static __always_inline int ctx_is_gso(const xvs_ctx_t *ctx)
{
	return 0;
}

static __always_inline int ctx_hw_tagged(const xvs_ctx_t *ctx)
{
	return 0;
}

/* Strip the `hlen` bytes of a tunnel packet's outer headers: the inner
 * frame, its tag in it, is the frame.
 */
static __always_inline int ctx_tun_decap(xvs_ctx_t *ctx, __u32 hlen)
{
	if (bpf_xdp_adjust_head(ctx, hlen))
		return -XVS_DROP_TUN_TRUNCATED;
	return 0;
}

/* --- 802.1Q: the tag is in the frame ------------------------------- */

static __always_inline int ctx_vlan_get(xvs_ctx_t *ctx, struct xvs_tag *t)
{
	struct ethhdr *eth = ctx_data(ctx);

	if ((void *)(eth + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TRUNCATED;
	return vlan_parse_inband(eth, ctx_data_end(ctx), t);
}

/* Make the frame carry an 802.1Q tag with `tci`, or no tag.  The MAC
 * addresses move by the 4 bytes of the tag; the EtherType stays put.
 */
static __always_inline int ctx_vlan_set(xvs_ctx_t *ctx, int tagged, __u16 tci)
{
	struct ethhdr *eth = ctx_data(ctx);
	__u8 macs[2 * XVS_ETH_ALEN];
	__be16 *vh;
	int had;

	if ((void *)(eth + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TRUNCATED;
	had = eth->h_proto == bpf_htons(XVS_ETH_P_8021Q);
	if (had && tagged) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > ctx_data_end(ctx))
			return -XVS_DROP_VLAN_TRUNCATED;
		*vh = bpf_htons(tci);
		return 0;
	}
	if (had == tagged)
		return 0;
	__builtin_memcpy(macs, eth, sizeof(macs));
	if (bpf_xdp_adjust_head(ctx, tagged ? -XVS_VLAN_HLEN : XVS_VLAN_HLEN))
		return -XVS_DROP_VLAN_TAG_FAIL;
	eth = ctx_data(ctx);
	vh = (void *)(eth + 1);
	if ((void *)(vh + 1) > ctx_data_end(ctx))
		return -XVS_DROP_VLAN_TAG_FAIL;
	__builtin_memcpy(eth, macs, sizeof(macs));
	if (tagged) {
		eth->h_proto = bpf_htons(XVS_ETH_P_8021Q);
		*vh = bpf_htons(tci);
	}
	return 0;
}

#endif /* XVS_BPF_CTX_H */
