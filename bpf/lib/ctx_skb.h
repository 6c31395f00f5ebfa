/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/ctx_skb.h - the context shim for TC (sk_buff) programs.
 * Same names as ctx_xdp.h; see there.
 */
#ifndef XVS_BPF_CTX_H
#define XVS_BPF_CTX_H

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
 * linear so direct packet access can read them.
 */
static __always_inline int ctx_pull(xvs_ctx_t *ctx, __u32 len)
{
	if (ctx->data_end - ctx->data >= len || ctx->len < len)
		return 0;
	return bpf_skb_pull_data(ctx, len);
}

#endif /* XVS_BPF_CTX_H */
