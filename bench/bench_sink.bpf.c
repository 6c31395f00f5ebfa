// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/bench_sink.bpf.c - the far end of bench_dp (q1's XDP program,
 * bench_sink) and of bench_fwd (the sink ports' program, bench_count).
 *
 * Counts every frame that arrives by its form (untagged, tagged with the
 * expected VID, encapsulated in the expected GRE headers, anything else)
 * and drops it: the count proves delivery and the tag or tunnel work, and
 * a drop at XDP builds no skb, so the sink adds little and much the same
 * to every scenario (a GRE frame's check reads 56 bytes as 7 words where
 * the others compare 12 bytes one by one).
 *
 * It also undoes the datapath's edits.  Live test_run frames are
 * page-pool pages that come back for a later frame with their pointers
 * reset but their bytes as the last program left them, and pushing or
 * popping a tag moves the MAC addresses: the next frame from that page
 * would carry garbage.  The datapath edits only the head of a frame (a
 * tunnel's outer headers come and go in front of it), so the end is the
 * reference: the sink moves its start back to where test_run put it and
 * writes the input's first SINK_HEAD_LEN bytes there.  Every scenario
 * pays the same, one bpf_xdp_adjust_head() and one copy.
 *
 * The flow scenarios send IPv4 (sink_ether): the sink writes each
 * frame's source address too, the same every time (sink_saddr) or, with
 * sink_renew, the next of a sequence - so the page's next frame is a new
 * flow for the datapath's flow cache.  Both ways it is one 4-byte store.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench_sink.h"
#include "bench_gen.h"

#define SINK_ETH_P_8021Q	0x8100
#define SINK_ETH_P_IP		0x0800

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by bench_dp before each run. */
__u8 sink_head[SINK_HEAD_LEN];	/* the input frame's first bytes */
__u32 sink_in_len;		/* the input frame's length */
__u16 sink_vid;			/* the VID a tagged frame must carry */
__u8 sink_macs[SINK_MACS_LEN];	/* the MACs the test frame must arrive with */
__u64 sink_gre[SINK_GRE_LEN / 8];	/* an encapsulated frame's first bytes */
__u16 sink_ether = BENCH_ETH_P;	/* EtherType of an untagged test frame */
__u32 sink_saddr;		/* IPv4 test frames: their source address */
__u32 sink_renew;		/* ... 1: a new one for every frame */
__u32 sink_seq;			/* frames renewed, for the next address */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sink_count SEC(".maps");

/* An encapsulated frame, word by word (7 loads, not 56): it need not
 * start 8-byte aligned, but unaligned packet loads are fine where XDP runs
 * natively (the verifier insists on alignment only on architectures
 * without them).
 */
static __always_inline __u32 sink_gre_form(const __u8 *data, const void *end)
{
	const __u64 *w = (const void *)data;
	int i;

	if ((const void *)(w + SINK_GRE_LEN / 8) > end)
		return SINK_OTHER;
#pragma unroll
	for (i = 0; i < SINK_GRE_LEN / 8; i++)
		if (w[i] != sink_gre[i])
			return SINK_OTHER;
	return SINK_GRE;
}

static __always_inline __u32 sink_form(const __u8 *data, const void *end)
{
	const struct ethhdr *eth = (const void *)data;
	const __be16 *tag = (const void *)(eth + 1);
	int i;

	if ((const void *)(tag + 2) > end)
		return SINK_OTHER;
	if (eth->h_proto == bpf_htons(SINK_ETH_P_IP) && sink_ether != SINK_ETH_P_IP)
		return sink_gre_form(data, end);
#pragma unroll
	for (i = 0; i < SINK_MACS_LEN; i++)
		if (data[i] != sink_macs[i])
			return SINK_OTHER;
	if (eth->h_proto == bpf_htons(sink_ether))
		return SINK_UNTAGGED;
	if (eth->h_proto == bpf_htons(SINK_ETH_P_8021Q) &&
	    (bpf_ntohs(tag[0]) & 0x0fff) == sink_vid &&
	    tag[1] == bpf_htons(BENCH_ETH_P))
		return SINK_TAGGED;
	return SINK_OTHER;
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = sink_form(data, end);
	__u64 *c = bpf_map_lookup_elem(&sink_count, &key);

	if (c)
		*c += 1;
	if (bpf_xdp_adjust_head(ctx, (int)(end - data) - (int)sink_in_len))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + SINK_HEAD_LEN > end)
		return XDP_DROP;
	__builtin_memcpy(data, sink_head, SINK_HEAD_LEN);
	if (sink_ether == SINK_ETH_P_IP && data + SINK_SADDR_OFF + 4 <= end)
		*(__be32 *)(data + SINK_SADDR_OFF) =
			bpf_htonl(sink_saddr + (sink_renew ? ++sink_seq : 0));
	return XDP_DROP;
}

/* bench_fwd's sink, on every sink port: count per port and CPU, drop.
 * sink_port maps the ports' ifindexes to slots of sink_fwd.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GEN_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} sink_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GEN_MAX_PORTS + 1);	/* the last: unknown port */
	__type(key, __u32);
	__type(value, __u64);
} sink_fwd SEC(".maps");

SEC("xdp")
int bench_count(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex, key = GEN_MAX_PORTS, *slot;
	__u64 *c;

	slot = bpf_map_lookup_elem(&sink_port, &ifindex);
	if (slot)
		key = *slot;
	c = bpf_map_lookup_elem(&sink_fwd, &key);
	if (c)
		*c += 1;
	return XDP_DROP;
}
