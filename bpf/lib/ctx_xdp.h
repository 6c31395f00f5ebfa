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

#endif /* XVS_BPF_CTX_H */
