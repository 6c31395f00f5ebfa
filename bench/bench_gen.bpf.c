// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/bench_gen.bpf.c - the two ends bench_fwd puts around a switch.
 *
 * bench_gen is the traffic generator.  bench_fwd runs it with
 * BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES on one frame; for each
 * repetition it writes the flow number (a counter modulo gen_flows) into
 * the source MAC, the IPv4 source and the UDP source port, and redirects
 * the frame into the generator's veth g0 through gen_tx.  g0's peer is
 * the switch's port p0.  One CPU runs it, so the counter needs no atomics.
 * The IPv4 checksum is kept right: GRO on a port checks it.
 *
 * bench_bare is the ceiling: on p0, it redirects every frame to the sink
 * ports in fwd_tx without looking at it, to key 0 (p1), or to all of
 * them when fwd_flood is set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench_gen.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u32 gen_flows = 1;		/* flows to cycle through, >= 1 */
__u64 gen_seq;			/* frames generated */
__u16 gen_csum0;		/* the template's IPv4 checksum, host order */
__u32 fwd_flood;		/* bench_bare: broadcast to every sink port */

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gen_tx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, GEN_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} fwd_tx SEC(".maps");

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 flow, sum;

	if ((void *)(data + GEN_HDR_LEN) > end)
		return XDP_ABORTED;
	flow = gen_seq++ % gen_flows;
	*(__be32 *)(data + GEN_OFF_SMAC + 2) = bpf_htonl(flow);
	*(__be32 *)(data + GEN_OFF_SADDR) = bpf_htonl(0x0a000000 | flow);
	/* The template's checksum is flow 0's: add the flow (RFC 1624). */
	sum = (__u16)~gen_csum0 + (flow >> 16) + (flow & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	*(__be16 *)(data + GEN_OFF_CSUM) = bpf_htons(~((sum & 0xffff) + (sum >> 16)));
	*(__be16 *)(data + GEN_OFF_SPORT) = bpf_htons(1024 + (flow & 0x7fff));
	return bpf_redirect_map(&gen_tx, 0, 0);
}

SEC("xdp")
int bench_bare(struct xdp_md *ctx)
{
	if (fwd_flood)
		return bpf_redirect_map(&fwd_tx, 0,
					BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	return bpf_redirect_map(&fwd_tx, 0, 0);
}
