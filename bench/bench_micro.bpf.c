// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/bench_micro.bpf.c - the harness of bench_dp's per-path
 * microbenchmarks (-f micro): BPF_PROG_TEST_RUN without live frames.
 *
 * A test run without live frames runs the program `repeat` times on one
 * buffer, and keeps what each run did to it: a pushed tag, outer headers
 * added or stripped.  The next run would see another frame (and a frame
 * tagged on an access port is a drop).  So the program under test is
 * never run directly: bench_micro runs first, every time, puts the frame
 * back as bench_dp gave it, then tail-calls the program in micro_next
 * (xvs_xdp_rx; bench_empty for the baseline; bench_redirect, a bare
 * devmap redirect, for the ceiling).
 *
 * The put-back costs every scenario the same: one bpf_xdp_adjust_head()
 * (by 0 when nothing moved), one MICRO_COPY-byte copy of the template,
 * and the tail call.  The baseline pays it too, so a scenario's cost net
 * of the baseline is the datapath's own.  With micro_renew the frame's
 * IPv4 source is the next of a sequence every time (one 4-byte store): a
 * flow the flow cache has never seen.
 *
 * bench_micro_tc does the same for the TC program (xvs_tc_rx, or
 * bench_empty_tc) on the paths that leave the frame as it is (known
 * unicast, the flow cache): it clears the mark the switch leaves on an
 * skb it sends, writes the source address if micro_renew, and
 * tail-calls micro_next_tc.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench_micro.h"

#define TC_ACT_SHOT	2

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by bench_dp before each run. */
__u8 micro_frame[MICRO_COPY];	/* the input frame's first bytes */
__u32 micro_len;		/* the input frame's length */
__u32 micro_renew;		/* a new IPv4 source in every run */
__u32 micro_saddr;		/* ... counting up from here */
__u32 micro_seq;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} micro_next SEC(".maps");

/* "xdp.frags" like xvs_xdp_rx: a tail call needs the same frags flag. */
SEC("xdp.frags")
int bench_micro(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (bpf_xdp_adjust_head(ctx, (int)(end - data) - (int)micro_len))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + MICRO_COPY > end)
		return XDP_ABORTED;
	__builtin_memcpy(data, micro_frame, MICRO_COPY);
	if (micro_renew)
		*(__be32 *)(data + MICRO_SADDR_OFF) = bpf_htonl(micro_saddr + ++micro_seq);
	bpf_tail_call(ctx, &micro_next, 0);
	return XDP_ABORTED;
}

/* The baseline: a program that decides nothing. */
SEC("xdp.frags")
int bench_empty(struct xdp_md *ctx)
{
	return XDP_DROP;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} micro_next_tc SEC(".maps");

SEC("tc")
int bench_micro_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	skb->mark = 0;
	if (data + MICRO_COPY > end)
		return TC_ACT_SHOT;
	if (micro_renew)
		*(__be32 *)(data + MICRO_SADDR_OFF) = bpf_htonl(micro_saddr + ++micro_seq);
	bpf_tail_call(skb, &micro_next_tc, 0);
	return TC_ACT_SHOT;
}

SEC("tc")
int bench_empty_tc(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

/* The ceiling of any XDP switch: a devmap redirect to p1, nothing read
 * (bench_fwd's bench_bare, run the same way as the datapath here).
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} micro_tx SEC(".maps");

SEC("xdp.frags")
int bench_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&micro_tx, 0, 0);
}
